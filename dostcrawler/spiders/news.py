"""The profile-driven news spider: listing pages -> article pages -> Article items.

Every link is identified by the platform's canonical form before it is requested, so a print
view or a case variant of an article is never fetched twice; the variants are kept as alias URLs.
The canonical form is an identity key, not an address: a request always goes to a URL some page
printed (the first form met), because old servers answer 404 to spellings they never link.
Links found only in related lists wait until the listing walk is done, so that the listing's
own form of a URL wins when the listing links the article too.

Feeds, sitemaps and listing APIs (spiders.sources) and an article's documents
(spiders.attachments) are mixins of the spider.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from dostcrawler.capture.middleware import WARC_META_KEY
from dostcrawler.extract.article import ListingHint
from dostcrawler.extract.dates import parse_date
from dostcrawler.extract.template import Template
from dostcrawler.extract.urls import attachment_media_type, page_canonical_link, same_site
from dostcrawler.items import Article
from dostcrawler.platforms import PLATFORMS, detect_platform
from dostcrawler.profiles import SiteProfile, generic_profile, load_profile_file, with_preset
from dostcrawler.records import article_from_page
from dostcrawler.spiders import listings
from dostcrawler.spiders.attachments import AttachmentRequests
from dostcrawler.spiders.failures import (
    failure_reason,
    failure_text,
    quiet_network_tracebacks,
)
from dostcrawler.spiders.learning import HeldPage, TemplateLearner, apply_template
from dostcrawler.spiders.pager import PagerWatch
from dostcrawler.spiders.sources import ListingSources
from dostcrawler.storage import retries
from dostcrawler.storage.db import Archive
from dostcrawler.storage.retries import FailedPage
from dostcrawler.storage.runstats import DEAD_LINKS
from dostcrawler.tls import tls_settings

logger = logging.getLogger(__name__)
FLUSH_URL = "data:,"


# Pages (listings and articles) scanned for a CMS's marks before generic mode settles for its
# own rules: a CMS marks every page it makes, the first listing and articles included.
DETECT_PAGES = 6


class NewsSpider(ListingSources, AttachmentRequests, scrapy.Spider):
    """Crawl one site: subclasses fix `profile`; this one takes -a profile= or -a start_url=."""

    name = "news"
    profile: SiteProfile

    def __init__(
        self,
        *args: Any,
        profile: SiteProfile | str | None = None,
        start_url: str | None = None,
        origin: str | None = None,
        max_articles: int | str | None = None,
        mode: str = "incremental",
        since: str | None = None,
        learned_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(profile, str):
            profile = load_profile_file(profile)
        if profile is None and start_url:
            profile = generic_profile(start_url)
        if profile is not None:
            self.profile = profile
        if not hasattr(self, "profile"):
            raise ValueError("NewsSpider needs -a profile=FILE or -a start_url=URL")
        self.platform = PLATFORMS[self.profile.platform]
        self._pages_scanned = 0  # pages scanned for the CMS that made them (generic mode)
        # A site with no article selectors of its own learns its template from its pages.
        own_rules = any(key.startswith("article.") for key in self.profile.own_keys)
        self.learner = (
            None if own_rules or self.profile.platform != "generic" else TemplateLearner()
        )
        self.real_domains = self.profile.domains
        # Where the site lives, which the archive records whatever --origin fetches from.
        first = urlsplit(self.profile.start_urls[0]) if self.profile.start_urls else None
        self.site_origin = f"{first.scheme}://{first.netloc}" if first else None
        self.origin = origin.rstrip("/") if origin else None
        if self.origin:
            self.profile = self.profile.with_origin(self.origin)
        self.allowed_domains = [d for d in self.profile.domains if d]
        self.max_articles = int(max_articles) if max_articles else None
        if mode not in ("incremental", "full"):
            raise ValueError(f"mode must be 'incremental' or 'full', not {mode!r}")
        self.run_mode = mode
        self.since = since
        self.learned_path = learned_path
        # Filled from the archive when the crawler opens (incremental mode).
        self.known_ids: frozenset[str] = frozenset()
        self.known_attachments: set[str] = set()
        self.stop_at_known_pages = False
        self.requested: set[str] = set()
        # Articles linked but not requested because of --max-articles.
        self.left_for_later: set[str] = set()
        # Article pages requested, and those answered or failed: every request accounts for
        # itself, so a page that a middleware drops without a word is still counted.
        self.fetching: set[str] = set()
        self.resolved: set[str] = set()
        self.pager = PagerWatch()
        # The retry list (storage.retries): pages earlier runs could not fetch, and this
        # run's failures and dead links, which the store settles when the run closes.
        self.retry_urls: list[str] = []
        self.missing_attachments: list[tuple[str, dict[str, str]]] = []
        self.failed_articles: dict[str, FailedPage] = {}
        self.gone_ids: set[str] = set()
        self.url_aliases: dict[str, set[str]] = defaultdict(set)
        # Ids whose url_aliases gained an address the archive does not have yet.
        self.unsaved_aliases: set[str] = set()
        # The listing page each article was found on, even when a related-article link on
        # another article page led to it first.
        self.listing_urls: dict[str, str] = {}
        # Alias URL -> article id, for aliases only a page reveals (platform.alias_links).
        self.revealed_aliases: dict[str, str] = {}
        # Article id -> the first form of its URL met in a related list, requested once the
        # listing walk is over (see on_idle).
        self.related_links: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        quiet_network_tracebacks()
        spider.load_archive_state(crawler.settings.get("DOSTCRAWLER_DB_PATH"))
        crawler.signals.connect(spider.on_idle, signal=signals.spider_idle)
        if spider.learned_path and spider.learner is not None:
            crawler.signals.connect(spider.save_learned, signal=signals.spider_closed)
        return spider

    def save_learned(self) -> None:
        """Leave the templates this crawl learned where `dostcrawler learn` reads them."""
        from dostcrawler.learn import save_learned

        assert self.learned_path and self.learner is not None
        save_learned(self.learned_path, self.profile, self.learner.templates)

    def on_idle(self) -> None:
        """The listing walk is over: request the articles met only in related lists; then
        extract the article pages still held for template learning."""
        waiting, self.related_links = self.related_links, {}
        requests = [
            request
            for url in waiting.values()
            for request in self._article_request(url, None, ListingHint())
        ]
        if not requests and self.learner is not None and self.learner.waiting:
            # A spider hands items to the engine only from a callback: an empty data: URL
            # (never sent anywhere, never captured) gives it one.
            requests = [scrapy.Request(FLUSH_URL, callback=self.flush_held_pages, dont_filter=True)]
        for request in requests:
            self.crawler.engine.crawl(request)
        if requests:
            raise DontCloseSpider

    def load_archive_state(self, db_path: str | None) -> None:
        """What the archive already holds. Attachments are never downloaded twice (they are
        content-addressed). Incremental runs also skip known articles, and stop paginating at a
        page of known articles, but only when the newest run left the archive holding the whole
        back catalogue (so a run that was interrupted, failed in part, or was cut short by
        --since or --max-articles is followed by one that walks every listing page)."""
        if not db_path or not Path(db_path).is_file():
            return
        archive = Archive(db_path)
        try:
            self.known_attachments = set(archive.attachment_urls(self.profile.name))
            self.missing_attachments = archive.attachments_not_downloaded(self.profile.name)
            self.retry_urls = retries.pending(archive.db, self.profile.name)
            if self.run_mode == "incremental":
                self.known_ids = frozenset(archive.article_ids(self.profile.name))
                self.stop_at_known_pages = archive.back_catalogue_covered(self.profile.name)
        finally:
            archive.close()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        """The profile's start URLs, read by the profile's listing strategy."""
        rules = self.profile.listing
        if rules.strategy == "api":
            yield self._api_request(0)
            return
        callback = {
            "html": self.parse_listing,
            "rss": self.parse_feed,
            "sitemap": self.parse_sitemap,
        }[rules.strategy]
        for url in self.profile.start_urls:
            yield scrapy.Request(
                url, callback=callback, cb_kwargs={"page": 1}, errback=self.listing_failed
            )
        for url in self.retry_urls:  # whether or not a listing still links them
            for request in self._article_request(self._local(url), None, ListingHint()):
                self._count("articles/retried")
                yield request
        for article_id, attachment in self.missing_attachments:
            for request in self._attachment_request(article_id, attachment):
                self._count("attachments/retried")
                yield request

    # Listings -------------------------------------------------------------------------------

    def parse_listing(
        self, response: Response, page: int, previous: str | None = None
    ) -> Iterator[scrapy.Request]:
        """Request every article an HTML listing page shows, then the next listing page
        (`previous`: the listing page that linked this one)."""
        if not isinstance(response, TextResponse):
            self._count("skipped/non_html_listing")
            return
        self._count("pages/listing")
        if self._detecting:
            self._adopt_detected_platform(response)
        rules = self.profile.listing
        entries = listings.html_entries(
            response.selector,
            response.url,
            rules,
            self.platform,
            month_first=self.profile.month_first,
            # A detected preset's selectors are a guess about this site; a profile's are not.
            discover="listing.article_links" not in self.profile.own_keys,
        )
        fresh = yield from self._article_requests(entries, response.url, previous)
        if not self._keep_paging(entries, fresh, response.url):
            return
        next_pages = listings.html_next_pages(response.selector, response.url, rules, page)
        if next_pages and self._pager_gave_nothing(response.url):
            return
        if next_pages and page >= rules.max_pages:
            self._count("listing/max_pages_reached")
            logger.warning("%s: stopped at listing.max_pages = %d", response.url, rules.max_pages)
        if page < rules.max_pages:
            for url in next_pages:
                yield scrapy.Request(
                    self._local(url),
                    callback=self.parse_listing,
                    cb_kwargs={"page": page + 1, "previous": response.url},
                    errback=self.listing_failed,
                    # After the articles already asked for: a page's articles are judged
                    # before the pager goes on (and the queue holds one page of them, not
                    # the whole back catalogue).
                    priority=-1,
                )

    def _pager_gave_nothing(self, url: str) -> bool:
        """The last listing.max_fruitless_pages pages of this pager gave nothing (pager.py)."""
        limit = self.profile.listing.max_fruitless_pages
        if self.pager.barren_run(url, limit) < limit:
            return False
        self._count("listing/stopped_fruitless")
        logger.warning(
            "%s: the last %d listing pages linked no new article that answered: stopping the "
            "walk here (listing.max_fruitless_pages)",
            url,
            limit,
        )
        return True

    @property
    def _detecting(self) -> bool:
        """Generic mode with no selectors of its own (--start-url): the pages name the CMS.
        Every page of a site comes from the same CMS, so the first few tell whether any will:
        after DETECT_PAGES pages that named none, no page is scanned again."""
        return (
            self.profile.platform == "generic"
            and not self.profile.own_keys
            and self._pages_scanned < DETECT_PAGES
        )

    def _adopt_detected_platform(self, response: TextResponse) -> None:
        """Generic mode: once a page reveals its CMS, use that platform's preset and URL rules."""
        self._pages_scanned += 1
        platform = detect_platform(response.url, response.text)
        if platform.name != "generic":
            logger.info("%s looks like %s: using its preset", response.url, platform.name)
            self.profile = with_preset(self.profile, platform.name)
            self.platform = platform

    def _article_requests(
        self, entries: list[listings.Entry], listing_url: str, previous: str | None = None
    ) -> Generator[scrapy.Request, None, int]:
        """Request the entries' articles; returns how many were new (neither known nor old)."""
        fresh, new_articles, judged_elsewhere = 0, [], False
        for entry in entries:
            if self._older_than_since(entry.hint):
                self._count("skipped/older_than_since")
                judged_elsewhere = True
                continue
            requests = list(self._article_request(entry.url, listing_url, entry.hint))
            if requests:
                fresh += 1
                new_articles += [request.cb_kwargs["article_id"] for request in requests]
                yield from requests
                continue
            # Not requested: already asked for, archived, or left for the next run.
            article_id = self._entry_id(entry.url)
            fresh += article_id not in self.known_ids
            judged_elsewhere |= article_id in self.known_ids or article_id in self.left_for_later
        self.pager.linked(listing_url, previous, new_articles, judged_elsewhere)
        return fresh

    def _keep_paging(self, entries: list[listings.Entry], fresh: int, url: str) -> bool:
        """Incremental runs stop at a listing page that holds only known (or too old) articles."""
        if not entries or fresh:
            return True
        if self.since and all(self._older_than_since(e.hint) for e in entries if e.hint.date):
            logger.info("%s lists only articles older than %s: stopping", url, self.since)
            return False
        if self.run_mode == "incremental" and self.stop_at_known_pages:
            logger.info("%s lists only known articles: stopping", url)
            self._count("listing/stopped_at_known_page")
            return False
        return True

    def _older_than_since(self, hint: ListingHint) -> bool:
        return bool(self.since and hint.date and hint.date.value[:10] < self.since)

    def _entry_id(self, url: str) -> str:
        return self._identify(url)[2]

    def _identify(self, url: str) -> tuple[str, str, str]:
        """(the link as the server would see it, its canonical URL, the article id). The
        identity comes from the site's own address, never from a mirror's."""
        # A fragment never reaches the server: "#mainContent" is the same URL, not an alias.
        url = urldefrag(self._local(url))[0]
        canonical = self.platform.canonicalize(self.site_url(url), self.profile)
        return url, canonical, f"{self.profile.name}:{self.platform.key_for(canonical)}"

    # Article pages ----------------------------------------------------------------------------

    def _note_alias(self, url: str) -> tuple[str, str] | None:
        """Record a printed form of an article's URL; (article id, the form as printed), or
        None off the site. Every form is kept: the store subtracts the one the record uses."""
        url, _, article_id = self._identify(url)
        if not self._in_scope(url) or attachment_media_type(url):
            return None
        article_id = self.revealed_aliases.get(url, article_id)
        self._add_alias(article_id, self.site_url(url))
        return article_id, url

    def _article_request(
        self, url: str, listing_url: str | None, hint: ListingHint
    ) -> Iterator[scrapy.Request]:
        noted = self._note_alias(url)
        if noted is None:
            return
        article_id, printed = noted
        if listing_url:
            self.listing_urls.setdefault(article_id, self.site_url(listing_url))
        if article_id in self.requested:
            return
        if article_id in self.known_ids:
            self.requested.add(article_id)
            self._count("skipped/known_article")
            return
        if self.max_articles is not None and len(self.requested) >= self.max_articles:
            if article_id not in self.left_for_later:
                self.left_for_later.add(article_id)
                self._count("skipped/max_articles")
            return
        self.requested.add(article_id)
        self.fetching.add(article_id)
        yield scrapy.Request(
            printed,
            callback=self.parse_article,
            cb_kwargs={"article_id": article_id, "hint": hint},
            errback=self.article_failed,
        )

    def parse_article(
        self, response: Response, article_id: str, hint: ListingHint
    ) -> Iterator[Article | scrapy.Request]:
        """Extract the article, fetch its documents, and follow links to other articles."""
        self.resolved.add(article_id)
        self.pager.answered(article_id, served=isinstance(response, TextResponse))
        if not isinstance(response, TextResponse):
            self._count("skipped/non_html_article")
            logger.warning(
                "skipped %s: not an HTML page (%s)",
                response.url,
                response.headers.get("Content-Type"),
            )
            return
        self._count("pages/article")
        if self._detecting:
            self._adopt_detected_platform(response)
        # Links first: the addresses this page names are then saved with its article.
        self._note_links(response, article_id)
        if self.learner is None:
            yield from self._extract(HeldPage(response, article_id, hint), None)
        else:
            for page, template in self.learner.place(HeldPage(response, article_id, hint)):
                yield from self._extract(page, template)

    def _note_links(self, response: TextResponse, article_id: str) -> None:
        """The page's other addresses (a print view it names) and the articles it links."""
        for href in self.platform.alias_links(response.url, response.text):
            alias = urldefrag(self._local(response.urljoin(href)))[0]
            if alias != response.url and same_site(alias, tuple(self.allowed_domains)):
                # Named by the page itself: never requested, even when a link to it turns up.
                self.revealed_aliases[alias] = article_id
                self._add_alias(article_id, self.site_url(alias))
        if not self.platform.shapes_article_urls:
            return  # no link can be told to lead to an article (generic rules)
        # Every <a href> value as a plain string (no Selector per link).
        for href in response.selector.root.xpath("//a/@href", smart_strings=False):
            url = self._local(response.urljoin(href))
            if self.platform.is_article_url(url):
                # Related lists also serve as discovery, except under --since: their entries
                # carry no date to judge, and they lead back into the older archive.
                noted = self._note_alias(url)
                if noted and not self.since and noted[0] not in self.requested:
                    self.related_links.setdefault(*noted)

    def flush_held_pages(self, response: Response) -> Iterator[Article | scrapy.Request]:
        """The crawl ran dry: extract the pages still waiting for a template."""
        assert self.learner is not None
        self._count("pages/internal")
        for page, template in self.learner.flush():
            yield from self._extract(page, template)

    def _extract(
        self, page: HeldPage, template: Template | None
    ) -> Iterator[Article | scrapy.Request]:
        """The article of one page (with the site's learned template, if any) and its documents."""
        response, article_id = page.response, page.article_id
        try:
            article = self._build_article(
                response, article_id, self.listing_urls.get(article_id), page.hint, template
            )
        except Exception as exc:  # one broken page must never stop an archival crawl
            self._count("errors/parse")
            logger.error("cannot parse %s: %s: %s", response.url, type(exc).__name__, exc)
            return
        article.extractor["charset"] = response.encoding  # what decoded it (see encoding.py)
        if article.extractor.get("low_confidence"):
            self._count("articles/low_confidence")
        if article.extractor.get("undecodable_chars"):
            self._count("errors/decode")
            logger.error(
                "%s: %d characters could not be decoded (stored as U+FFFD, low confidence)",
                response.url,
                article.extractor["undecodable_chars"],
            )
        yield article
        yield from self._attachment_requests(article)

    def _build_article(
        self,
        response: TextResponse,
        article_id: str,
        listing_url: str | None,
        hint: ListingHint,
        template: Template | None,
    ) -> Article:
        profile = apply_template(self.profile, template) if template else self.profile
        if hint.date and profile.month_first != self.profile.month_first:
            # The listing was read before the pages showed the site's date order.
            hint = replace(hint, date=parse_date(hint.date.raw, month_first=profile.month_first))
        article = article_from_page(
            response.text,
            self.site_url(response.url),
            profile=profile,
            listing_url=listing_url,
            hint=hint,
            http_status=response.status,
            template_days=template.constant_days if template else frozenset(),
            template_texts=template.texts if template else frozenset(),
        )
        if article.id != article_id:
            # A redirect, or generic mode recognising the platform only on this page: the
            # URL that was requested is another address of the article now identified.
            assert article.id is not None
            requested = response.request.url if response.request else ""
            if requested and self.site_url(requested) != article.url:
                self._add_alias(article.id, self.site_url(requested))
        self._prefer_named_address(response, article)
        article.warc = response.meta.get(WARC_META_KEY)
        return article

    def _prefer_named_address(self, response: TextResponse, article: Article) -> None:
        """The record's url is the address the page names as its own (rel=canonical) when
        that address is this article on the same host, whichever form was fetched first;
        the fetched address stays an alias. Anything else named (another host, another
        article, a listing) is not this page's address and changes nothing."""
        named = page_canonical_link(self.site_url(response.url), response.text)
        if named is None:
            return
        local, _, article_id = self._identify(named)
        address = self.site_url(local)
        if article_id == article.id and self._in_scope(local) and address != article.url:
            self._add_alias(article.id, article.url)
            article.url = address

    # Failures ---------------------------------------------------------------------------------

    def listing_failed(self, failure: Failure) -> None:
        """A listing page that never came back: the walk misses whatever it lists."""
        reason = failure_reason(failure)
        self._count(f"failed/listing/{reason}")
        url = failure.request.url  # type: ignore[attr-defined]
        level = logging.WARNING if reason in DEAD_LINKS else logging.ERROR
        logger.log(level, "listing %s failed: %s", url, failure_text(failure))

    def article_failed(self, failure: Failure) -> None:
        """An article page that never came back (after retries): counted by reason, and put
        on the retry list that the next run fetches first (storage.retries)."""
        request = failure.request  # type: ignore[attr-defined]
        article_id, reason = request.cb_kwargs.get("article_id", ""), failure_reason(failure)
        self.resolved.add(article_id)
        self.pager.answered(article_id, served=False)
        self._count(f"failed/article/{reason}")
        url = request.url
        logger.warning("article %s failed: %s", url, failure_text(failure))
        if reason in DEAD_LINKS:
            self.gone_ids.add(article_id)
        else:
            site_url = self.site_url(url)
            self.failed_articles[site_url] = FailedPage(site_url, article_id, reason)

    # Helpers ----------------------------------------------------------------------------------

    def _in_scope(self, url: str) -> bool:
        """On one of the site's hosts and, for subsites, under one of its paths."""
        if not same_site(url, tuple(self.allowed_domains)):
            return False
        prefixes = self.profile.path_prefixes
        path = urlsplit(url).path.lower()
        return not prefixes or any(path.startswith(p.lower()) for p in prefixes)

    def count_unanswered(self) -> None:
        """Article pages requested that neither came back nor failed with a reason (a
        middleware dropped them): lost all the same, so counted as failed."""
        if lost := self.fetching - self.resolved:
            self._count_by("failed/article/no_answer", len(lost))
            for article_id in sorted(lost)[:5]:
                logger.warning("article %s: requested, never answered", article_id)

    def _count_by(self, key: str, count: int) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"dostcrawler/{key}", count)

    def _add_alias(self, article_id: str, url: str) -> None:
        """Note one more address of an article; the store saves it as soon as the article is
        in the archive (so a killed run loses none of the addresses it met)."""
        if url not in self.url_aliases[article_id]:
            self.url_aliases[article_id].add(url)
            self.unsaved_aliases.add(article_id)

    def site_url(self, url: str) -> str:
        """The site's own address for a URL fetched from --origin: what the archive records
        (url, aliases, ids, WARC target URIs), so a mirror on another port refetches nothing."""
        if not self.origin or not self.site_origin or not url.startswith(self.origin):
            return url
        rest = url[len(self.origin) :]
        return self.site_origin + rest if rest[:1] in ("", "/", "?", "#") else url

    def _local(self, url: str) -> str:
        """Links to the site's real host go to --origin instead (moved sites, test servers)."""
        if not self.origin:
            return url
        parts = urlsplit(url)
        if parts.hostname and same_site(url, self.real_domains):
            origin = urlsplit(self.origin)
            return parts._replace(scheme=origin.scheme, netloc=origin.netloc).geturl()
        return url

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"dostcrawler/{key}")


def spider_class(profile: SiteProfile, module: str = __name__) -> type[NewsSpider]:
    """A NewsSpider subclass named after the site, with the site's politeness settings."""
    class_name = "".join(part.capitalize() for part in profile.name.split("_")) + "Spider"
    attrs: dict[str, Any] = {
        "name": profile.name,
        "profile": profile,
        # Scrapy lists only spider classes defined in the module it walks.
        "__module__": module,
        "custom_settings": {
            "DOWNLOAD_DELAY": profile.http.download_delay,
            "CONCURRENT_REQUESTS_PER_DOMAIN": min(profile.http.concurrency, 2),
            **tls_settings(profile.http.legacy_tls),
        },
    }
    return type(class_name, (NewsSpider,), attrs)
