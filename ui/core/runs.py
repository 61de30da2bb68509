"""One run of the editor, from its parameters and input files to a recorded result; no gradio.

It checks (raising ValidationError or InvalidImageError before anything is sent), draws the seed
once, hands the client the inputs prepared when they were added, and records every run that
reached the service, failed ones included: as *sending* in the history's journal before the
request leaves (no record, no request: history/journal.py), completed in the same row after. The
files it returns are the history's own copies of the exact bytes the API sent back (or, while the
history cannot take them, the spool's).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from client import (
    EditParams,
    EditRequest,
    EditResult,
    ImageEditError,
    InvalidImageError,
    RateLimitError,
    ValidationError,
    model_spec,
)
from client.images import PreparedImage
from client.models import ModelSpec
from client.preparation import PreparationCache
from client.redaction import redact
from client.sendable import sendable
from history import Finished, HistoryStore, HistoryUnavailable, NewRun, RunJournal
from history.budgets import OverBudget
from history.lineage import Lineage
from history.rate_limit import Limiter
from ui.core.backend import Backend, VisitorKey
from ui.core.budgets import OverBudgetRefused, check_fits
from ui.core.controls import check_upload_size
from ui.core.fair_share import FairSlots
from ui.core.owner import Owner
from ui.core.texts import text_in

logger = logging.getLogger(__name__)

TURN_CHECK_S = 0.25
"""How often a run waiting for its turn under the rate limit asks again (and looks at Stop)."""


@dataclass
class RunOutcome:
    """What the page shows after a run."""

    params: EditParams
    output_paths: list[Path]
    elapsed_s: float
    error: str | None = None
    request_id: str | None = None
    revised_prompt: str | None = None
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    backend: str = ""
    run_id: str | None = None
    """The history's id of this run (None when it could not be recorded)."""
    stopped: bool = False
    spooled: bool = False
    """The history could not take the answer: it is kept on this server (history/spool.py)
    and added to History when the database is back."""
    may_have_been_billed: bool = False
    """It failed after the service may have run (and billed) it (the client's error says so):
    running it again is the person's call, never done by itself (ui/batch/ retries only the
    others)."""


@dataclass(frozen=True)
class RunPlace:
    """Where a run is recorded besides its owner's list: the comparison it is a cell of, the
    batch it is an item of, and where it goes in its owner's edit threads
    (history/lineage.py)."""

    comparison: str | None = None
    lineage: Lineage = field(default_factory=Lineage)
    batch: str | None = None


class UnknownParent(ValidationError):
    """The run a new run continues is not one of the caller's, or has no such result: refused
    as unknown, whoever's it is."""

    def __init__(self, lineage: Lineage) -> None:
        named = lineage.parent or lineage.joins or ""
        which = f"#{lineage.result_index}" if lineage.parent else ""
        super().__init__(
            "parent",
            "one of your runs and one of its results",
            f"{named}{which}",
            f"parent: you have no run {named} with a result {which or '#1'}.",
        )


@dataclass(frozen=True)
class RunHooks:
    """How the server's operation (ui/ops/) watches and bounds the runs, the Runner knowing
    nothing of it: every run passes through `door()` (which may refuse it, raising an
    ImageEditError, and sees it end), and each run that reached the service is `finished`
    with its model, its status ("ok", "partial", "failed") and the images it made."""

    door: Callable[[], AbstractContextManager[Any]] = nullcontext
    finished: Callable[[str, str, int], None] = lambda _model, _status, _images: None


class StoppedBeforeSending(ImageEditError):
    """Stop was pressed while the run waited for a free slot: nothing was sent or billed."""


class NotJournalled(ImageEditError):
    """The history could not record the run before sending it, so it was not sent: a run that
    reaches the service always leaves a trace. `text_key` names its words (ui/core/texts.py)."""

    text_key = "not_journalled"

    def __init__(self) -> None:
        super().__init__(text_in("en", self.text_key))


