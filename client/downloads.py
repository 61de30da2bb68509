"""Fetches result images from the URLs the service returns, without becoming an open proxy.

A URL is fetched only when it is https to a public address, or on the same origin as the API's
base URL (so a local simulator works). The connection goes to the very address that was checked
(the host name travels in the Host header and in TLS, for SNI and the certificate check), so a
name that resolves differently a moment later (DNS rebinding) cannot lead anywhere else.
Redirects are followed by hand, at most three, each checked and pinned again; the body is capped
in size, its header must not claim far more pixels than were requested, and it must decode as an
image. A refused URL raises UnsafeURLError and is never requested. Signed URLs expire within a
day, so the bytes are kept.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx2

from .constants import DOWNLOAD_MAX_BYTES, DOWNLOAD_MAX_REDIRECTS
from .errors import APIConnectionError, APIStatusError, ImageEditError, UnsafeURLError
from .results import Size, is_decodable_image, refuse_oversized

Resolver = Callable[[str], list[str]]
"""Host name → IP addresses; injectable so tests never touch DNS."""


def resolve_host(host: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM)
    except OSError:
        return []
    return [info[4][0] for info in infos]


def origin_of(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), parts.port or default_port)


class URLGuard:
    """Decides whether a result URL may be fetched."""

    def __init__(self, base_url: str, resolver: Resolver = resolve_host) -> None:
        self._trusted_origin = origin_of(base_url)
        self._resolver = resolver

    def check(self, url: str) -> str | None:
        """The checked address to connect to for `url` (None: the API's own origin, reached by
        name); raises UnsafeURLError unless `url` may be requested."""
        scheme, host, _port = origin_of(url)
        if origin_of(url) == self._trusted_origin:
            return None
        if scheme != "https":
            raise UnsafeURLError(
                f"Refused to download an image from a non-https address ({scheme or 'no'} scheme)."
            )
        if not host:
            raise UnsafeURLError("Refused to download an image from a URL without a host.")
        addresses = [host.strip("[]")] if _is_ip_literal(host) else self._resolver(host)
        if not addresses:
            raise UnsafeURLError(f"Refused to download an image: the host {host} does not resolve.")
        for address in addresses:
            if not ipaddress.ip_address(address.split("%")[0]).is_global:
                raise UnsafeURLError(
                    f"Refused to download an image from {host}: it points to a private or "
                    "local network address."
                )
        return addresses[0].split("%")[0]


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def pinned_request(url: str, address: str | None) -> dict[str, Any]:
    """Keyword arguments of a GET of `url` that connects to `address` (the checked IP), while the
    server still sees the host name: in the Host header, in TLS SNI and in the certificate check.
    The connection is closed afterwards, so it is never reused for another name.
    `address` None: connect by name."""
    if address is None:
        return {"url": url}
    named = httpx2.URL(url)
    return {
        "url": named.copy_with(host=address),
        "headers": {"host": named.netloc.decode("ascii"), "connection": "close"},
        "extensions": {"sni_hostname": named.raw_host.decode("ascii")},
    }


class DownloadPlan:
    """The steps of one guarded download, shared by the sync and async clients.

    `request_args()` is the GET of the current URL, pinned to its checked address; `next_url(...)`
    returns where to go after a redirect (checked), and `accept(body)` checks a final body against
    the `requested` size; the clients only do the I/O.
    """

    def __init__(self, url: str, guard: URLGuard, requested: Size | None = None) -> None:
        self.url = url
        self.guard = guard
        self.requested = requested
        self.redirects = 0
        self.address = guard.check(url)

    def request_args(self) -> dict[str, Any]:
        return pinned_request(self.url, self.address)

    def next_url(self, status_code: int, location: str | None) -> str | None:
        """The checked redirect target, or None when the response is final."""
        if status_code not in (301, 302, 303, 307, 308):
            if status_code >= 400:
                raise APIStatusError(
                    f"A result image could not be downloaded (HTTP {status_code}). Result links "
                    "expire after about a day; run the edit again.",
                    status_code=status_code,
                )
            return None
        self.redirects += 1
        if self.redirects > DOWNLOAD_MAX_REDIRECTS or not location:
            raise UnsafeURLError(
                f"Refused to follow more than {DOWNLOAD_MAX_REDIRECTS} redirects for a result."
            )
        self.url = urljoin(self.url, location)
        self.address = self.guard.check(self.url)
        return self.url

    @staticmethod
    def check_length(received: int) -> None:
        if received > DOWNLOAD_MAX_BYTES:
            raise ImageEditError(
                f"A result image was larger than {DOWNLOAD_MAX_BYTES // 1024 // 1024} MB and "
                "was not downloaded."
            )

    def accept(self, body: bytes) -> bytes:
        """`body` if it is a complete image of a sensible size; raises ImageEditError if not."""
        refuse_oversized(body, self.requested)
        if not is_decodable_image(body):
            raise ImageEditError("A result link returned something that is not an image.")
        return body


def connection_error(error: Exception) -> APIConnectionError:
    return APIConnectionError(
        f"A result image could not be downloaded ({type(error).__name__}). Try again."
    )
