"""A comparison's cells at work: each an ordinary run through the Runner, at most
MAX_CONCURRENT_RUNS at a time, under one comparison id.

The cells go on when the page stops listening (a reload, a closed tab), so the comparison's Job is
finished by the last cell to end, not by the page: until then the session has a job going and a
second Compare or Run is refused. Stop (the job's `stopped`) keeps the cells still waiting for a
sending slot from ever being sent.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from client import ImageEditError
from ui.comparison.plan import Cell, Plan
from ui.comparison.view import CellView
from ui.core.backend import VisitorKey
from ui.core.context import PageContext
from ui.core.jobs import Admission, Job
from ui.core.owner import Owner
from ui.core.runs import RunOutcome, StoppedBeforeSending
from ui.core.texts import text_in

logger = logging.getLogger(__name__)


@dataclass
class Sender:
    """Who a comparison's cells are sent for, and the job they belong to (None: /compare)."""

    owner: Owner
    visitor_key: VisitorKey | None
    session: str
    job: Job | None = None
    language: str = "en"
    admission: Admission | None = None
    """The cells counted in flight for the owner (ui/core/jobs.py): each cell ends its own."""


class _Countdown:
    """Ends each cell's admission, and finishes the job with the last finished cell's outcome
    once every cell has ended."""

    def __init__(self, ctx: PageContext, cells: int, sender: Sender) -> None:
        self._ctx, self._left, self._job = ctx, cells, sender.job
        self._admission = sender.admission
        self._lock = threading.Lock()
        self._last: RunOutcome | None = None

    def ended(self, outcome: RunOutcome | None) -> None:
        if self._admission is not None:
            self._admission.release()
        with self._lock:
            self._left -= 1
            self._last = outcome or self._last
            all_ended = self._left == 0
        if all_ended and self._job is not None:
            self._ctx.jobs.finish(self._job, self._last)


def start_cells(
    ctx: PageContext, plan: Plan, images: list[str], sender: Sender
) -> Iterator[tuple[Cell, CellView]]:
    """Starts every cell at once (at most MAX_CONCURRENT_RUNS at a time) under one new
    comparison id, counting its images in the sender's session; the cells are under way when
    it returns, and its iterator gives each cell as it finishes."""
    comparison = secrets.token_hex(16)
    countdown = _Countdown(ctx, len(plan.cells), sender)
    stopped = sender.job.stopped if sender.job else threading.Event()
    pool = ThreadPoolExecutor(
        min(len(plan.cells), ctx.config.max_concurrent_runs), thread_name_prefix="compare"
    )
    futures = {}
    try:
        for cell in plan.cells:
            work = (ctx, cell, images, sender, comparison, stopped)
            futures[pool.submit(_counted, countdown, *work)] = cell
    except BaseException:  # the cells not submitted never end: the job must not wait for them
        if sender.job is not None:
            ctx.jobs.finish(sender.job)
        if sender.admission is not None:
            sender.admission.close()
        raise
    finally:
        pool.shutdown(wait=False)
    return ((futures[future], future.result()) for future in as_completed(futures))


def _counted(countdown: _Countdown, *work: object) -> CellView:
    """A cell run in the pool, counted down when it ends, whoever still listens."""
    outcome = None
    try:
        view, outcome = _run_cell(*work)
        return view
    finally:
        countdown.ended(outcome)


def _run_cell(
    ctx: PageContext,
    cell: Cell,
    images: list[str],
    sender: Sender,
    comparison: str,
    stopped: threading.Event,
) -> tuple[CellView, RunOutcome | None]:
    """One cell's run and what its grid cell shows; never raises (one cell's surprise must not
    take the others' results)."""
    try:
        outcome = ctx.runner.run(
            cell.params, images, sender.owner, sender.visitor_key, stopped, comparison
        )
    except StoppedBeforeSending:  # Stop came first: not a failure, nothing was billed
        return CellView(note=text_in(sender.language, "grid_stopped_cell")), None
    except ImageEditError as error:  # refused before sending: nothing was billed
        return CellView(error=str(error)), None
    except Exception as error:
        logger.exception("a comparison cell failed")
        return CellView(error=f"unexpected {type(error).__name__}"), None
    outcome = ctx.session_usage.counted(sender.session, outcome)
    pictures = ctx.gate.results(outcome)
    return CellView(tuple(pictures), outcome.error, run_id=outcome.run_id), outcome
