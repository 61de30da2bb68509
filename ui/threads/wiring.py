"""Which handler answers which event of edit threads in History: the opened run's tree (drawn
when a run is opened, a click on one of its runs opens that run) and Replay this line.

Public endpoints: `history_tree` (a run id: its tree as JSON) and `replay` (a run id, a model or
"same", a seed or "": the new branch's run ids). The page's Replay asks first (what it sends and
costs), then sends as a job of the session that Stop ends between steps.
"""

from __future__ import annotations

import gradio as gr

from ui.core.context import PageContext
from ui.core.events import AT_ONCE, PRIVATE, QUIET
from ui.core.page import HistoryHooks
from ui.threads.handlers import ThreadHandlers
from ui.threads.parts import ThreadPanel, build_thread_panel


def add_threads(ctx: PageContext, history: HistoryHooks) -> None:
    """The tree and Replay under History's opened run."""
    with history.below_actions:
        panel = build_thread_panel()
    threads = ThreadHandlers(ctx, panel, history.run_id)
    _wire_tree(panel, history, threads)
    _wire_replay(ctx, panel, history, threads)


def _wire_tree(panel: ThreadPanel, history: HistoryHooks, threads: ThreadHandlers) -> None:
    history.run_id.change(threads.show_tree, history.run_id, panel.tree, **QUIET)
    panel.tree.click(threads.open_node, None, history.run_id, **QUIET)
    tree_api = {"api_name": "history_tree", **AT_ONCE}
    gr.on([], threads.history_tree, history.run_id, panel.tree_json, **tree_api)


def _wire_replay(
    ctx: PageContext, panel: ThreadPanel, history: HistoryHooks, threads: ThreadHandlers
) -> None:
    asked = [history.run_id, panel.model, panel.seed]
    shown = {panel.confirm_row, panel.cost, panel.status}
    panel.replay.click(threads.ask, asked, shown, **QUIET)
    panel.cancel.click(lambda: gr.update(visible=False), None, panel.confirm_row, **QUIET)
    queued = {**PRIVATE, **ctx.edit_queue}
    going = panel.confirm.click(
        threads.replay_on_page, asked, {panel.confirm_row, panel.status}, **queued
    )
    history.relist(going.then)
    panel.stop.click(threads.stop, None, None, **QUIET)
    api = {"api_name": "replay", **ctx.edit_queue}
    gr.on([], threads.replay, asked, panel.replayed, **api)
