"""URL hygiene: canonical form, tracking parameters, attachment types."""

from __future__ import annotations

import pytest

from dostcrawler.extract.urls import attachment_media_type, canonical_url

PDF = "application/pdf"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Sokhcn.VinhPhuc.gov.vn:443/a?b=1#top", "https://sokhcn.vinhphuc.gov.vn/a?b=1"),
        ("http://x.gov.vn/a?utm_source=fb&id=3&fbclid=abc", "http://x.gov.vn/a?id=3"),
        ("http://x.gov.vn:8080/a", "http://x.gov.vn:8080/a"),
        # Query order kept: some ASP.NET/PHP sites read parameters positionally.
        ("http://x.gov.vn/?details=5718&menuID=32", "http://x.gov.vn/?details=5718&menuID=32"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "name", "expected"),
    [
        ("http://x.gov.vn/files/KH-12.PDF", None, PDF),
        (
            "http://x.gov.vn/files/M%E1%BA%ABu%20phi%E1%BA%BFu.docx",
            None,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "http://x.gov.vn/documents/20182/0/QD+245.pdf/6f1c2d3e-aaaa-bbbb-cccc-0123456789ab",
            None,
            PDF,
        ),
        ("http://x.gov.vn/vi/news/a-65.html?download=1&id=0", "Tập tin : ke-hoach.pdf", PDF),
        ("http://x.gov.vn/vi/news/a-65.html", "Xem chi tiết", None),
        ("http://x.gov.vn/tin-tuc/bao-cao-pdf", None, None),
    ],
)
def test_attachment_media_type(url: str, name: str | None, expected: str | None) -> None:
    assert attachment_media_type(url, name) == expected
