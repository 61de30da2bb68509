"""/healthz and /readyz: whether this replica is alive, and whether it should get visitors.

/healthz answers 200 while the process serves at all: a supervisor restarts a replica that
stops answering it. /readyz answers 200 only when the replica has started, is not draining
(drain.py), and its database and image store answer; otherwise 503 with the reason in a few
words, so a load balancer or an orchestrator sends visitors elsewhere. Both are open (no login,
no cookie needed) and say nothing of the settings. One check runs at a time, bounded in time: a
stuck database makes the probe fail, never piles up threads.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future, ThreadPoolExecutor

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from history import HistoryStore
from ui.ops.drain import Drain

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 3.0
"""A check that takes longer counts as the store not answering (a probe's own timeout is
usually 5 s)."""
DRAINING = "draining: this server is restarting"
STARTING = "starting"
NO_DATABASE = "the database does not answer"
NO_BLOBS = "the image store does not answer"
SLOW = "the history does not answer in time"


class Readiness:
    """Whether the replica should get visitors; the reason when not."""

    def __init__(self, store: HistoryStore, drain: Drain) -> None:
        self.store, self.drain = store, drain
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="readyz")
        self._check: Future[str | None] | None = None

    async def problem(self) -> str | None:
        """None when ready, else why not."""
        if self.drain.draining.is_set():
            return DRAINING
        if not self.drain.armed.is_set():
            return STARTING
        check = self._check
        if check is None or check.done():  # else a probe still waits: it answers both
            check = self._check = self._pool.submit(self._stores)
        try:
            found = await asyncio.wait_for(
                asyncio.shield(asyncio.wrap_future(check)), CHECK_TIMEOUT_S
            )
        except TimeoutError:
            return SLOW
        return DRAINING if self.drain.draining.is_set() else found

    def _stores(self) -> str | None:
        for check, problem in (
            (self.store.check_database, NO_DATABASE),
            (self.store.check_blobs, NO_BLOBS),
        ):
            try:
                check()
            except Exception as error:
                logger.warning("not ready: %s (%s)", problem, type(error).__name__)
                return problem
        return None


def health_routes(readiness: Readiness) -> list[Route]:
    async def healthz(_request: Request) -> Response:
        return PlainTextResponse("ok\n")

    async def readyz(_request: Request) -> Response:
        problem = await readiness.problem()
        if problem:
            return PlainTextResponse(problem + "\n", status_code=503)
        return PlainTextResponse("ready\n")

    return [
        Route("/healthz", healthz, methods=["GET", "HEAD"]),
        Route("/readyz", readyz, methods=["GET", "HEAD"]),
    ]
