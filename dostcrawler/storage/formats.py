"""Exports in the formats people ask for besides JSON Lines: CSV for spreadsheets, Parquet for
data frames, JSON-LD (schema.org NewsArticle, as the README maps it) for linked-data tools.
Every file is written atomically, like the JSONL exports."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from typing import IO, Any

from dostcrawler.items import RECORD_FIELDS
from dostcrawler.storage.export import atomic_file, write_jsonl

FORMATS = ("jsonl", "csv", "parquet", "jsonld")
# Columns holding lists or objects: JSON text in CSV and in Parquet's nested ones.
_NESTED = ("alias_urls", "authors", "attachments", "images", "warc", "extractor")
_INTEGERS = ("word_count", "version", "http_status")


class ExportError(ValueError):
    """An export that cannot be made as asked (a missing optional library, a binary format to
    stdout); the message says what to do."""


def write_export(
    records: Iterable[dict[str, Any]],
    target: str,
    fmt: str,
    url_of: Callable[[str], str | None] = lambda _: None,
) -> int:
    """Write `records` to `target` ("-": stdout) in `fmt`; returns how many. `url_of` gives an
    article's URL from its id (JSON-LD's isBasedOn names the earlier copy by URL)."""
    if fmt == "jsonl":
        return write_jsonl(records, target)
    if fmt == "parquet":
        return _write_parquet(records, target)
    writer = _write_csv if fmt == "csv" else _write_jsonld_to(url_of)
    with atomic_file(target) as out:
        return writer(records, out)


def _flat(record: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """The record's fields in order, nested values as JSON text (but those in `keep`)."""
    return {
        key: json.dumps(record[key], ensure_ascii=False)
        if key in _NESTED and key not in keep
        else record[key]
        for key in RECORD_FIELDS
    }


def _write_csv(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """RFC 4180 CSV with a header, UTF-8; lists and objects as JSON text."""
    writer = csv.DictWriter(out, fieldnames=list(RECORD_FIELDS), lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(_flat(record))
        count += 1
    return count


def news_article(record: dict[str, Any], url_of: Callable[[str], str | None]) -> dict[str, Any]:
    """One record as a schema.org NewsArticle (the README's mapping); unknown values left out."""
    node: dict[str, Any] = {
        "@type": "NewsArticle",
        "@id": record["url"],
        "identifier": record["id"],
        "url": record["url"],
        "headline": record["title"],
        "description": record["lead"],
        "articleBody": record["body"],
        "datePublished": record["published_at"],
        "dateModified": record["modified_at"],
        "author": [{"@type": "Person", "name": name} for name in record["authors"]],
        "articleSection": record["category"],
        "inLanguage": record["language"],
        "wordCount": record["word_count"],
        "sdDatePublished": record["fetched_at"],
        "image": [
            {"@type": "ImageObject", "contentUrl": image["url"], "caption": image.get("caption")}
            for image in record["images"]
        ],
        "associatedMedia": [
            {
                "@type": "MediaObject",
                "contentUrl": item["url"],
                "name": item["name"],
                "encodingFormat": item["media_type"],
            }
            for item in record["attachments"]
        ],
    }
    if record["publisher"]:
        node["publisher"] = {"@type": "GovernmentOrganization", "name": record["publisher"]}
    if record["source"]:
        node["sourceOrganization"] = {"@type": "Organization", "name": record["source"]}
    if record["duplicate_of"]:
        node["isBasedOn"] = url_of(record["duplicate_of"]) or record["duplicate_of"]
    return {key: value for key, value in node.items() if value not in (None, [], "")}


def _write_jsonld_to(
    url_of: Callable[[str], str | None],
) -> Callable[[Iterable[dict[str, Any]], IO[str]], int]:
    def write(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
        """One JSON-LD document: a schema.org context and a @graph of NewsArticles, streamed."""
        out.write('{\n"@context": "https://schema.org",\n"@graph": [\n')
        count = 0
        for record in records:
            out.write(",\n" if count else "")
            out.write(json.dumps(news_article(record, url_of), ensure_ascii=False))
            count += 1
        out.write("\n]\n}\n")
        return count

    return write


def _write_parquet(records: Iterable[dict[str, Any]], target: str) -> int:
    """A Parquet file (pyarrow, the `parquet` extra): lists of names and URLs as lists,
    other nested values as JSON text, written in row groups as records come."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("Parquet needs pyarrow: pip install 'dostcrawler[parquet]'") from None
    if target == "-":
        raise ExportError("Parquet is binary: give a file with -o")
    lists = ("alias_urls", "authors")
    kinds = {name: pa.list_(pa.string()) for name in lists} | dict.fromkeys(_INTEGERS, pa.int64())
    schema = pa.schema([(name, kinds.get(name, pa.string())) for name in RECORD_FIELDS])
    count = 0
    with atomic_file(target, binary=True) as out, pq.ParquetWriter(out, schema) as writer:
        for batch in _batches(records, 1000):
            rows = [_flat(record, keep=lists) for record in batch]
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))
            count += len(rows)
    return count


def _batches(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
