"""An "old government server" for tests: TLS 1.2 with only 1024-bit Diffie-Hellman key exchange.

OpenSSL 3 clients refuse it at their default security level ("dh key too small"), as they refuse
the real old IIS servers; a client at security level 0 or 1 accepts it.
"""

from __future__ import annotations

import datetime
import ssl
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, rsa
from cryptography.x509.oid import NameOID

from dostcrawler.demo.server import SiteServer

# RFC 2409 "Second Oakley Group": the 1024-bit MODP prime old servers still ship.
OAKLEY_GROUP_2 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
    16,
)


def _self_signed(folder: Path) -> tuple[Path, Path, Path]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file, dh_file = folder / "cert.pem", folder / "key.pem", folder / "dh1024.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    with warnings.catch_warnings():
        # Finite-field DH is deprecated: that is exactly the old server being imitated.
        warnings.simplefilter("ignore")
        params = dh.DHParameterNumbers(OAKLEY_GROUP_2, 2).parameters()
    dh_file.write_bytes(
        params.parameter_bytes(serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3)
    )
    return cert_file, key_file, dh_file


def legacy_context(folder: Path) -> ssl.SSLContext:
    """Server side: TLS 1.2 only, DHE with the 1024-bit group as the only key exchange."""
    cert_file, key_file, dh_file = _self_signed(folder)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:@SECLEVEL=0")
    context.load_dh_params(str(dh_file))
    context.load_cert_chain(cert_file, key_file)
    return context


@contextmanager
def serve_legacy_tls(site: Path, workdir: Path) -> Iterator[str]:
    """Serve a fixture site over legacy-only TLS; yields https://127.0.0.1:<port>."""
    server = SiteServer(site)
    server.socket = legacy_context(workdir).wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
