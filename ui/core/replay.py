"""Replay a line of edits: the prompts from a tree's root down to one run, sent again one after
the other on another model and/or seed, each step on the previous step's first result. No gradio.

A replay is planned before anything is sent (`plan_replay`): every step's parameters are checked
as the runner would check them, so a line the new model cannot take is refused whole, and the
plan says how many images it will make (the cost the page shows and asks about). `run_replay`
then sends the steps in order through the runner (the same journal, fairness and lineage as any
run): the first step joins the replayed tree as a branch of its own, labelled with what changed;
each next step continues the previous one. It stops at the first failure and says which step,
and between steps when Stop is pressed (a step already sent is kept, as any run).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from client import EditParams, ImageEditError
from history import RunDetail
from history.lineage import Lineage
from ui.core.backend import VisitorKey
from ui.core.owner import Owner
from ui.core.runs import Runner, RunOutcome, UnknownParent


@dataclass(frozen=True)
class ReplayPlan:
    """The steps of a replay, root first: the runs replayed and the parameters each is sent
    with; the branch's label and the run whose tree it joins."""

    line: tuple[RunDetail, ...]
    steps: tuple[EditParams, ...]
    label: str
    joins: str

    @property
    def images(self) -> int:
        """How many images the replay makes if every step succeeds: what it costs."""
        return sum(step.n for step in self.steps)

    def inputs_of(self, step: int, previous: RunOutcome | None) -> list[str]:
        """The inputs of a step (0-based): the line's first inputs for the first; after that,
        the previous step's first result in place of the lineage input (input 1), and the
        step's own other inputs (a fusion's extra pictures) after it."""
        own = [str(path) for path in self.line[step].input_paths]
        if previous is None:
            return own
        return [str(previous.output_paths[0]), *own[1:]]


class StepRefused(ImageEditError, ValueError):
    """A step of the line would be refused on the replay's model: the whole replay is refused,
    naming the step (1-based) and why; nothing was sent."""

    def __init__(self, step: int, error: ImageEditError) -> None:
        super().__init__(f"step {step}: {error}")
        self.step = step
        self.reason = error


@dataclass
class ReplayOutcome:
    """What came of a replay: the new branch's run ids in order, and where it stopped."""

    run_ids: list[str] = field(default_factory=list)
    failed_step: int | None = None
    """The 1-based step that failed, if one did: the steps after it were not sent."""
    error: str | None = None
    stopped: bool = False


def plan_replay(
    runner: Runner, owner: Owner, run_id: str, model: str | None, seed: int | None
) -> ReplayPlan:
    """The replay of the line from `run_id`'s root (or first run after a gap) down to it, on
    `model` (None: each step's own) with `seed` (None: a new one drawn for each step). Raises
    UnknownParent for a run that is not `owner`'s and ValidationError (naming the step) for a
    step the model would refuse; nothing is sent."""
    tree = runner.store.tree(owner.id, run_id)
    if tree is None:
        raise UnknownParent(Lineage(joins=run_id))
    line = [runner.store.get_run(owner.id, node.id) for node in tree.line(run_id)]
    if any(run is None for run in line):
        raise UnknownParent(Lineage(joins=run_id))  # deleted while it was planned
    steps = []
    for number, run in enumerate(line, start=1):
        params = EditParams.from_dict(run.params)
        step = replace(params, model=model or params.model, seed=seed)
        try:
            runner.check(step, [str(path) for path in run.input_paths])
        except ImageEditError as error:
            raise StepRefused(number, error) from None
        steps.append(step)
    return ReplayPlan(tuple(line), tuple(steps), branch_label(model, seed), run_id)


def branch_label(model: str | None, seed: int | None) -> str:
    """What a replay changed, in words any language reads: `model=…` and `seed=…`."""
    changes = [f"model={model}" if model else "", f"seed={seed}" if seed is not None else ""]
    return ", ".join(change for change in changes if change) or "seed=new"


def run_replay(
    runner: Runner,
    plan: ReplayPlan,
    owner: Owner,
    visitor_key: VisitorKey | None,
    stopped: threading.Event | None = None,
    on_step: Callable[[int, RunOutcome], None] | None = None,
) -> ReplayOutcome:
    """Sends the plan's steps in order; stops at the first failure (a refusal, an error, or a
    step with no result to go on from) and, between steps, when `stopped` is set. `on_step`
    hears each finished step (1-based) as it lands."""
    stopped = stopped or threading.Event()
    done = ReplayOutcome()
    previous: RunOutcome | None = None
    for index, step in enumerate(plan.steps):
        if stopped.is_set():
            done.stopped = True
            break
        lineage = (
            Lineage(joins=plan.joins, label=plan.label)
            if previous is None
            else Lineage(previous.run_id, 1)
        )
        try:
            inputs = plan.inputs_of(index, previous)
            outcome = runner.run(step, inputs, owner, visitor_key, stopped, lineage=lineage)
        except ImageEditError as error:
            done.failed_step, done.error = index + 1, str(error)
            break
        if outcome.run_id:
            done.run_ids.append(outcome.run_id)
        if on_step:
            on_step(index + 1, outcome)
        if outcome.error or not outcome.output_paths or not outcome.run_id:
            done.failed_step = index + 1
            done.error = outcome.error or "no result to go on from"
            break
        previous = outcome
    return done
