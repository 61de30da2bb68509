"""The Compare button's handler as the session's one job, over the live simulator and a real
SQLite history: a second click sends nothing, Compare during a Run is refused, Stop keeps the
cells not sent yet from being sent, and the job ends (with a cell to offer) when every cell has.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import httpx2
import pytest
from PIL import Image

from client import EditParams, ImageEditClient
from client.preparation import PreparationCache
from history import HistoryStore
from ui.comparison.handlers import CompareHandlers
from ui.comparison.parts import (
    CompareAnswer,
    CompareSection,
    HistoryComparison,
    build_compare_answer,
    build_compare_section,
    build_history_comparison,
)
from ui.core.backend import Backend
from ui.core.config import AppConfig
from ui.core.context import PageContext
from ui.core.controls import page_values
from ui.core.jobs import Job
from ui.core.runs import Runner

BOTH = ["qwen-image-2.0-pro", "wan2.7-image-pro"]


def page_context(sim, root: Path, slots: int, per_visitor: int = 16) -> PageContext:
    store = HistoryStore(root / "history")
    client = ImageEditClient(api_key="test-key", base_url=sim.base_url)
    backend = Backend("api", client, sim.base_url)
    runner = Runner(backend, store, PreparationCache(), max_sending=slots)
    config = AppConfig(
        history_dir=root / "history", max_concurrent_runs=slots, max_runs_per_visitor=per_visitor
    )
    return PageContext(config, backend, store, runner, secret=b"s" * 32)


@pytest.fixture(scope="module")
def parts() -> tuple[CompareSection, HistoryComparison, CompareAnswer]:
    """The comparison's parts, as the page builds them. Built inside a running loop: without
    one, Gradio opens an event loop for each of its locks and never closes it."""

    async def build() -> tuple[CompareSection, HistoryComparison, CompareAnswer]:
        with gr.Blocks():
            return build_compare_section(), build_history_comparison(), build_compare_answer()

    return asyncio.run(build())


@pytest.fixture(scope="module")
def section(parts) -> CompareSection:
    return parts[0]


def bound(context: PageContext, parts) -> CompareHandlers:
    return CompareHandlers(context, *parts)


@pytest.fixture
def ctx(sim, tmp_path):
    context = page_context(sim, tmp_path, slots=4)
    yield context
    closed(context)


@pytest.fixture
def one_slot(sim, tmp_path):
    context = page_context(sim, tmp_path, slots=1)
    yield context
    closed(context)


def closed(context: PageContext) -> None:
    context.backend.client.close()
    context.store.close()


def visitor(session: str = "page-1", language: str = "en") -> SimpleNamespace:
    return SimpleNamespace(
        username="tester", session_hash=session, headers={"accept-language": language}
    )


@pytest.fixture
def values(tmp_path) -> dict:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (30, 120, 200)).save(path)
    return {**page_values(EditParams(prompt="compare me")), "images": [(str(path), None)]}


def sent(sim) -> list[dict]:
    return httpx2.get(sim.origin + "/_simulator/requests").json()["requests"]


def delay(sim, seconds: float, count: int = 4) -> None:
    faults = [{"delay_s": seconds}] * count
    httpx2.post(sim.origin + "/_simulator/faults", json=faults).raise_for_status()


def compare(handlers, values, seeds="1, 2", models=BOTH, request=None) -> list[dict]:
    """Every update the Compare click yields, to the last."""
    request = request or visitor()
    return list(handlers.compare_from_page(request, grid_models=models, grid_seeds=seeds, **values))


def test_a_second_click_while_the_comparison_goes_sends_nothing_and_changes_nothing(
    ctx, sim, values, parts, section
):
    delay(sim, 1.0)
    handlers = bound(ctx, parts)
    first_updates: list[dict] = []
    first = threading.Thread(target=lambda: first_updates.extend(compare(handlers, values)))
    first.start()
    while not ctx.jobs.running("user:tester"):
        time.sleep(0.01)
    second = compare(handlers, values)
    first.join(30)
    assert second == [gr.skip()]  # every output as it was
    assert len(sent(sim)) == 4
    assert "4 of 4 cells" in first_updates[-1][section.status]
    comparisons = {ctx.store.get_run("user:tester", run.id).comparison for run in _runs(ctx)}
    assert len(comparisons) == 1


def _runs(ctx: PageContext) -> list:
    return ctx.store.list_runs("user:tester")


def test_compare_while_a_run_goes_is_refused_and_clears_the_grid(ctx, sim, values, parts, section):
    running = ctx.jobs.claim(Job("user:tester", "page-1", "a run", BOTH[0]))
    [refused] = compare(bound(ctx, parts), values)
    assert set(refused) == {section.status, section.grid}  # Compare and Stop as they were
    assert "Not run" in refused[section.status]
    assert "your run is still going" in refused[section.status]
    assert refused[section.grid] == ""
    ctx.jobs.finish(running)
    assert sent(sim) == []


def test_the_job_ends_with_a_cell_to_offer_and_the_session_may_compare_again(
    ctx, sim, values, parts, section
):
    handlers = bound(ctx, parts)
    compare(handlers, values, seeds="3")
    [job] = ctx.jobs.finished_since("user:tester", 0.0)
    assert job.kind == "comparison" and job.done.is_set()
    assert ctx.store.get_run("user:tester", job.outcome.run_id).comparison
    assert "2 of 2 cells" in compare(handlers, values, seeds="4")[-1][section.status]
    assert len(sent(sim)) == 4


def test_stop_keeps_the_cells_not_sent_yet_from_being_sent(one_slot, sim, values, parts, section):
    delay(sim, 1.5)
    handlers = bound(one_slot, parts)
    updates: list[dict] = []
    going = threading.Thread(target=lambda: updates.extend(compare(handlers, values)))
    going.start()
    deadline = time.monotonic() + 10
    while not httpx2.get(sim.origin + "/_simulator/requests").json()["in_flight"]:
        assert time.monotonic() < deadline, "the first cell never reached the service"
        time.sleep(0.02)
    stopping = handlers.stop_comparison(visitor())
    assert set(stopping) == {section.status, section.stop}
    assert "Stopping" in stopping[section.status] and stopping[section.stop]["visible"] is False
    going.join(30)
    assert len(sent(sim)) == 1  # one slot: the first cell was at the service, three waited
    final_status, grid = updates[-1][section.status], updates[-2][section.grid]
    assert grid.count("Stopped before it was sent: nothing was billed.") == 3
    assert "Failed" not in grid
    assert "1 of 4 cells" in final_status and "3 not sent" in final_status
    assert updates[-1][section.stop]["visible"] is False  # Stop goes once the cells have ended
    assert updates[-1][section.button]["interactive"] is True  # Compare is ready again
    assert section.grid not in updates[-1]  # the grid stays as the cells left it
    [kept] = _runs(one_slot)
    assert one_slot.store.get_run("user:tester", kept.id).stopped


@pytest.mark.parametrize(
    ("seeds", "models", "problem"),
    [("-1", BOTH, "-1 is not a seed"), ("1", ["nope", "nope"], "nope is given twice")],
)
def test_a_refused_compare_clears_the_grid_shown_before(
    ctx, sim, values, seeds, models, problem, parts, section
):
    handlers = bound(ctx, parts)
    shown = compare(handlers, values, seeds="5")[-2][section.grid]
    assert "<table" in shown
    [refused] = compare(handlers, values, seeds=seeds, models=models)
    assert problem in refused[section.status] and refused[section.grid] == ""


def test_the_plan_says_what_compare_would_refuse_and_which_model_to_untick(
    ctx, values, parts, section
):
    handlers = bound(ctx, parts)
    many = {**values, "n": 6}
    line = handlers.plan(visitor(), grid_models=BOTH, grid_seeds="1, 2", **many)
    assert line.startswith("⚠") and "Will make" not in line
    assert "wan2.7-image-pro: n must be" in line and "Untick wan2.7-image-pro" in line
    [refused] = compare(handlers, many)
    assert "wan2.7-image-pro: n must be" in refused[section.status]
    only_qwen = handlers.plan(visitor(), grid_models=BOTH[:1], grid_seeds="1, 2", **many)
    assert only_qwen.startswith("Will make 12 images")


@pytest.mark.parametrize("seeds", ["", "1, x", "1, 1"])
def test_the_plan_hints_how_to_type_seeds_until_they_are_seeds(ctx, values, seeds, parts):
    line = bound(ctx, parts).plan(visitor(), grid_models=BOTH, grid_seeds=seeds, **values)
    assert line == "Type one to four seeds, e.g. 1, 2"


def test_a_reason_every_model_shares_is_said_once(ctx, values, parts, section):
    unprompted = {**values, "prompt": ""}
    [refused] = compare(bound(ctx, parts), unprompted)
    reason = refused[section.status].split("Nothing was sent. ")[1]
    assert not any(model in reason for model in BOTH) and "Untick" not in reason


def test_refusals_follow_the_browsers_language(ctx, values, parts, section):
    [refused] = compare(bound(ctx, parts), values, seeds="-1", request=visitor(language="zh"))
    status = refused[section.status]
    assert "未运行" in status and "-1 不是种子" in status
    with pytest.raises(Exception, match="不属于你历史中的任何对比"):
        bound(ctx, parts).open_comparison("no-such-run", visitor(language="zh"))


@pytest.fixture
def bounded(sim, tmp_path):
    """At most six requests in flight per visitor."""
    context = page_context(sim, tmp_path, slots=4, per_visitor=6)
    yield context
    closed(context)


def test_a_comparison_beyond_the_visitors_bound_is_refused_and_sends_nothing(
    bounded, sim, values, parts, section
):
    other_tab = bounded.jobs.admit("user:tester", 3, 6)  # e.g. /edit calls from another session
    [refused] = compare(bound(bounded, parts), values, request=visitor("page-2"))
    status = refused[section.status]
    assert "Not run" in status and "You already have 3 requests queued or running" in status
    assert "asks for 4 more" in status and "at most 6 at once" in status
    assert "wait for yours to finish" in status
    assert sent(sim) == [] and not bounded.jobs.running("user:tester")
    other_tab.close()
    assert "4 of 4 cells" in compare(bound(bounded, parts), values)[-1][section.status]
    assert len(sent(sim)) == 4


def test_a_finished_comparisons_cells_no_longer_count_under_the_bound(bounded, sim, values, parts):
    compare(bound(bounded, parts), values)
    for _ in range(6):  # the comparison's four cells no longer count once they ended
        bounded.jobs.admit("user:tester", 1, 6)


def test_the_bound_refusal_speaks_the_browsers_language(bounded, values, parts, section):
    with bounded.jobs.admit("user:tester", 6, 6):
        [refused] = compare(bound(bounded, parts), values, request=visitor(language="zh"))
    assert "你已有 6 个请求在排队或运行" in refused[section.status]
