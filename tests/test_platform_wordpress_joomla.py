"""WordPress and Joomla URL rules: canonical form, article key, article-URL shape and detection."""

from __future__ import annotations

from dataclasses import replace

import pytest

from dostcrawler.platforms import PLATFORMS, detect_platform
from dostcrawler.profiles import load_site

WP = PLATFORMS["wordpress"]
JOOMLA = PLATFORMS["joomla"]

ISO = "http://iso.dosttn.gov.vn"
POST = f"{ISO}/2019/02/22/so-tay-chat-luong/"
PHIANAM = "http://khcnphianam.most.gov.vn"
SLUG = "1129-to-chuc-hoi-nghi-giam-doc-so-kh-cn-toan-quoc-bang-hinh-thuc-truc-tuyen"
ARTICLE = f"{PHIANAM}/vi/thong-bao/{SLUG}"
NON_SEF = f"{PHIANAM}/index.php?option=com_content&view=article&id=1129"


# WordPress ------------------------------------------------------------------------------------

WP_CANONICAL = [
    (POST, POST),
    (f"{POST}amp/", POST),
    (f"{POST}amp", POST),
    (f"{POST}?amp", POST),
    (f"{POST}?amp=1", POST),
    (f"{POST}embed/", POST),
    (f"{POST}print/", POST),
    (f"{POST}comment-page-2/", POST),
    (f"{POST}?replytocom=12#respond", POST),
    (f"{POST}?unapproved=7&moderation-hash=4f1c2b", POST),
    (f"{POST}?share=facebook&nb=1", POST),
    (f"{POST}?relatedposts_hit=1&relatedposts_origin=131&relatedposts_position=0", POST),
    (f"{POST}?utm_source=zalo", POST),
    (f"{POST}#comments", POST),
    (POST.rstrip("/"), POST),
    (POST.replace("http://iso", "http://ISO"), POST),
    # percent-escapes are written in lower case, as WordPress stores non-ASCII slugs
    (f"{ISO}/2019/05/14/h%E1%BB%99i-ngh%E1%BB%8B/", f"{ISO}/2019/05/14/h%e1%bb%99i-ngh%e1%bb%8b/"),
    (f"{ISO}/2019/05/14/hội-nghị/", f"{ISO}/2019/05/14/h%e1%bb%99i-ngh%e1%bb%8b/"),
    # an unknown shortlink keeps only its id
    (f"{ISO}/?p=97&amp=1", f"{ISO}/?p=97"),
    # not posts: left alone
    (f"{POST}feed/", None),
    (f"{POST}tap-huan-iso-2019/", None),
    (f"{ISO}/2019/02/", None),
    (f"{ISO}/page/2/", None),
    (f"{ISO}/category/tin-tuc/?amp=1", None),
]


@pytest.mark.parametrize(("url", "canonical"), WP_CANONICAL)
def test_wordpress_canonicalize(url: str, canonical: str | None) -> None:
    assert WP.canonicalize(url, None) == (canonical or url)


def test_wordpress_post_page_names_its_shortlink_as_an_alias() -> None:
    html = (
        f"<html><head><link rel='canonical' href='{POST}'/>"
        f"<link rel='shortlink' href='{ISO}/?p=97'/></head><body class='single postid-97'></body>"
    )
    assert WP.canonicalize(f"{ISO}/index.php?p=97&amp=1", None) == f"{ISO}/?p=97"
    assert WP.alias_links(POST, html) == [f"{ISO}/?p=97"]
    # the body class is enough, and the alias lives on the host the page came from
    local = "http://127.0.0.1:8000/2019/02/22/so-tay-chat-luong/"
    body_only = "<html><body class='postid-97'></body></html>"
    assert WP.alias_links(local, body_only) == ["http://127.0.0.1:8000/?p=97"]
    assert WP.alias_links(local, "<html><body class='home'></body></html>") == []


