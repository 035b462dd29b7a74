"""How sure extraction is of each field, from where the value came and what its witnesses say.

The scale (0 to 1, in `extractor.confidence`):
- 0.95: a hand-written profile selector, or any value its witness confirms (the listing's link
  text for the title, the listing's date for the date);
- 0.85: a preset selector, a selector learned from the site's own pages, or a labelled form row
  ("Tiêu đề | ...", "Ngày đăng | ...");
- 0.8: machine-readable metadata (article:published_time, JSON-LD);
- 0.6: a generic rule (the date line near the headline, a byline read from the body);
- 0.5: a fallback (trafilatura's body, the <title> tag, a date from the listing or the URL);
- 0.3: a witness disagrees (the field is also named in `extractor.disagreements`);
- 0.0: no value where every article has one (title, date, body).
A record is low-confidence when its title, date or body is below LOW_CONFIDENCE.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dostcrawler.extract.text import clean_text

LOW_CONFIDENCE = 0.5
BY_ORIGIN = {
    "profile": 0.95,
    "preset": 0.85,
    "learned": 0.85,
    "form": 0.85,
    "meta": 0.8,
    "jsonld": 0.8,
    "generic": 0.6,
    "body": 0.6,
    "listing": 0.5,
    "url": 0.5,
    "trafilatura": 0.5,
}
CONFIRMED, DISPUTED = 0.95, 0.3
# Fields every article has: a missing one is itself a sign that extraction went wrong.
REQUIRED = ("title", "published_at", "body")
SCORED = (*REQUIRED, "authors", "source")


@dataclass(frozen=True)
class Assessment:
    """Per-field confidence and the fields whose witnesses disagree."""

    confidence: dict[str, float] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)

    @property
    def low(self) -> bool:
        """True when a field every article has is missing or doubtful."""
        return any(self.confidence.get(name, 0.0) < LOW_CONFIDENCE for name in REQUIRED)


def assess(
    values: dict[str, object],
    origins: dict[str, str],
    *,
    listing_title: str | None,
    listing_day: str | None,
) -> Assessment:
    """Score each field from its origin, then let the listing's witnesses confirm or dispute
    the title and the date."""
    confidence: dict[str, float] = {}
    disagreements: list[str] = []
    for name in SCORED:
        if not values.get(name):
            if name in REQUIRED:
                confidence[name] = 0.0
            continue
        confidence[name] = BY_ORIGIN.get(origins.get(name, ""), 0.5)
    title = values.get("title")
    if isinstance(title, str) and listing_title and len(clean_text(listing_title)) >= 10:
        _witness(confidence, disagreements, "title", _same_title(title, listing_title))
    published = values.get("published_at")
    if isinstance(published, str) and listing_day:
        _witness(confidence, disagreements, "published_at", published[:10] == listing_day)
    return Assessment(confidence, disagreements)


def _witness(
    confidence: dict[str, float], disagreements: list[str], name: str, agrees: bool
) -> None:
    if agrees:
        confidence[name] = max(confidence[name], CONFIRMED)
    else:
        confidence[name] = min(confidence[name], DISPUTED)
        disagreements.append(name)


def _same_title(title: str, link_text: str) -> bool:
    """Listings shorten long titles ("...") and change their case; anything else disagrees."""
    got = clean_text(title).casefold()
    shown = clean_text(link_text).casefold().rstrip(".…").strip()
    return bool(shown) and (got == shown or got.startswith(shown) or shown in got)