class Runner:
    def __init__(
        self,
        backend: Backend,
        store: HistoryStore,
        preparation: PreparationCache | None = None,
        max_sending: int | None = None,
        journal: RunJournal | None = None,
        hooks: RunHooks | None = None,
        limiter: Limiter | None = None,
    ) -> None:
        """`max_sending`: at most this many requests at the service at once, from runs and
        from a comparison's cells alike (MAX_CONCURRENT_RUNS), shared fairly between owners
        (ui/core/fair_share.py); None: no bound here. `journal` records the runs around their
        sending (made on the store at the first run if None). `hooks` let the server's
        operation watch and bound the runs (ui/ops/). `limiter` gives each request its turn
        under the gateway's rate limit (history/rate_limit.py; made on the store, with no limit
        but a 429's back-off, if None)."""
        self._limiter = limiter
        self.hooks = hooks or RunHooks()
        self.backend = backend
        self.store = store
        self.preparation = preparation or PreparationCache()
        self.sending = FairSlots(max_sending)
        self._journal = journal
        self._journal_made = threading.Lock()

    @property
    def journal(self) -> RunJournal:
        with self._journal_made:
            if self._journal is None:
                self._journal = RunJournal(self.store)
            return self._journal

    @property
    def limiter(self) -> Limiter:
        with self._journal_made:
            if self._limiter is None:
                self._limiter = self.store.rate_limiter()
            return self._limiter

    def prepared(self, params: EditParams, images: list[str]) -> list[PreparedImage]:
        """The inputs prepared for the model (from the cache when they were seen before)."""
        spec = model_spec(params.model)
        return [
            self.prepare_one(path, spec, position) for position, path in enumerate(images, start=1)
        ]

    def prepare_one(self, path: str, spec: ModelSpec, position: int) -> PreparedImage:
        """One input at its 1-based position, checked against the upload limit and prepared
        once; raises InvalidImageError naming the position."""
        check_upload_size(path, position)
        return self.preparation.prepare(path, spec, index=position)

    def check(self, params: EditParams, images: list[str]) -> list[str]:
        """Raises what the service would refuse (the client's own check, client/sendable.py, on
        the inputs prepared once); returns notes on inputs that will be changed."""
        spec = model_spec(params.model)
        request = EditRequest.of(params, images)
        return sendable(
            request, lambda path, position: self.prepare_one(path, spec, position)
        ).notes

    def check_budget(self, owner: Owner, asked: dict[str, int]) -> None:
        """Raises OverBudgetRefused when `asked` images per model (one run's n, a comparison's
        cells summed) would pass `owner`'s budget of the day: refused whole, before anything is
        sent. Each run is held to the budget again, atomically, when it is journalled."""
        if not self.store.budget.configured:
            return
        try:
            lefts = {model: self.store.budget_left(owner.id, model) for model in asked}
        except Exception as error:  # the history is down: journalling refuses the run anyway
            logger.warning("cannot read the budget: %s", type(error).__name__)
            return
        check_fits(lefts, asked)

    def run(
        self,
        params: EditParams,
        images: list[str],
        owner: Owner,
        visitor_key: VisitorKey | None,
        stopped: threading.Event | None = None,
        comparison: str | None = None,
        waiting: threading.Event | None = None,
        lineage: Lineage | None = None,
        batch: str | None = None,
    ) -> RunOutcome:
        """Sends the edit (ValidationError and InvalidImageError propagate: nothing was sent).
        Every key the run met is masked in what it records and returns. `stopped`, set while
        the service works, marks the run as stopped; what it answers is kept all the same.
        `comparison` records the run as a cell of that comparison (ui/comparison/handlers.py).
        `waiting` is set while the run waits for a sending slot (none was free). `lineage` puts
        the run in its owner's edit threads: a parent that is not theirs is refused as unknown
        (UnknownParent), before anything is sent; one that would pass `owner`'s budget of the
        day is refused (OverBudgetRefused), before anything is sent. `batch` records the run as
        an item of that batch (ui/batch/)."""
        stopped = stopped or threading.Event()
        place = RunPlace(comparison, lineage or Lineage(), batch)
        with self.hooks.door():
            self.parent_result(owner, place.lineage)
            self.check_budget(owner, {params.model: params.n or 1})
            params = params.with_seed()
            request = EditRequest.of(params, self.prepared(params, images))
            with self.sending.slot(owner.id, stopped, waiting) as granted:
                if not granted or stopped.is_set():
                    raise StoppedBeforeSending("Stopped before it was sent: nothing was billed.")
                self.wait_turn(params.model, stopped, waiting)
                return self._send(params, request, images, owner, visitor_key, stopped, place)

    def wait_turn(
        self, model: str, stopped: threading.Event, waiting: threading.Event | None = None
    ) -> None:
        """Waits for `model`'s turn under the rate limit and takes it (the request must then
        leave); `waiting` is set while it waits. Raises StoppedBeforeSending, having taken no
        turn, when `stopped` is set first."""
        try:
            while (wait := self.limiter.take(model)) > 0:
                if waiting is not None:
                    waiting.set()
                if stopped.wait(min(wait, TURN_CHECK_S)):
                    raise StoppedBeforeSending("Stopped before it was sent: nothing was billed.")
        finally:
            if waiting is not None:
                waiting.clear()

    def _send(
        self,
        params: EditParams,
        request: EditRequest,
        images: list[str],
        owner: Owner,
        visitor_key: VisitorKey | None,
        stopped: threading.Event,
        place: RunPlace,
    ) -> RunOutcome:
        """Records the run as sending, sends the prepared request and completes the record
        with what came of it."""
        keys = self.backend.keys_for(visitor_key)
        client, backend_name, owned = self.backend.client_for(visitor_key)
        sending = masked(RunOutcome(params, [], 0.0, backend=backend_name), keys)
        started = time.monotonic()
        run_id = ""
        try:
            sendable(request, already_prepared)  # what the client would refuse is not a run
            run_id = self._begin(sending, images, owner, place)
            result = client.send(request)
        except ImageEditError as error:
            if not _reached_service(error):
                raise
            if isinstance(error, RateLimitError):  # every replica holds this model's sends
                self.limiter.back_off(params.model, error.retry_after)
            elapsed = time.monotonic() - started
            logger.info("run failed: %s", type(error).__name__)
            failed = RunOutcome(
                params,
                [],
                elapsed,
                str(error),
                getattr(error, "request_id", None),
                backend=backend_name,
            )
            failed = replace(
                masked(failed, keys),
                stopped=stopped.is_set(),
                may_have_been_billed=error.may_have_been_billed,
            )
            run = new_run(failed, images, owner, None, "failed", place)
            finished = self.journal.finish(run_id, run)
            self.hooks.finished(params.model, "failed", 0)
            return finished_outcome(failed, finished)
        except Exception:
            self._abandon(run_id)
            raise
        finally:
            if owned:
                client.close()
        outcome = masked(
            RunOutcome(
                params=params,
                output_paths=[],
                elapsed_s=result.elapsed_s,
                request_id=result.request_id,
                revised_prompt=result.revised_prompt,
                notes=list(result.notes),
                metadata=result.metadata,
                backend=backend_name,
                stopped=stopped.is_set(),
            ),
            keys,
        )
        revised = [redact(image.revised_prompt or "", keys) for image in result.images]
        status = "partial" if result.partial else "ok"
        run = new_run(outcome, images, owner, result, status, place, revised)
        finished = self.journal.finish(run_id, run)  # into the spool if the history cannot take it
        self.hooks.finished(params.model, status, len(result.images))
        return finished_outcome(outcome, finished)

    def parent_result(self, owner: Owner, lineage: Lineage) -> Path | None:
        """The result `lineage` continues (None when it continues none); raises UnknownParent
        when it is not one of `owner`'s runs and results (or the run a replay joins is not)."""
        if lineage.joins and self.store.get_run(owner.id, lineage.joins) is None:
            raise UnknownParent(lineage)
        if not lineage.parent:
            return None
        parent = self.store.get_run(owner.id, lineage.parent)
        index = lineage.result_index or 1
        if parent is None or not 1 <= index <= len(parent.output_paths):
            raise UnknownParent(lineage)
        return parent.output_paths[index - 1]

    def _begin(self, sending: RunOutcome, images: list[str], owner: Owner, place: RunPlace) -> str:
        """Records the run as sending (its masked parameters and inputs) and returns its id;
        raises NotJournalled, and nothing is sent, when the history cannot take it, and
        OverBudgetRefused when the run's n would pass its owner's budget (checked and reserved
        in the journalling transaction: history/budgets.py)."""
        run = new_run(sending, images, owner, None, "sending", place)
        try:
            return self.journal.begin(run).id
        except HistoryUnavailable:
            raise NotJournalled() from None
        except OverBudget as over:
            raise OverBudgetRefused.of(over) from None

    def _abandon(self, run_id: str) -> None:
        """An unexpected error after the run was recorded: whether the service got it is
        unknown, so it is marked interrupted at once (it may have been billed)."""
        if not run_id:
            return
        try:
            self.journal.store.mark_interrupted([run_id])
        except Exception:
            logger.exception("run %s stays sending until the next start marks it", run_id)


