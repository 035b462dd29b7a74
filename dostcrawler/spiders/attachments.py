"""An article's documents (many notices are only a signed PDF): requested once, stored by the
pipeline content-addressed under exports/files/.

A mixin of NewsSpider.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy.http import Response

from dostcrawler.extract.urls import same_site
from dostcrawler.items import Article, AttachmentFile


class AttachmentRequests:
    """Requests for an article's documents, and the files they bring back."""

    settings: Any  # Scrapy's, set on the spider by from_crawler
    allowed_domains: list[str]
    # Document URLs already in the archive or already requested: never downloaded twice.
    known_attachments: set[str]

    if TYPE_CHECKING:  # NewsSpider's, which this mixin is part of

        def _count(self, key: str) -> None: ...
        def _local(self, url: str) -> str: ...
        def site_url(self, url: str) -> str: ...

    def _attachment_requests(self, article: Article) -> Iterator[scrapy.Request]:
        """Download the article's documents (many notices are only a signed PDF)."""
        assert article.id is not None
        for attachment in article.attachments:
            yield from self._attachment_request(article.id, attachment)

    def _attachment_request(
        self, article_id: str, attachment: dict[str, str]
    ) -> Iterator[scrapy.Request]:
        url = self._local(attachment["url"])
        if not self.settings.getbool("DOSTCRAWLER_ATTACHMENTS", True):
            return
        if attachment["url"] in self.known_attachments or not same_site(
            url, tuple(self.allowed_domains)
        ):
            return
        self.known_attachments.add(attachment["url"])
        yield scrapy.Request(
            url,
            callback=self.parse_attachment,
            cb_kwargs={"article_id": article_id, "attachment": attachment},
            priority=-1,
        )

    def parse_attachment(
        self, response: Response, article_id: str, attachment: dict[str, str]
    ) -> Iterator[AttachmentFile]:
        """Hand the downloaded file to the store (content-addressed under exports/files/)."""
        self._count("pages/attachment")
        served = response.headers.get("Content-Type")
        yield AttachmentFile(
            article_id=article_id,
            url=self.site_url(response.url),
            name=attachment["name"],
            media_type=attachment["media_type"],
            body=response.body,
            served_type=served.decode("latin-1") if served else None,
            http_status=response.status,
        )
