"""A download pinned to a checked address still speaks TLS to the host name, over real sockets.

A loopback HTTPS server holds a certificate for cdn.example.test only. A request pinned to
127.0.0.1 must send that name as SNI and as the Host header, and the certificate must be checked
against it: the same request made for a name the certificate does not cover fails.
The certificates are made with the `cryptography` package (requirements-dev.txt).
"""

import datetime
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from client.downloads import pinned_request
from tests.client.fakes import png

HOST = "cdn.example.test"


def certificate(subject: str, key, issuer: str, issuer_key, *, ca: bool):
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def pem(cert) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


class TLSFiles:
    """A throwaway CA and a server certificate for HOST, as files for ssl to load."""

    def __init__(self, folder: Path) -> None:
        ca_key, leaf_key = (
            ec.generate_private_key(ec.SECP256R1()),
            ec.generate_private_key(ec.SECP256R1()),
        )
        self.ca = folder / "ca.pem"
        self.ca.write_bytes(pem(certificate("test CA", ca_key, "test CA", ca_key, ca=True)))
        self.chain = folder / "server.pem"
        self.chain.write_bytes(
            pem(certificate(HOST, leaf_key, "test CA", ca_key, ca=False))
            + leaf_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


class RecordingTLSServer(ThreadingHTTPServer):
    """Serves a PNG over HTTPS on loopback, and records the SNI and Host of every request."""

    daemon_threads = True

    def __init__(self, files: TLSFiles) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.server_names: list[str | None] = []
        self.hosts: list[str] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(files.chain)
        context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
        self.socket = context.wrap_socket(self.socket, server_side=True)

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(BaseHTTPRequestHandler):
    server: RecordingTLSServer

    def do_GET(self) -> None:
        self.server.hosts.append(self.headers["host"])
        body = png()
        self.send_response(200)
        self.send_header("content-type", "image/png")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[RecordingTLSServer, TLSFiles]]:
    files = TLSFiles(tmp_path)
    server = RecordingTLSServer(files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, files
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_pinned_request_sends_the_name_as_sni_and_host_and_checks_the_certificate(tls_server):
    server, files = tls_server
    trusting = ssl.create_default_context(cafile=str(files.ca))
    with httpx2.Client(verify=trusting) as http:
        named = f"https://{HOST}:{server.port}/a.png"
        response = http.get(**pinned_request(named, "127.0.0.1"))
        assert response.status_code == 200 and response.content == png()
        assert server.server_names == [HOST]
        assert server.hosts == [f"{HOST}:{server.port}"]

        not_covered = f"https://other.example.test:{server.port}/a.png"
        with pytest.raises(httpx2.ConnectError, match="certificate"):
            http.get(**pinned_request(not_covered, "127.0.0.1"))
