"""A loopback server that answers with raw bytes at its own pace, for replies no real server
sends on purpose: one dripping a byte at a time, or a body that never ends.

Each connection's request is read in full (so it counts as sent), then `reply(send)` writes the
answer through `send`, which counts the bytes and returns False once the client has hung up.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable

Reply = Callable[[Callable[[bytes], bool]], None]


class RawReplyServer:
    """Answers every request on 127.0.0.1 with `reply`; records requests and bytes sent."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.requests = 0
        self.bytes_sent = 0
        self.hung_up = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"

    def __enter__(self) -> RawReplyServer:
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() would not
        self._listener.close()
        self._accepting.join(timeout=10)
        for thread in self._threads:
            thread.join(timeout=10)

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._answer, args=(connection,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            if not read_request(connection):
                return
            self.requests += 1

            def send(data: bytes) -> bool:
                try:
                    connection.sendall(data)
                except OSError:
                    self.hung_up.set()
                    return False
                self.bytes_sent += len(data)
                return True

            self.reply(send)


def read_request(connection: socket.socket) -> bool:
    """Reads one request with a Content-Length body; False if the client left first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return False
        body += chunk
    return True
