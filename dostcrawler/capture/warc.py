"""Write WARC files with warcio: request/response pairs, revisit records for unchanged payloads.

Each record is its own gzip member, so a record can be read back from its offset alone (what the
`captures` table and the CDXJ index point at).
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dostcrawler import __version__


@dataclass(frozen=True)
class Capture:
    """Where one record lies, and what it holds."""

    record_id: str
    url: str
    record_type: str
    status: int
    mime: str
    digest: str
    filename: str
    offset: int
    length: int
    captured_at: str

    def pointer(self) -> dict[str, Any]:
        """The article row's `warc` value."""
        return {
            "filename": self.filename,
            "offset": self.offset,
            "length": self.length,
            "record_id": self.record_id,
        }


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest of a body: "sha1:" + base32, as warcio and pywb write it."""
    return "sha1:" + b32encode(hashlib.sha1(body).digest()).decode("ascii")


class WarcFile:
    """One run's WARC file, opened on the first record."""

    def __init__(self, path: Path, *, operator: str) -> None:
        self.path = path
        self.operator = operator
        self._handle: IO[bytes] | None = None
        self._writer: WARCWriter | None = None

    def _open(self) -> WARCWriter:
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Kept open for the whole run; close() is called when the spider closes.
            self._handle = open(self.path, "ab")  # noqa: SIM115
            self._writer = WARCWriter(self._handle, gzip=True, warc_version="1.1")
            info = {
                "software": f"dostcrawler/{__version__} (Scrapy, warcio)",
                "format": "WARC File Format 1.1",
                "operator": self.operator,
            }
            self._writer.write_record(self._writer.create_warcinfo_record(self.path.name, info))
        return self._writer

    def write_exchange(
        self,
        *,
        url: str,
        source_url: str | None = None,
        method: str,
        request_headers: list[tuple[str, str]],
        request_body: bytes,
        status: int,
        reason: str,
        response_headers: list[tuple[str, str]],
        body: bytes,
        revisit_of: Capture | None,
    ) -> Capture:
        """Write the request and its response (or a revisit record pointing at `revisit_of`).
        `url` is the site's own address; `source_url`, when the bytes came from elsewhere (a
        mirror, --origin), is kept in a WARC-Source-URI header on both records."""
        writer = self._open()
        assert self._handle is not None
        http_headers = StatusAndHeaders(
            f"{status} {reason}".strip(), response_headers, protocol="HTTP/1.1"
        )
        digest = payload_digest(body)
        if revisit_of is not None:
            response = writer.create_revisit_record(
                url,
                digest,
                revisit_of.url,
                revisit_of.captured_at,
                http_headers=http_headers,
            )
        else:
            response = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(body),
                length=len(body),
                http_headers=http_headers,
            )
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        request = writer.create_warc_record(
            url,
            "request",
            payload=BytesIO(request_body),
            length=len(request_body),
            http_headers=StatusAndHeaders(
                f"{method} /{path} HTTP/1.1", request_headers, is_http_request=True
            ),
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        if source_url:
            for record in (response, request):
                record.rec_headers.add_header("WARC-Source-URI", source_url)
        offset = self._handle.tell()
        writer.write_record(response)
        length = self._handle.tell() - offset
        writer.write_record(request)
        self._handle.flush()
        content_type = http_headers.get_header("Content-Type") or ""
        return Capture(
            record_id=response.rec_headers.get_header("WARC-Record-ID"),
            url=url,
            record_type="revisit" if revisit_of else "response",
            status=status,
            mime=content_type.split(";")[0].strip(),
            digest=digest,
            filename=self.path.name,
            offset=offset,
            length=length,
            captured_at=response.rec_headers.get_header("WARC-Date"),
        )

    def close(self) -> None:
        """Flush and close the file."""
        if self._handle is not None:
            self._handle.close()
        self._handle = self._writer = None


def read_payload(path: Path, offset: int) -> tuple[dict[str, str], bytes]:
    """(HTTP headers, body with transfer and content encodings undone) of the record at
    `offset`."""
    with open(path, "rb") as handle:
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        headers = dict(record.http_headers.headers) if record.http_headers else {}
        # The body is decoded: the headers must no longer announce an encoding.
        headers.pop("Content-Encoding", None)
        return headers, record.content_stream().read()
