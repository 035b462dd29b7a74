"""Template learning inside a generic crawl: hold the first article pages back, learn the
site's template from them, then extract every page (the held ones too) with it.

A page that does not fit any template learned so far waits with the others that do not fit;
once enough of them wait, a second template is learned from them (a site with an old and a new
article layout). When the crawl runs dry, whatever still waits is extracted with the generic
rules alone. Pages are extracted once, so no article is stored twice or gets a second version.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from dostcrawler.extract.article import ListingHint
from dostcrawler.extract.template import (
    MIN_PAGES,
    SamplePage,
    Template,
    layout_groups,
    layout_signature,
    learn_template,
)
from dostcrawler.profiles.model import SiteProfile

logger = logging.getLogger(__name__)
# Pages to hold before the first try: enough for "the same on most pages" to mean something,
# few enough that a small site is learned early.
LEARN_AFTER = 5
# Stop holding pages when this many still fit no template: the site has no shared layout.
GIVE_UP_AFTER = 20


@dataclass(frozen=True)
class HeldPage:
    """An article response waiting for a template, with what its listing said."""

    response: Any
    article_id: str
    hint: ListingHint

    @cached_property
    def layout(self) -> frozenset[str]:
        return layout_signature(self.response.text)

    @property
    def sample(self) -> SamplePage:
        hint = self.hint
        raw = hint.date.raw if hint.date else None
        return SamplePage(self.response.url, self.response.text, hint.title, raw)


Placed = list[tuple[HeldPage, Template | None]]


class TemplateLearner:
    """Decides, page by page, which learned template (or none) extracts it."""

    def __init__(self, learn_after: int = LEARN_AFTER) -> None:
        self.learn_after = max(learn_after, MIN_PAGES)
        self.templates: list[Template] = []
        self.waiting: list[HeldPage] = []

    def place(self, page: HeldPage) -> Placed:
        """The pages ready to extract now (this one, or the ones held with it)."""
        for template in self.templates:
            if template.fits(page.response.text):
                return [(page, template)]
        self.waiting.append(page)
        if len(self.waiting) < self.learn_after:
            return []
        return self._learn(final=len(self.waiting) >= GIVE_UP_AFTER)

    def flush(self) -> Placed:
        """Everything still held: the crawl has no more pages to learn from."""
        return self._learn(final=True)

    def _learn(self, *, final: bool) -> Placed:
        placed: Placed = []
        # Pages of two layouts held together (an old and a new template) share too little to
        # learn from as one set: each layout is learned from its own pages.
        for group in layout_groups(self.waiting, key=lambda page: page.layout):
            if len(group) < MIN_PAGES:
                break
            template = learn_template([page.sample for page in group])
            if template is None or not ("title" in template.fields or "body" in template.fields):
                continue
            fitting = [page for page in self.waiting if template.fits(page.response.text)]
            if len(fitting) < MIN_PAGES:
                continue
            logger.info(
                "learned template %d from %d pages: %s",
                len(self.templates) + 1,
                len(group),
                ", ".join(f"{k} {f.selector!r}" for k, f in template.fields.items()),
            )
            self.templates.append(template)
            self.waiting = [page for page in self.waiting if page not in fitting]
            placed += [(page, template) for page in fitting]
        if final:
            placed += [(page, None) for page in self.waiting]
            self.waiting = []
        return placed


def apply_template(profile: SiteProfile, template: Template) -> SiteProfile:
    """The profile with the learned selectors after its own (a preset's hand-written selectors
    stay first) and the template blocks cut from the body."""
    rules = profile.article
    changes: dict[str, tuple[str, ...]] = {}
    learned = set()
    for name in ("title", "date", "body"):
        if name not in template.fields:
            continue
        existing: tuple[str, ...] = getattr(rules, name)
        changes[name] = (*existing, template.fields[name].selector)
        if not existing:
            learned.add(f"article.{name}")
    changes["remove"] = (*rules.remove, *template.remove)
    article = replace(rules, **changes)  # type: ignore[arg-type]
    if template.date_order:
        article = replace(article, date_order=template.date_order)
    return replace(profile, article=article, learned_keys=profile.learned_keys | learned)
