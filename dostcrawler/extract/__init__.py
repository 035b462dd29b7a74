"""Pure extraction functions over HTML: no network, no Scrapy."""
