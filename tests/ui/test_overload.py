"""An overloaded app refuses new edits with a message instead of queueing without end.

MAX_CONCURRENT_RUNS=1 gives a queue of four waiting runs, and MAX_RUNS_PER_VISITOR=1 one more
edit at work (waiting for the slot); one slow upstream answer keeps the single running edit busy
while more callers (each a visitor of their own) arrive than the queue holds.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.utils import QueueError
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator

CALLERS = 8
ADMITTED_AT_MOST = (1 + 1) + 4
"""Edits at work (AppConfig.edit_workers), then the queue."""


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("overload")
    with app_on_simulator(
        simulator, root, MAX_CONCURRENT_RUNS="1", MAX_RUNS_PER_VISITOR="1"
    ) as running:
        yield running


@pytest.fixture
def slow_upstream(simulator: RunningServer) -> Iterator[None]:
    faults = simulator.origin + "/_simulator/faults"
    httpx2.delete(faults).raise_for_status()
    httpx2.post(faults, json=[{"delay_s": 3.0}]).raise_for_status()
    yield
    httpx2.delete(faults).raise_for_status()


def test_callers_beyond_the_queue_bound_are_refused_and_the_rest_are_served(
    app, slow_upstream, tmp_path
):
    picture = tmp_path / "in.png"
    Image.new("RGB", (640, 480), "teal").save(picture)
    jobs = [
        caller.submit(images=[handle_file(str(picture))], prompt=f"caller {i}", api_name="/edit")
        for i, caller in enumerate(callers(app, tmp_path))
    ]
    served, refused = 0, []
    for job in jobs:
        try:
            gallery = job.result()[0]
        except QueueError as error:
            refused.append(str(error))
        else:
            served += len(gallery)
    assert refused, "some callers should have been turned away"
    assert all("Queue is full" in message for message in refused)
    assert served == CALLERS - len(refused) and served <= ADMITTED_AT_MOST


@pytest.mark.browser
def test_history_answers_while_the_edit_queue_is_full(app, simulator, tmp_path):
    """Listing, opening, restoring and deleting runs, and the first page load, never wait
    behind edits: one edit holds the only slot for a while and four more fill the queue."""
    from tests.chromium import chromium

    picture = tmp_path / "in.png"
    Image.new("RGB", (640, 480), "olive").save(picture)
    faults = simulator.origin + "/_simulator/faults"
    httpx2.delete(faults).raise_for_status()
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app.url)
        page.locator("#input-images input[type=file]").set_input_files([str(picture)])
        page.locator("#input-images img").first.wait_for()
        page.get_by_label("Prompt", exact=True).fill("made before the rush")
        page.get_by_role("button", name="Run", exact=True).click()
        page.locator("#results img").first.wait_for(timeout=60_000)

        httpx2.post(faults, json=[{"delay_s": 15.0}]).raise_for_status()
        refused = fill_the_edit_queue(app, picture, tmp_path)
        try:
            assert "Queue is full" in refused
            page.reload()
            page.get_by_role("tab", name="History").click()
            entry = page.locator("#history-gallery").get_by_text("made before the rush")
            entry.wait_for(timeout=5_000)
            page.locator("#history-gallery img").first.click()
            page.locator("#run-detail").get_by_text(
                "Prompt: made before the rush", exact=True
            ).wait_for(timeout=5_000)
            page.get_by_role("button", name="Restore into editor").click()
            page.wait_for_function(
                "document.querySelector('#prompt textarea').value === 'made before the rush'",
                timeout=5_000,
            )
            page.get_by_role("tab", name="History").click()
            page.get_by_role("button", name="Delete…").click()  # asks once more
            page.get_by_role("button", name="Yes, delete it").click()
            entry.wait_for(state="detached", timeout=5_000)
            page.screenshot(path=str(tmp_path / "history-while-queue-full.png"))
            assert page.get_by_text("Queue is full").count() == 0
        finally:
            httpx2.delete(faults).raise_for_status()


def fill_the_edit_queue(app: AppProcess, picture, tmp_path) -> str:
    """Submits more edits than the queue holds; returns the message of the first one refused."""
    jobs = [
        caller.submit(images=[handle_file(str(picture))], prompt=f"rush {i}", api_name="/edit")
        for i, caller in enumerate(callers(app, tmp_path))
    ]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for job in jobs:
            if job.done() and isinstance(job.exception(), QueueError):
                return str(job.exception())
        time.sleep(0.1)
    raise AssertionError("the queue never filled up")


def callers(app: AppProcess, tmp_path) -> list[Client]:
    """CALLERS visitors, each with an owner cookie of their own (one visitor could not have
    more than MAX_RUNS_PER_VISITOR edits at work), connected before any of them submits."""
    downloads = str(tmp_path / "downloads")
    return [Client(app.url, verbose=False, download_files=downloads) for _ in range(CALLERS)]
