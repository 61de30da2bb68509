"""History's and Share's handlers name the parts they fill ({part: value}); Gradio refuses a
part that is not among the event's outputs, but only in the browser. Here each handler's answer
is checked against the outputs its events declare, without a browser."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pytest

from history import HistoryStore
from ui.core.jobs import Jobs
from ui.core.owner import resolve_owner
from ui.core.page import EditorTarget
from ui.core.picture_gate import PictureGate
from ui.core.served_files import UploadCopies
from ui.history.handlers import HistoryHandlers
from ui.history.parts import build_finished_notice, build_history_tab
from ui.share.handlers import ShareHandlers
from ui.share.parts import build_share_button, build_share_panel, build_shared_tab

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
"""Building Blocks leaves event loops and sockets of Gradio's to the garbage collector."""

ALICE = SimpleNamespace(username="alice", query_params={})


@pytest.fixture
def page(tmp_path):
    store = HistoryStore(tmp_path / "history")
    ctx = SimpleNamespace(
        store=store,
        jobs=Jobs(),
        uploads=UploadCopies(),
        gate=PictureGate(store, tmp_path / "cache" / "gate", b"secret", shared_scope=False),
        owner=lambda request: resolve_owner(request, b"secret"),
        visible_to=lambda owner: owner.id,
    )
    with gr.Blocks():
        notice = build_finished_notice()
        with gr.Tabs() as tabs:
            view = build_shared_tab()
            with gr.Tab("edit"):
                images = gr.Gallery()
                controls = {"prompt": gr.Textbox()}
            tab = build_history_tab(notice)
            with tab.below_actions:
                panel = build_share_panel(build_share_button())
    editor = EditorTarget(images, controls, tabs, run_after=lambda event: event)
    yield HistoryHandlers(ctx, tab, editor), ShareHandlers(ctx, panel, view, editor)
    store.close()


def filled(answer: dict) -> set[int]:
    return {id(part) for part in answer}


def declared(outputs: list) -> set[int]:
    return {id(part) for part in outputs}


def test_history_answers_fill_every_declared_output(page):
    history, _ = page
    listed = history.list_history("", "All models", ALICE)
    assert filled(listed) == declared(history.listed)
    more = history.more_history("", "All models", [], ALICE)
    assert filled(more) == declared(history.listed)
    assert filled(history.open_run("nothing-here", ALICE)) == declared(history.opened)
    assert filled(history.reopen("a-run", ALICE)) == declared(history.reopened)


def test_history_answers_nothing_while_no_run_is_going_or_done(page):
    history, _ = page
    assert history.watch_runs(ALICE) == gr.skip()
    polled = history.poll_runs("", "All models", None, ALICE)
    assert filled(polled) == declared(history.polled)
    assert declared(history.noticed) <= declared(history.polled)


def test_share_answers_fill_every_declared_output(page):
    _, shares = page
    assert filled(shares.list_links("nothing-here", "", ALICE)) == declared(shares.listed)
    assert filled(shares.show("no-such-token", ALICE)) == declared(shares.shown)
    assert shares.token_from_page(ALICE) == gr.skip()
    opened = shares.token_from_page(SimpleNamespace(query_params={"share": " tok "}))
    assert filled(opened) == declared(shares.opened_tab)
    assert opened[shares.view.token] == "tok"


def test_api_outputs_keep_their_order(page):
    history, shares = page
    tab, view = history.tab, shares.view
    assert history.listed == [tab.gallery, tab.shown_runs, tab.more, tab.empty]
    assert history.opened == [
        tab.detail,
        tab.detail_text,
        tab.detail_inputs,
        tab.detail_outputs,
        tab.detail_params,
        tab.confirm_row,
    ]
    assert history.deleted == [*history.listed, tab.detail, tab.run_id, tab.confirm_row]
    assert shares.shown == [view.text, view.inputs, view.outputs, view.params]
