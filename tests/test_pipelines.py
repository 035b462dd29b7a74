"""Pipelines in isolation: normalisation and validation."""

from __future__ import annotations

import re
import unicodedata
from unittest.mock import MagicMock

import pytest
from scrapy.exceptions import DropItem

from dostcrawler.extract.text import clean_text
from dostcrawler.items import Article
from dostcrawler.pipelines.normalize import NormalizePipeline
from dostcrawler.pipelines.validate import ValidatePipeline, drop_reason

URL = "https://example.gov.vn/a"


def test_normalize_makes_text_nfc_and_single_spaced() -> None:
    nfd = unicodedata.normalize("NFD", "Hội  nghị\u00a0tổng kết")
    item = Article(
        site="x", url=URL, title=nfd, body=f"{nfd}\n\n\n\n  Đoạn  hai ", authors=[nfd, nfd]
    )
    out = NormalizePipeline().process_item(item)
    assert out.title == "Hội nghị tổng kết"
    assert out.body == "Hội nghị tổng kết\n\nĐoạn hai"
    assert out.authors == ["Hội nghị tổng kết"]
    assert out.word_count == 6
    assert out.content_hash and out.content_hash.startswith("sha256:")


def test_clean_text_spaces_are_the_regex_whitespace_class_and_zero_width_characters() -> None:
    # clean_text splits with str.split(); this is the definition it must keep.
    spaces = re.compile(r"[\s\u00a0\u200b\u200c\u200d\ufeff]+")
    for code in range(0x10000):  # every whitespace character is in the BMP
        text = f" a{chr(code)}{chr(code)}b\u200b"
        expected = spaces.sub(" ", unicodedata.normalize("NFC", text)).strip()
        assert clean_text(text) == expected, hex(code)


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        (Article(site="x", url=URL, title="T", body="B"), None),
        (Article(site="x", url=URL, title=None, body="B"), "missing title"),
        (Article(site="x", url=URL, title="T", body=None), "no body text and no attachments"),
        (
            Article(
                site="x",
                url=URL,
                title="T",
                attachments=[{"url": URL + ".pdf", "name": "n", "media_type": "application/pdf"}],
            ),
            None,
        ),
    ],
)
def test_drop_reason(item: Article, reason: str | None) -> None:
    assert drop_reason(item) == reason


def test_validate_counts_the_reason() -> None:
    crawler = MagicMock()
    pipeline = ValidatePipeline(crawler)
    with pytest.raises(DropItem):
        pipeline.process_item(Article(site="x", url=URL, title=None, body="B"))
    crawler.stats.inc_value.assert_called_once_with("dostcrawler/dropped/missing title")
