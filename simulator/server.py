"""Runs a simulator on a loopback port in a background thread: for the app's offline default and
for tests, which need a real server without a second process.

The socket is bound before uvicorn starts, so port 0 works and the port is known at once.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import uvicorn

STARTUP_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0

logger = logging.getLogger(__name__)


class RunningServer:
    """A started server: `base_url` ends in `/v1`, like the real API's; `stop()` shuts it down."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, host: str, port: int):
        self._server = server
        self._thread = thread
        self.origin = f"http://{host}:{port}"
        self.base_url = self.origin + "/v1"
        self.port = port

    def stop(self) -> None:
        """Stops accepting, lets running requests finish (briefly), and joins the thread."""
        self._server.should_exit = True
        self._thread.join(timeout=STOP_TIMEOUT_S)
        if self._thread.is_alive():
            logger.warning(
                "the simulator on %s did not stop within %ss", self.origin, STOP_TIMEOUT_S
            )

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(app, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Starts `app` with uvicorn on `host:port` (0: a free port) and returns once it accepts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        log_config=None,  # leave the embedding app's logging alone
        log_level=None,
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=STOP_TIMEOUT_S / 2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the simulator did not start on {host}:{port}")
        time.sleep(0.01)
    return RunningServer(server, thread, host, port)