def test_wordpress_prepare_exposes_the_entry_date_time() -> None:
    html = (
        '<time class="entry-date published" datetime="2019-02-22T08:15:32+07:00">22/02/2019</time>'
        '<time class="updated" datetime="2019-03-05T14:02:11+07:00">05/03/2019</time>'
        '<time datetime="2019-02-25T10:20:41+07:00">25/02/2019 lúc 10:20</time>'
    )
    prepared = WP.prepare(POST, html)
    assert ">2019-02-22T08:15:32+07:00</time>" in prepared
    assert ">05/03/2019</time>" in prepared
    assert ">25/02/2019 lúc 10:20</time>" in prepared


WP_KEYS = [
    (POST, "so-tay-chat-luong"),
    (f"{ISO}/2019/05/14/h%e1%bb%99i-ngh%e1%bb%8b/", "h%e1%bb%99i-ngh%e1%bb%8b"),
    (f"{ISO}/?p=97", None),
    (f"{POST}feed/", None),
    (f"{ISO}/category/tin-tuc/", None),
]


@pytest.mark.parametrize(("url", "key"), WP_KEYS)
def test_wordpress_article_key(url: str, key: str | None) -> None:
    assert WP.article_key(url) == key


WP_ARTICLE_URLS = [
    (POST, True),
    (f"{POST}amp/", True),
    (f"{POST}print/", True),
    (f"{POST}?replytocom=12", True),
    (f"{ISO}/?p=97", True),
    (f"{ISO}/index.php?p=97", True),
    (f"{POST}feed/", False),
    (f"{POST}trackback/", False),
    (f"{POST}tap-huan-iso-2019/", False),
    (f"{POST}2/", False),
    (f"{ISO}/2019/02/22/", False),
    (f"{ISO}/2019/02/", False),
    (f"{ISO}/page/2/", False),
    (f"{ISO}/feed/", False),
    (f"{ISO}/category/tin-tuc/page/2/", False),
    (f"{ISO}/author/thuha/", False),
    (f"{ISO}/gioi-thieu/", False),
    (f"{ISO}/?s=iso", False),
    (f"{ISO}/?p=abc", False),
    (f"{ISO}/wp-content/uploads/2019/02/So-tay-chat-luong-2019.pdf", False),
]


@pytest.mark.parametrize(("url", "expected"), WP_ARTICLE_URLS)
def test_wordpress_is_article_url(url: str, expected: bool) -> None:
    assert WP.is_article_url(url) is expected


# Joomla ---------------------------------------------------------------------------------------

JOOMLA_CANONICAL = [
    (ARTICLE, ARTICLE),
    (f"{ARTICLE}?tmpl=component&print=1&layout=default", ARTICLE),
    (f"{ARTICLE}?tmpl=component&print=1&layout=default&page=", ARTICLE),
    (f"{ARTICLE}?format=pdf", ARTICLE),
    (f"{ARTICLE}?Itemid=154", ARTICLE),
    (f"{ARTICLE}.html", f"{ARTICLE}.html"),
    (f"{PHIANAM}/index.php/vi/thong-bao/{SLUG}", ARTICLE),
    (f"{ARTICLE}#system-message-container", ARTICLE),
    (f"{PHIANAM}/index.php?option=com_content&view=article&id=1129&catid=12", NON_SEF),
    (f"{PHIANAM}/index.php?option=com_content&view=article&id=1129:to-chuc&catid=12", NON_SEF),
    (f"{PHIANAM}/?option=com_content&task=view&id=1129&Itemid=154", NON_SEF),
    (
        f"{PHIANAM}/vi/component/content/article/{SLUG}?catid=12&Itemid=154",
        f"{PHIANAM}/vi/component/content/article/{SLUG}",
    ),
    # not articles: left alone
    (f"{PHIANAM}/vi/thong-bao?start=5", None),
    (f"{PHIANAM}/vi/component/mailto/?tmpl=component&template=ctpn&link=4f1c", None),
    (f"{PHIANAM}/index.php?option=com_content&view=category&id=12", None),
]


@pytest.mark.parametrize(("url", "canonical"), JOOMLA_CANONICAL)
def test_joomla_canonicalize(url: str, canonical: str | None) -> None:
    assert JOOMLA.canonicalize(url, None) == (canonical or url)


