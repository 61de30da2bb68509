"""A batch at work: one edit over many images, each image its own run through the Runner (so each
is journalled before it is sent, and an ordinary run in History, grouped under one batch id); no
gradio.

At most MAX_CONCURRENT_RUNS items are at the service at once (a pool that size, each item taking
a fair sending slot beside other visitors' runs: ui/core/fair_share.py). The batch is its
session's one job (ui/core/jobs.py): Stop sets the job's `stopped`, so an item not sent yet never
is, and the items already at the service finish and are kept. A failed item is told and the
others go on. Retrying re-sends only the items that surely failed before the service did any work
(refused before sending, or an error the client says could not have been billed); the others are
named with why not.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace

from client import EditParams, ImageEditError
from ui.batch.items import Item
from ui.core.backend import VisitorKey
from ui.core.context import PageContext
from ui.core.jobs import Job
from ui.core.owner import Owner
from ui.core.runs import StoppedBeforeSending

logger = logging.getLogger(__name__)

WAITING, DONE, FAILED, NOT_SENT = "waiting", "done", "failed", "not sent"
"""An item's states; a batch is over when none is WAITING."""


@dataclass(frozen=True)
class ItemState:
    """What came of one item: its run (if it was recorded), its results' files, its error, and
    whether it may be sent again (`retry_blocker` is None) or why not."""

    state: str = WAITING
    run_id: str | None = None
    outputs: tuple[str, ...] = ()
    """The history's files of its results (or the spool's, while the history cannot take them)."""
    error: str | None = None
    retry_blocker: str | None = None
    elapsed_s: float | None = None


@dataclass
class Batch:
    """One batch: its items, the edit each is sent with, the extra inputs every item shares (for
    fusion, after the item), and each item's state, updated as items end."""

    owner: Owner
    session: str
    params: EditParams
    items: tuple[Item, ...]
    extras: tuple[str, ...] = ()
    visitor_key: VisitorKey | None = None
    id: str = field(default_factory=lambda: secrets.token_hex(16))
    states: list[ItemState] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    ended_before: int = 0
    """Items that had ended when the items going now started (a retry's): not this pace's."""
    job: Job | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.states = self.states or [ItemState() for _ in self.items]

    def set(self, index: int, state: ItemState) -> None:
        with self._lock:
            self.states[index] = state

    def counts(self) -> dict[str, int]:
        """done, failed, not sent and left (still waiting or at the service)."""
        with self._lock:
            states = [state.state for state in self.states]
        return {
            "done": states.count(DONE),
            "failed": states.count(FAILED),
            "not_sent": states.count(NOT_SENT),
            "left": states.count(WAITING),
        }

    def seconds_left(self, now: float | None = None) -> float | None:
        """The time left at the pace so far (None before any item ended)."""
        counts = self.counts()
        ended = counts["done"] + counts["failed"] + counts["not_sent"] - self.ended_before
        if not counts["left"]:
            return 0.0
        if ended <= 0:
            return None
        pace = ((now or time.monotonic()) - self.started) / ended
        return pace * counts["left"]

    def retryable(self) -> list[int]:
        """The failed items that surely failed before the service did work."""
        with self._lock:
            return [
                index
                for index, state in enumerate(self.states)
                if state.state == FAILED and state.retry_blocker is None
            ]

    def not_retryable(self) -> list[tuple[Item, str]]:
        """The failed items that may not be sent again by themselves, with why."""
        with self._lock:
            return [
                (self.items[index], state.retry_blocker)
                for index, state in enumerate(self.states)
                if state.state == FAILED and state.retry_blocker is not None
            ]

    @property
    def over(self) -> bool:
        return self.counts()["left"] == 0


def run_items(
    ctx: PageContext,
    batch: Batch,
    indices: Sequence[int],
    stopped: threading.Event,
    blockers: dict[str, str],
    workers: int,
) -> Callable[[], None]:
    """Starts the items at `indices`, `workers` at a time; returns a function that waits until
    they have all ended. `blockers` holds the words why an item may not be retried: "billed" (it
    may have been billed) and "unexpected"."""
    for index in indices:
        batch.set(index, ItemState())
    batch.started = time.monotonic()
    batch.ended_before = len(batch.items) - len(indices)
    pool = ThreadPoolExecutor(workers, thread_name_prefix=f"batch-{batch.id[:6]}")
    work = (ctx, batch, stopped, blockers)
    futures = [pool.submit(_run_item, *work, index) for index in indices]
    pool.shutdown(wait=False)
    return lambda: wait(futures) and None


