"""Graceful drain: on SIGTERM the server takes no new run, lets the runs going finish, and exits.

A rolling restart sends SIGTERM and kills a while later. From the signal on, a new run is
refused before anything is sent (ServerDraining, in the page's language), a new page load gets
a 503 that a load balancer hands to another replica (deploy/nginx.conf), and /readyz says so
(health.py). The runs already going (each journalled before it was sent: history/journal.py)
finish and are saved, and their answers reach their callers; then the server closes and the
process exits, within DRAIN_SECONDS however long a run takes. A run still at the service then
stays in History as sending, and the next start on the same HISTORY_DIR marks it interrupted.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from client import ImageEditError
from ui.core.compression import is_page
from ui.core.texts import LANGUAGES, text_in

logger = logging.getLogger(__name__)

CLOSING_S = 3.0
"""Of DRAIN_SECONDS, what is kept for closing the server and the history after the runs."""
POLL_S = 0.1
"""How often the drain looks whether the answers of finished runs have gone out."""
RETRY_AFTER_S = 5
"""What a refused page load is told to wait (a load balancer tries another replica at once)."""
QUIET_S = 3.0
"""After the last run, the server keeps serving until no request came or went for this long:
a finished run's pictures are fetched after its answer (by the page, or gradio_client)."""
LONG_LIVED = ("/queue/data", "/heartbeat/", "/mcp")
"""Requests that stay open as long as a page or an MCP session does: not counted as going."""


class ServerDraining(ImageEditError):
    """The server is restarting: the run is refused before anything is sent. `text_key` names
    its words (ui/core/texts.py)."""

    text_key = "server_restarting"

    def __init__(self) -> None:
        super().__init__(text_in("en", self.text_key))


class Drain:
    """The runs going through the Runner's door, and the door closed on SIGTERM."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.draining = threading.Event()
        self.armed = threading.Event()
        """Set once SIGTERM drains (`on_sigterm`, after the launch): until then, not ready."""
        self._runs = threading.Condition()
        self._in_flight = 0
        self._requests = 0
        self._last_request = time.monotonic()

    @contextmanager
    def door(self) -> Iterator[None]:
        """One run, counted while it goes; raises ServerDraining once the drain began."""
        with self._runs:
            if self.draining.is_set():
                raise ServerDraining()
            self._in_flight += 1
        try:
            yield
        finally:
            with self._runs:
                self._in_flight -= 1
                self._runs.notify_all()

    def in_flight(self) -> int:
        """Runs that passed the door and have not ended."""
        with self._runs:
            return self._in_flight

    def wait_for_runs(self, timeout: float) -> bool:
        """Waits up to `timeout` seconds for every run to end; True when none goes."""
        with self._runs:
            return self._runs.wait_for(lambda: self._in_flight == 0, max(timeout, 0.0))

    @contextmanager
    def request(self) -> Iterator[None]:
        """One HTTP request, counted while it goes (DrainMiddleware)."""
        with self._runs:
            self._requests += 1
            self._last_request = time.monotonic()
        try:
            yield
        finally:
            with self._runs:
                self._requests -= 1
                self._last_request = time.monotonic()

    def quiet(self) -> bool:
        """No request goes, and none came or went for QUIET_S."""
        with self._runs:
            return not self._requests and time.monotonic() - self._last_request >= QUIET_S

    def drain(self, answering: Callable[[], bool], stop: Callable[[], None]) -> None:
        """Closes the door, waits for the runs, then for `answering` (their answers still on
        their way out) to turn False and the requests to be `quiet` (their pictures fetched),
        within DRAIN_SECONDS less CLOSING_S; then `stop`."""
        self.draining.set()
        deadline = time.monotonic() + max(self.seconds - CLOSING_S, 0.0)
        logger.info(
            "draining: no new runs; %d going, %.0f s at most", self.in_flight(), self.seconds
        )
        ended = self.wait_for_runs(deadline - time.monotonic())
        while ended and (answering() or not self.quiet()) and time.monotonic() < deadline:
            time.sleep(POLL_S)
        if not ended:
            logger.warning(
                "%d run(s) still at the service: left as sending, marked interrupted at the "
                "next start",
                self.in_flight(),
            )
        stop()

    def on_sigterm(self, answering: Callable[[], bool], stop: Callable[[], None]) -> None:
        """Drains when SIGTERM comes, in a thread of its own (the handler itself runs in the
        main thread, which must go on serving), then exits at once: `stop` has closed the
        server and the history, and the interpreter's own teardown takes seconds. Whatever is
        left at DRAIN_SECONDS, the process ends then. A second SIGTERM changes nothing."""

        def drain_and_exit() -> None:
            try:
                self.drain(answering, stop)
            finally:
                _exit(0)

        def begin(_signum: int, _frame: Any) -> None:
            if self.draining.is_set():
                return
            self.draining.set()
            watchdog = threading.Timer(self.seconds, _late)
            watchdog.daemon = True
            watchdog.start()
            threading.Thread(target=drain_and_exit, name="drain", daemon=True).start()

        signal.signal(signal.SIGTERM, begin)
        self.armed.set()


def _late() -> None:
    logger.error("DRAIN_SECONDS passed before the server closed: exiting now")
    _exit(1)


def _exit(code: int) -> None:
    logging.shutdown()
    sys.stdout.flush()
    os._exit(code)


class DrainMiddleware:
    """Pure ASGI: while draining, a new page load is answered 503 with the words in both
    languages (nginx passes it to another replica); everything else, the answers of the runs
    going included, reaches the app."""

    def __init__(self, app: Any, drain: Drain) -> None:
        self.app, self.drain = app, drain

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or any(part in scope["path"] for part in LONG_LIVED):
            await self.app(scope, receive, send)
        elif self.drain.draining.is_set() and is_page(scope):
            await self._refuse(send)
        else:
            with self.drain.request():
                await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(send: Any) -> None:
        body = "\n".join(text_in(language, "server_restarting_page") for language in LANGUAGES)
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"retry-after", str(RETRY_AFTER_S).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": (body + "\n").encode()})