def test_joomla_suffix_follows_the_sites_own_urls() -> None:
    profile = load_site("phianam")  # start URL /vi/thong-bao: SEF suffix off
    assert JOOMLA.canonicalize(f"{ARTICLE}.html", profile) == ARTICLE
    assert JOOMLA.canonicalize(f"{ARTICLE}.html?tmpl=component&print=1", profile) == ARTICLE
    suffixed = replace(profile, start_urls=(f"{PHIANAM}/vi/thong-bao.html",))
    assert JOOMLA.canonicalize(ARTICLE, suffixed) == f"{ARTICLE}.html"


JOOMLA_KEYS = [
    (ARTICLE, "1129"),
    (f"{ARTICLE}.html", "1129"),
    (NON_SEF, "1129"),
    (f"{PHIANAM}/vi/component/content/article/{SLUG}", "1129"),
    (f"{PHIANAM}/vi/tin-tuc-su-kien/99-thong-tin-hoat-dong-cua-cuc-ctpn/1126-cuc-cong-tac", "1126"),
    (f"{PHIANAM}/1129-to-chuc", "1129"),
    (f"{PHIANAM}/vi/thong-bao", None),
    (f"{PHIANAM}/images/tintuc/2019/1106-hoi-thao.jpg", None),
    (f"{PHIANAM}/vi/component/content/category/12-thong-bao", None),
]


@pytest.mark.parametrize(("url", "key"), JOOMLA_KEYS)
def test_joomla_article_key(url: str, key: str | None) -> None:
    assert JOOMLA.article_key(url) == key


JOOMLA_ARTICLE_URLS = [
    (ARTICLE, True),
    (f"{ARTICLE}?tmpl=component&print=1&layout=default", True),
    (f"{PHIANAM}/index.php?option=com_content&view=article&id=1129&catid=12", True),
    (f"{PHIANAM}/vi/thong-bao", False),
    (f"{PHIANAM}/vi/thong-bao?start=5", False),
    (f"{PHIANAM}/vi/component/mailto/?tmpl=component&link=4f1c", False),
    (f"{PHIANAM}/vi/component/search/?searchword=iso", False),
    (f"{PHIANAM}/index.php?option=com_content&view=category&id=12", False),
    (f"{PHIANAM}/index.php?option=com_contact&view=contact&id=1", False),
    (f"{PHIANAM}/images/thongbao/2020/DM-tuyen-chon-nhiem-vu-2021.pdf", False),
    (f"{PHIANAM}/vi/lien-he", False),
]


@pytest.mark.parametrize(("url", "expected"), JOOMLA_ARTICLE_URLS)
def test_joomla_is_article_url(url: str, expected: bool) -> None:
    assert JOOMLA.is_article_url(url) is expected


# Detection ------------------------------------------------------------------------------------

WP_HEAD = '<link rel="stylesheet" href="/wp-includes/css/dist/block-library/style.min.css">'
JOOMLA_GENERATOR = '<meta name="generator" content="Joomla! - Open Source Content Management" />'
DETECT = [
    (POST, WP_HEAD, "wordpress"),
    (POST, '<meta name="generator" content="WordPress 6.4.2" />', "wordpress"),
    (POST, '<img src="/wp-content/uploads/2019/02/a.jpg">', "wordpress"),
    (ARTICLE, JOOMLA_GENERATOR, "joomla"),
    (ARTICLE, '<script src="/media/jui/js/jquery.min.js?3f6c"></script>', "joomla"),
    (ARTICLE, '<script src="/media/system/js/caption.js"></script>', "joomla"),
    (NON_SEF, "<html><body><p>Thông báo</p></body></html>", "joomla"),
    (ARTICLE, '<a href="/index.php?option=com_content&amp;view=article&amp;id=5">x</a>', "joomla"),
    (
        "http://other.gov.vn/tin/1",
        '<a href="http://site.vn/index.php?option=com_content&view=article&id=5">x</a>',
        "generic",
    ),
    ("http://other.gov.vn/tin/1", "<p>/wp-admin is not mentioned</p>", "generic"),
]


@pytest.mark.parametrize(("url", "html", "name"), DETECT)
def test_detect(url: str, html: str, name: str) -> None:
    assert detect_platform(url, html).name == name
