"""Why a request failed, in words an archivist can act on (no tracebacks): an HTTP status after
Scrapy gave up on it, or the network error that ended its retries."""

from __future__ import annotations

import logging

from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

# Network errors by the name a user would search for (Scrapy's own names, and the Twisted ones
# older Scrapy versions raise); anything else goes by its class name.
NETWORK_ERRORS = {
    "DownloadConnectionRefusedError": "connection_refused",
    "ConnectionRefusedError": "connection_refused",
    "CannotResolveHostError": "dns",
    "DNSLookupError": "dns",
    "DownloadTimeoutError": "timeout",
    "TCPTimedOutError": "timeout",
    "TimeoutError": "timeout",
    "ResponseDataLossError": "data_loss",
    "ConnectionLost": "connection_lost",
    "ResponseNeverReceived": "no_response",
    "DownloadFailedError": "download_failed",
    "SSLError": "tls",
}
IGNORED_BECAUSE = {
    "max redirections": "redirect_loop",
    "download_maxsize": "too_large",
    "maxsize": "too_large",
    "cannot write": "write_failed",
    "offsite": "offsite_redirect",
    "forbidden by robots.txt": "robots_forbidden",
}


def failure_reason(failure: Failure) -> str:
    """A short key for the stats: "http_404", "dns", "timeout", ..."""
    if isinstance(failure.value, HttpError):
        return f"http_{failure.value.response.status}"
    name = type(failure.value).__name__
    if name == "IgnoreRequest":  # Scrapy's middlewares say why only in the message
        message = str(failure.value).lower()
        for words, reason in IGNORED_BECAUSE.items():
            if words in message:
                return reason
    return NETWORK_ERRORS.get(name, name)


def failure_text(failure: Failure) -> str:
    """One line: the HTTP status, or the error and its message."""
    if isinstance(failure.value, HttpError):
        return f"HTTP {failure.value.response.status}"
    message = str(failure.value).strip().splitlines()
    return f"{type(failure.value).__name__}: {message[0] if message else 'no detail'}"


class WithoutTraceback(logging.Filter):
    """Keep a log record's message, drop its traceback: a server's fault is one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True


def quiet_network_tracebacks() -> None:
    """Scrapy's robots.txt middleware logs a refused or timed-out robots.txt with a traceback;
    the failure is the server's, and its message says everything."""
    robots = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")
    if not any(isinstance(f, WithoutTraceback) for f in robots.filters):
        robots.addFilter(WithoutTraceback())
