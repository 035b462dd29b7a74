"""Legacy TLS for old government servers, enabled per site (`[http] legacy_tls = true`).

Old IIS/NetScaler servers offer 1024-bit Diffie-Hellman or small RSA keys, which OpenSSL 3 refuses
at its default security level ("dh key too small"). For the sites that need it, the cipher list is
reset with `@SECLEVEL=0`; Scrapy's contexts already allow legacy renegotiation
(SSL_OP_LEGACY_SERVER_CONNECT). Scrapy exposes no public hook for the security level, so this
subclasses its context factory (checked against Scrapy 2.13-2.19).
"""

from __future__ import annotations

from typing import Any

from OpenSSL import SSL
from scrapy.core.downloader.contextfactory import (
    _ScrapyCertificateOptions,
    _ScrapyClientContextFactory,
)

LEGACY_CIPHERS = b"DEFAULT:@SECLEVEL=0"
CONTEXT_FACTORY = "dostcrawler.tls.LegacyTLSContextFactory"


class _LegacyCertificateOptions(_ScrapyCertificateOptions):
    def _makeContext(self, *args: Any, **kwargs: Any) -> SSL.Context:
        ctx: SSL.Context = super()._makeContext(*args, **kwargs)
        ctx.set_cipher_list(LEGACY_CIPHERS)
        ctx.set_options(SSL.OP_LEGACY_SERVER_CONNECT)
        return ctx


class LegacyTLSContextFactory(_ScrapyClientContextFactory):
    """Scrapy's (non-verifying) context factory, at OpenSSL security level 0."""

    def _get_cert_options(self) -> _LegacyCertificateOptions:
        return _LegacyCertificateOptions(**self._get_cert_options_kwargs())


def tls_settings(legacy_tls: bool) -> dict[str, str]:
    """The Scrapy settings a site's `legacy_tls` flag stands for."""
    return {"DOWNLOADER_CLIENTCONTEXTFACTORY": CONTEXT_FACTORY} if legacy_tls else {}
