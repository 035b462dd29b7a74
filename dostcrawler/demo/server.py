"""A stdlib HTTP server for site folders (routes.json + raw bytes), bound to 127.0.0.1.

Used by `dostcrawler demo` and by the end-to-end tests: every response is the stored bytes with
the stored status and headers, so the crawler meets exactly what the real server sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

DEMO_SITE = Path(__file__).parent / "site"


@dataclass(frozen=True)
class Route:
    """One stored response."""

    path: str
    file: str | None = None
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)


def load_routes(folder: Path) -> dict[tuple[str, str], Route]:
    """(method, path+query) -> Route, from the folder's routes.json."""
    data = json.loads((folder / "routes.json").read_text(encoding="utf-8"))
    routes = [Route(**entry) for entry in data["routes"]]
    return {(route.method.upper(), route.path): route for route in routes}


class SiteServer(ThreadingHTTPServer):
    """Serves one site folder; `requests` records every (method, path) asked for."""

    daemon_threads = True

    def __init__(
        self,
        folder: Path,
        *,
        delay: float = 0.0,
        handler: type[BaseHTTPRequestHandler] | None = None,
    ) -> None:
        self.folder = folder
        # Seconds to wait before each answer: a slow old server, for interruption tests.
        self.delay = delay
        self.routes = load_routes(folder)
        self.requests: list[tuple[str, str]] = []
        # A handler of its own: the tests' fault-injecting server (tests/faultserver.py).
        super().__init__(("127.0.0.1", 0), handler or SiteHandler)

    @property
    def origin(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.server_address[1]}"


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._answer("GET")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer("POST")

    def _answer(self, method: str) -> None:
        self.server.requests.append((method, self.path))
        if self.server.delay:
            time.sleep(self.server.delay)
        route = self.server.routes.get((method if method != "HEAD" else "GET", self.path))
        if route is None:
            self._send(
                404,
                "text/html; charset=utf-8",
                b"<html><body><h1>404 Not Found</h1></body></html>",
                {},
            )
            return
        body = (self.server.folder / route.file).read_bytes() if route.file else b""
        self._send(route.status, route.content_type, body, route.headers, head=method == "HEAD")

    def _send(
        self,
        status: int,
        content_type: str,
        body: bytes,
        headers: dict[str, str],
        head: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the crawler logs what it fetched."""


@contextmanager
def serve_site(
    folder: Path, *, delay: float = 0.0, handler: type[BaseHTTPRequestHandler] | None = None
) -> Iterator[SiteServer]:
    """Serve a site folder on 127.0.0.1:<free port> for the duration of the block."""
    server = SiteServer(folder, delay=delay, handler=handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
