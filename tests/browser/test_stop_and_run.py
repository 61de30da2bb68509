"""Issue 22, item 1 and part of item 8, in a real Chromium: Stop leaves the page ready for the next
run at once (the stopped request finishes in the background and is kept in History, marked
stopped), and the status says a run waits for a free slot only when it really does.

The app sends to the test simulator, whose first request is scripted to be slow: the next run is
sent and answered while the stopped one is still at the service, which the simulator's request
log shows (an order, not a clock).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator
from tests.browser.test_page import DESKTOP, PHONE

pytestmark = pytest.mark.browser

SLOW_S = 20
"""The stopped request's time at the service: far longer than a run of the idle simulator."""

WATCH_STATUS_JS = """() => {
    window.statusLog = [];
    const status = document.querySelector('#run-status');
    const note = () => window.statusLog.push(status.innerText);
    new MutationObserver(note).observe(
        status, {childList: true, subtree: true, characterData: true});
}"""
"""Records every text the status line shows, however briefly."""


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    with app_on_simulator(simulator, tmp_path_factory.mktemp("stop-and-run")) as running:
        yield running


@pytest.fixture(scope="module")
def one_slot_app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("one-slot")
    with app_on_simulator(simulator, root, MAX_CONCURRENT_RUNS="1") as running:
        yield running


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "photo.png"
    Image.new("RGB", (640, 480), (60, 140, 90)).save(path)
    return path


def open_page(browser, app: AppProcess, photo: Path, viewport: dict, locale: str = "en-US"):
    """The page with the photo added and its status line watched."""
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(app.url)
    page.locator("#run-button").wait_for()
    page.locator("#input-images input[type=file]").set_input_files([str(photo)])
    page.locator("#input-images img").first.wait_for()
    page.evaluate(WATCH_STATUS_JS)
    return page


def run(page, prompt: str) -> None:
    page.locator("#prompt textarea").fill(prompt)
    page.locator("#run-button").click()


def run_then_stop(page, prompt: str, running: str, stopped: str) -> None:
    """Runs `prompt`, and stops it once the status says it is at the service."""
    run(page, prompt)
    page.locator("#run-status").get_by_text(running).first.wait_for(timeout=30_000)
    page.locator("#stop-button").click()
    page.locator("#run-status").get_by_text(stopped).first.wait_for()


def simulator_log(sim: RunningServer) -> dict:
    return httpx2.get(sim.origin + "/_simulator/requests").json()


def prompts_sent(log: dict) -> list[str]:
    return [request["prompt"] for request in log["requests"]]


def wait_until_answered(page, sim: RunningServer) -> None:
    """Until the simulator has answered every request (the stopped one comes back last)."""
    for _ in range(SLOW_S * 4):
        if not simulator_log(sim)["in_flight"]:
            return
        page.wait_for_timeout(500)
    raise AssertionError("the stopped request never came back")


def history_caption(page, prompt: str, status: str) -> str:
    """The History entry of `prompt` once it shows `status` (refreshing while it is recorded)."""
    page.get_by_role("tab", name="History").click()
    entry = page.locator("#history-gallery").get_by_text(prompt).first
    for _ in range(20):
        page.get_by_role("button", name="Refresh").click()
        if entry.count() and status in entry.inner_text():
            break
        page.wait_for_timeout(500)
    return entry.inner_text()


def statuses(page) -> list[str]:
    return page.evaluate("() => window.statusLog")


def test_a_run_on_an_idle_app_never_says_it_waits_for_a_slot(browser, app, sim, photo, tmp_path):
    page = open_page(browser, app, photo, DESKTOP)
    run(page, "an edit with the service to itself")
    page.locator("#results img").first.wait_for(timeout=30_000)
    assert not [text for text in statuses(page) if "Waiting for a free slot" in text]
    page.screenshot(path=str(tmp_path / "idle-run.png"))
    page.close()


def test_after_stop_the_next_run_is_sent_and_shown_while_the_stopped_one_is_still_out(
    browser, app, sim, photo, tmp_path
):
    httpx2.post(sim.origin + "/_simulator/faults", json=[{"delay_s": SLOW_S}]).raise_for_status()
    page = open_page(browser, app, photo, DESKTOP)
    run_then_stop(page, "the stopped edit", "Running", "Stopped.")
    assert page.locator("#run-button").is_enabled()
    run(page, "the next edit")
    page.locator("#results img").first.wait_for(timeout=30_000)
    log = simulator_log(sim)  # it lists a request once answered
    assert prompts_sent(log) == ["the next edit"] and log["in_flight"] == 1, (
        "the next run must be answered while the stopped request is still at the service"
    )
    status = page.locator("#run-status").inner_text()
    assert f"seed {log['requests'][0]['seed']}" in status and "Stopped" not in status
    assert not [text for text in statuses(page) if "Waiting for a free slot" in text]
    page.screenshot(path=str(tmp_path / "next-run.png"))

    wait_until_answered(page, sim)
    assert prompts_sent(simulator_log(sim)) == ["the next edit", "the stopped edit"]
    assert "stopped" in history_caption(page, "the stopped edit", "stopped")
    assert "done" in history_caption(page, "the next edit", "done")
    page.close()


def test_with_one_slot_the_next_run_says_it_waits_for_the_stopped_one_then_runs(
    browser, one_slot_app, sim, photo, tmp_path
):
    httpx2.post(sim.origin + "/_simulator/faults", json=[{"delay_s": SLOW_S}]).raise_for_status()
    page = open_page(browser, one_slot_app, photo, PHONE, locale="zh-CN")
    run_then_stop(page, "the stopped edit", "运行中", "已停止")
    run(page, "the next edit")
    waiting = page.locator("#run-status").get_by_text("正在等待空闲位置")
    waiting.wait_for(timeout=30_000)
    assert "1 个是你之前仍在服务端处理的运行" in page.locator("#run-status").inner_text()
    assert simulator_log(sim)["in_flight"] == 1  # the stopped request holds the only slot
    page.screenshot(path=str(tmp_path / "waiting-phone-zh.png"))
    page.locator("#results img").first.wait_for(timeout=(SLOW_S + 30) * 1000)
    log = simulator_log(sim)  # one slot: the next edit went once the stopped one came back
    assert prompts_sent(log) == ["the stopped edit", "the next edit"]
    assert log["max_in_flight"] == 1
    page.screenshot(path=str(tmp_path / "next-run-phone-zh.png"))
    page.close()
