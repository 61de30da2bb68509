"""Runs a simulator on a loopback port in a background thread: for the app's offline default and
for tests, which need a real server without a second process."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn

STARTUP_TIMEOUT_S = 10.0


class RunningServer:
    """A started server: `base_url` ends in `/v1`, like the real API's; `stop()` shuts it down."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, host: str, port: int):
        self._server = server
        self._thread = thread
        self.origin = f"http://{host}:{port}"
        self.base_url = self.origin + "/v1"
        self.port = port

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

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
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the simulator did not start")
        time.sleep(0.01)
    return RunningServer(server, thread, host, port)
