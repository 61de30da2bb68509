"""One deadline per run: connecting, sending, waiting and reading the whole reply all end by it.

httpx's timeouts bound each network operation, not a run: a reply dripping one byte a second
never times out. So a run carries one `Deadline`, and every socket operation of the blocking
client waits at most what is left of it (a network backend wrapped around httpcore's); the async
client wraps each attempt in `asyncio.timeout` instead. Retries wait only while time is left.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore2
import httpx2

_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "image_edit_deadline", default=None
)


class Deadline:
    """A moment, `seconds` from now, by which a run ends."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(self.at - time.monotonic(), 0.0)

    @contextmanager
    def applied(self) -> Iterator[Deadline]:
        """Within this block, every socket operation of this thread (or task) ends by it."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)


def clamped(timeout: float | None, error: type[Exception]) -> float | None:
    """`timeout` shortened to what is left of the current deadline; raises `error` (an httpcore
    timeout, mapped by httpx to its own) once nothing is left."""
    deadline = _current.get()
    if deadline is None:
        return timeout
    left = deadline.remaining()
    if left <= 0:
        raise error("the run's deadline has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore2.NetworkStream):
    """A connection whose reads and writes never wait past the current deadline."""

    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, clamped(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, clamped(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore2.NetworkStream:
        timeout = clamped(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore2.NetworkBackend):
    """httpcore's own backend, with every connection a `DeadlineStream`."""

    def __init__(self, backend: httpcore2.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        timeout = clamped(timeout, httpcore2.ConnectTimeout)
        stream = self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
        return DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore2.NetworkStream:
        timeout = clamped(timeout, httpcore2.ConnectTimeout)
        return DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def deadline_transport(limits: httpx2.Limits) -> httpx2.HTTPTransport:
    """httpx's transport with `limits`, its connections held to the current deadline.

    httpx takes no network backend, so the one of its connection pool is wrapped in place; it
    is read once per new connection, and the deadline tests fail if a release moves it."""
    transport = httpx2.HTTPTransport(limits=limits)
    pool = transport._pool  # private: see the docstring
    pool._network_backend = DeadlineBackend(pool._network_backend)
    return transport
