"""What the version tree and Replay do: draw the opened run's tree, open a run clicked in it, and
replay the line down to the opened run on another model or seed, after saying what it costs.

The endpoints `history_tree` (a run id: its tree as JSON) and `replay` (a run id, a model, a
seed: the new branch's run ids) act for the caller's own identity like every history endpoint:
a run that is not theirs is unknown. A replay is a job of the caller's session (one at a time,
Stop ends it between steps), each step admitted against the visitor's bound like any run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import gradio as gr

from client import ImageEditError
from ui.core.context import PageContext
from ui.core.controls import read_seed
from ui.core.jobs import AlreadyRunning, Job, TooManyInFlight
from ui.core.replay import ReplayOutcome, ReplayPlan, plan_replay, run_replay
from ui.core.run_words import problem_text
from ui.core.session_usage import session_of
from ui.core.texts import language_of, say
from ui.core.usage import cost_text, images_text
from ui.threads.parts import SAME_MODELS, ThreadPanel
from ui.threads.tree_view import tree_html

POLL_S = 0.5
"""How often the page's replay event looks at the job for finished steps."""


class ThreadHandlers:
    def __init__(self, ctx: PageContext, panel: ThreadPanel, opened: gr.Textbox) -> None:
        self.ctx = ctx
        self.panel = panel
        self.opened = opened
        """History's opened run id, which a click on a run of the tree sets."""

    # -- the tree -------------------------------------------------------------------------------

    def show_tree(self, run_id: str, request: gr.Request) -> dict:
        """The opened run's tree, shown when it holds more than the run itself."""
        owner = self.ctx.owner(request)
        tree = self.ctx.store.tree(self.ctx.visible_to(owner), run_id) if run_id else None
        if tree is None or len(tree.nodes) < 2:
            return {self.panel.tree: gr.update(value="", visible=False)}
        drawn = tree_html(tree, run_id, self.ctx.gate.thumbnail, language_of(request))
        return {self.panel.tree: gr.update(value=drawn, visible=True)}

    def open_node(self, event: gr.EventData) -> dict:
        run_id = str((getattr(event, "_data", None) or {}).get("run", ""))
        return {self.opened: run_id} if run_id.isalnum() else {self.opened: gr.skip()}

    def history_tree(self, run_id: str, request: gr.Request) -> dict:
        """The tree of one of your runs: {"root": id, "nodes": [{"id", "parent",
        "result_index", "prompt", "model", "seed", "status", "created_at", "branch_label"}]}."""
        owner = self.ctx.owner(request)
        tree = self.ctx.store.tree(self.ctx.visible_to(owner), (run_id or "").strip())
        if tree is None:
            raise gr.Error(say(request, "run_gone"))
        return {self.panel.tree_json: tree.as_json()}

    # -- replay ---------------------------------------------------------------------------------

    def _plan(self, run_id: str, model: str, seed: str, request: Any) -> ReplayPlan:
        owner = self.ctx.owner(request)
        chosen = None if model in ("", None, SAME_MODELS) else model
        return plan_replay(
            self.ctx.runner, owner, (run_id or "").strip(), chosen, read_seed(seed, False)
        )

    def ask(self, run_id: str, model: str, seed: str, request: gr.Request) -> dict:
        """What Replay will send and cost, asked before anything is sent."""
        try:
            plan = self._plan(run_id, model, seed, request)
        except ImageEditError as error:
            return self._said(problem_text(error, request))
        language = language_of(request)
        by_model: dict[str, int] = {}
        for step in plan.steps:
            by_model[step.model] = by_model.get(step.model, 0) + step.n
        cost = images_text(plan.images, language) + cost_text(
            by_model, self.ctx.config.prices, language
        )
        question = say(request, "replay_ask", steps=len(plan.steps), cost=cost)
        return {
            self.panel.confirm_row: gr.update(visible=True),
            self.panel.cost: question,
            self.panel.status: "",
        }

    def _said(self, text: str) -> dict:
        return {self.panel.confirm_row: gr.update(visible=False), self.panel.status: text}

    def replay_on_page(
        self, run_id: str, model: str, seed: str, request: gr.Request
    ) -> Iterator[dict]:
        """Sends the replay as a job of this session, telling each step as it lands."""
        steps: list[str] = []
        try:
            plan = self._plan(run_id, model, seed, request)
            job = self._start(plan, request, steps)
        except (ImageEditError, AlreadyRunning, TooManyInFlight) as error:
            yield self._said(self._refusal(error, request))
            return
        total = len(plan.steps)
        yield self._said(say(request, "replay_going", done=0, steps=total))
        while not job.wait(POLL_S):
            yield {self.panel.status: say(request, "replay_going", done=len(steps), steps=total)}
        yield {self.panel.status: self._ended(job, total, steps, request)}

    def _start(self, plan: ReplayPlan, request: Any, steps: list[str]) -> Job:
        owner = self.ctx.owner(request)
        job = Job(owner.id, session_of(request, owner.id), plan.line[-1].prompt, "", "replay")

        def heard(_step: int, outcome: Any) -> None:
            steps.append(outcome.run_id or "")

        def work(stopped: threading.Event) -> ReplayOutcome:
            return run_replay(self.ctx.runner, plan, owner, None, stopped, on_step=heard)

        return self.ctx.jobs.start(job, work, 1, self.ctx.config.max_runs_per_visitor)

    def _ended(self, job: Job, total: int, steps: list[str], request: Any) -> str:
        """The replay's last word: done, failed at a step, or stopped (a step in flight when
        Stop was pressed still lands, and is kept)."""
        if job.error is not None:
            return self._refusal(job.error, request)
        done: ReplayOutcome | None = job.outcome if job.done.is_set() else None
        if done is not None and done.failed_step:
            return say(
                request, "replay_failed", step=done.failed_step, steps=total, error=done.error
            )
        if done is None or done.stopped or len(done.run_ids) < total:
            return say(request, "replay_stopped", done=len(steps), steps=total)
        return say(request, "replay_done", steps=total)

    def _refusal(self, error: BaseException, request: Any) -> str:
        if isinstance(error, AlreadyRunning):
            return say(request, "replay_busy")
        if isinstance(error, TooManyInFlight):
            return say(request, "too_many_in_flight", **error.values)
        if isinstance(error, ImageEditError):
            return say(request, "replay_refused", error=problem_text(error, request))
        return say(request, "replay_refused", error=type(error).__name__)

    def stop(self, request: gr.Request) -> None:
        owner = self.ctx.owner(request)
        self.ctx.jobs.stop(session_of(request, owner.id))

    def replay(self, run_id: str, model: str, seed: str, request: gr.Request) -> dict:
        """Replay the line of edits from the tree's root down to one of your runs, on another
        model and/or seed: each step's prompt again, on the previous step's first result. It
        stops at the first failure. Returns {"run_ids": [...], "images": planned,
        "failed_step": n or null, "error": words or null}."""
        try:
            plan = self._plan(run_id, model, seed, request)
        except ImageEditError as error:
            raise gr.Error(problem_text(error, request)) from None
        owner = self.ctx.owner(request)
        try:
            with self.ctx.jobs.admit(owner.id, 1, self.ctx.config.max_runs_per_visitor):
                done = run_replay(self.ctx.runner, plan, owner, None)
        except TooManyInFlight as bound:
            raise gr.Error(say(request, "too_many_in_flight", **bound.values)) from None
        return {
            self.panel.replayed: {
                "run_ids": done.run_ids,
                "images": plan.images,
                "failed_step": done.failed_step,
                "error": done.error,
            }
        }