def _run_item(
    ctx: PageContext,
    batch: Batch,
    stopped: threading.Event,
    blockers: dict[str, str],
    index: int,
) -> None:
    """One item's run, its state set whatever happens (one surprise must not take the rest)."""
    if stopped.is_set():
        batch.set(index, ItemState(NOT_SENT))
        return
    images = [batch.items[index].path, *batch.extras]
    try:
        outcome = ctx.runner.run(
            batch.params, images, batch.owner, batch.visitor_key, stopped, batch=batch.id
        )
    except StoppedBeforeSending:
        batch.set(index, ItemState(NOT_SENT))
        return
    except ImageEditError as error:  # refused before sending: nothing reached the service
        batch.set(index, ItemState(FAILED, error=str(error)))
        return
    except Exception as error:
        logger.exception("a batch item failed")
        failed = ItemState(FAILED, error=f"unexpected {type(error).__name__}")
        batch.set(index, replace(failed, retry_blocker=blockers["unexpected"]))
        return
    outcome = ctx.session_usage.counted(batch.session, outcome)
    made = tuple(str(path) for path in outcome.output_paths)
    if outcome.error or not made:
        blocker = blockers["billed"] if outcome.may_have_been_billed else None
        state = ItemState(FAILED, outcome.run_id, made, outcome.error, blocker, outcome.elapsed_s)
    else:
        state = ItemState(DONE, outcome.run_id, made, elapsed_s=outcome.elapsed_s)
    batch.set(index, state)


KEPT_PER_OWNER = 5
"""An owner's latest batches kept in memory, for Stop, Retry and a page that reloads."""


class Batches:
    """The batches of this process, each its session's one job while it goes."""

    def __init__(self, ctx: PageContext) -> None:
        self.ctx = ctx
        self._lock = threading.Lock()
        self._kept: dict[str, list[Batch]] = {}

    def workers(self, items: int) -> int:
        """How many of a batch's items go at once: MAX_CONCURRENT_RUNS, within the visitor's
        bound of requests in flight (MAX_RUNS_PER_VISITOR)."""
        config = self.ctx.config
        bounds = [items, config.max_concurrent_runs or items, config.max_runs_per_visitor or items]
        return max(1, min(bounds))

    def start(
        self,
        batch: Batch,
        indices: Sequence[int],
        blockers: dict[str, str],
    ) -> Job:
        """Claims the session's job for the items at `indices` and starts them; raises
        AlreadyRunning or TooManyInFlight (ui/core/jobs.py) with nothing sent. The job is
        finished, with the batch as its outcome, when the last item ends."""
        workers = self.workers(len(indices))
        job = Job(batch.owner.id, batch.session, batch.params.prompt, batch.params.model, "batch")
        self.ctx.jobs.claim(job, workers, self.ctx.config.max_runs_per_visitor)
        batch.job = job
        self._keep(batch)
        try:
            ended = run_items(self.ctx, batch, indices, job.stopped, blockers, workers)
        except BaseException:
            self.ctx.jobs.finish(job, batch)
            raise

        def finish() -> None:
            ended()
            self.ctx.jobs.finish(job, batch)

        threading.Thread(target=finish, name=f"batch-{batch.id[:6]}", daemon=True).start()
        return job

    def _keep(self, batch: Batch) -> None:
        with self._lock:
            kept = [b for b in self._kept.get(batch.owner.id, []) if b.id != batch.id]
            self._kept[batch.owner.id] = [*kept, batch][-KEPT_PER_OWNER:]

    def get(self, owner: str, batch_id: str) -> Batch | None:
        """The owner's batch of that id (None for another's: unknown to them)."""
        with self._lock:
            return next((b for b in self._kept.get(owner, []) if b.id == batch_id), None)

    def latest(self, owner: str) -> Batch | None:
        with self._lock:
            kept = self._kept.get(owner, [])
            return kept[-1] if kept else None
