"""A scripted edits API on a loopback port, for tests that need real HTTP (the CLI, logging,
connections that drop).

It answers every POST with a fixed status and JSON reply and records what it was sent; unlike
the simulator it has no behaviour of its own, so client tests do not depend on it. With `hang_up`
set, it reads each request in full and then closes the connection without answering.
"""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedAPI(ThreadingHTTPServer):
    """Answers every POST with `status` and `reply`, and records what it was sent."""

    daemon_threads = True

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.status = 200
        self.reply: dict = {}
        self.hang_up = False
        self.received: list[tuple[str, dict[str, str], bytes]] = []

    def __enter__(self) -> "ScriptedAPI":
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedAPI

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        self.server.received.append(
            (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        )
        if self.server.hang_up:
            self.close_connection = True  # the whole request was read; no answer ever comes
            return
        content = json.dumps(self.server.reply).encode()
        self.send_response(self.server.status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, *args: object) -> None:
        """Quiet: the test output is the CLI's."""


def unused_port() -> int:
    """A loopback port nothing listens on (yet): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