def new_run(
    outcome: RunOutcome,
    images: list[str],
    owner: Owner,
    result: EditResult | None,
    status: str,
    place: RunPlace,
    revised_prompts: list[str] | None = None,
) -> NewRun:
    """The run as the history records it, from its outcome (already masked), in its place."""
    lineage = place.lineage
    return NewRun(
        owner=owner.id,
        owner_label=owner.label,
        params=outcome.params.as_dict(),
        input_images=[Path(path).read_bytes() for path in images],
        output_images=[image.data for image in result.images] if result else [],
        revised_prompts=revised_prompts or [],
        status=status,
        error=outcome.error,
        elapsed_s=outcome.elapsed_s,
        request_id=outcome.request_id,
        backend=outcome.backend,
        notes=outcome.notes,
        stopped=outcome.stopped,
        comparison=place.comparison,
        batch=place.batch,
        parent=lineage.parent,
        result_index=(lineage.result_index or 1) if lineage.parent else None,
        joins=lineage.joins,
        branch_label=lineage.label,
    )


def finished_outcome(outcome: RunOutcome, finished: Finished) -> RunOutcome:
    """The outcome with where its record went: its id, its results' files, whether spooled;
    a run deleted while it was being made keeps nothing and says so."""
    if finished.deleted:
        return replace(outcome, error=text_in("en", "deleted_while_sending"), output_paths=[])
    return replace(
        outcome,
        run_id=finished.run_id,
        output_paths=list(finished.output_paths),
        spooled=finished.spooled,
    )


def already_prepared(image: PreparedImage, _position: int) -> PreparedImage:
    return image


def masked(outcome: RunOutcome, keys: list[str]) -> RunOutcome:
    """The outcome with every copy of `keys` replaced by ***, wherever text can hold one: the
    parameters (a prompt, `extra`), the error, the request id, the notes and the metadata."""
    if not keys:
        return outcome
    return replace(
        outcome,
        params=EditParams.from_dict(redact(outcome.params.as_dict(), keys)),
        error=redact(outcome.error, keys),
        request_id=redact(outcome.request_id, keys),
        revised_prompt=redact(outcome.revised_prompt, keys),
        notes=redact(outcome.notes, keys),
        metadata=redact(outcome.metadata, keys),
    )


def _reached_service(error: ImageEditError) -> bool:
    """Refusals made before sending (bad values, unusable images) are not runs."""
    return not isinstance(
        error,
        ValidationError
        | InvalidImageError
        | StoppedBeforeSending
        | NotJournalled
        | OverBudgetRefused,
    )
