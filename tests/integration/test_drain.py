"""Graceful drain with real processes: SIGTERM to `python app.py` while a run is at the service.

The app sends its runs to a slow simulator of its own (each answer takes seconds), so a run is
still at the service when the signal comes. From then on /readyz says draining, a page load and
a new run are refused with the restart message (nothing sent), the run in flight finishes, its
caller gets its answer and History keeps it, and the process exits on its own within
DRAIN_SECONDS; the simulator received each request exactly once. A run longer than the drain
does not hold the process: it exits in time, the run left in History as sending.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from history import HistoryStore
from tests.app_process import AppProcess, app_on_simulator
from tests.history_api import issued_cookie, raw_visitor, visitor
from tests.simulator.helpers import in_flight, max_in_flight, received

DRAIN_SECONDS = 40
LATENCY_S = 4.0
"""Long enough for the test to act while the run is at the service; the drain waits it out."""
WAIT_S = 60.0
IN_FLIGHT = "finish the edit that is already running"
REFUSED = "try this new edit while the server restarts"


def until(condition, what: str) -> None:
    """Polls `condition` until it holds (the app answers within WAIT_S on any machine)."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def ready(app: AppProcess) -> int:
    return httpx2.get(app.url + "/readyz", timeout=10).status_code


@pytest.fixture
def picture(tmp_path: Path) -> Path:
    path = tmp_path / "red.png"
    Image.new("RGB", (512, 512), "red").save(path)
    return path


def edit(client: Client, picture: Path, prompt: str):
    return client.submit(images=[handle_file(str(picture))], prompt=prompt, api_name="/edit")


def test_sigterm_finishes_the_run_in_flight_refuses_new_ones_and_exits(
    make_simulator, tmp_path, picture
):
    simulator = make_simulator(latency_s=LATENCY_S, enable_control=True)
    with app_on_simulator(simulator, tmp_path, DRAIN_SECONDS=str(DRAIN_SECONDS)) as app:
        assert httpx2.get(app.url + "/healthz", timeout=10).text == "ok\n"
        until(lambda: ready(app) == 200, "/readyz said ready")
        token = issued_cookie(app.url)
        first = raw_visitor(app.url, token)  # its answer is checked, its pictures in History
        second = visitor(app.url, issued_cookie(app.url))
        job = edit(first, picture, IN_FLIGHT)
        until(lambda: in_flight(simulator) == 1, "the run reached the service")

        os.kill(app.process.pid, signal.SIGTERM)

        until(lambda: ready(app) == 503, "/readyz said draining")
        assert in_flight(simulator) == 1  # said while the run was still at the service
        assert "draining" in httpx2.get(app.url + "/readyz", timeout=10).text
        page = httpx2.get(app.url + "/", timeout=10)
        assert page.status_code == 503 and "This server is restarting." in page.text
        with pytest.raises(AppError) as refused:
            edit(second, picture, REFUSED).result()
        assert "This server is restarting" in str(refused.value)
        assert "nothing was sent or billed" in str(refused.value)

        gallery, summary, _metadata, run_id = job.result()  # the answer reached its caller
        assert len(gallery) == 1 and "**1 image** in" in summary
        try:
            returncode = app.process.wait(timeout=DRAIN_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {DRAIN_SECONDS} s after SIGTERM:\n{app.log()}")
        assert returncode == 0, app.log()

    assert [request["prompt"] for request in received(simulator)] == [IN_FLIGHT]
    store = HistoryStore(app.history_dir)
    try:
        runs = store.list_runs(None)
        assert [(run.id, run.prompt, run.status) for run in runs] == [(run_id, IN_FLIGHT, "ok")]
        assert len(store.get_run(None, run_id).output_paths) == 1
    finally:
        store.close()


SHORT_DRAIN_S = 4
LONG_RUN_S = 12.0
"""A run the drain cannot wait for: it takes longer than SHORT_DRAIN_S."""


def test_a_run_longer_than_the_drain_is_left_journalled_and_the_process_exits_in_time(
    make_simulator, tmp_path, picture
):
    simulator = make_simulator(latency_s=LONG_RUN_S, enable_control=True)
    with app_on_simulator(simulator, tmp_path, DRAIN_SECONDS=str(SHORT_DRAIN_S)) as app:
        until(lambda: ready(app) == 200, "/readyz said ready")
        edit(raw_visitor(app.url, issued_cookie(app.url)), picture, IN_FLIGHT)
        until(lambda: in_flight(simulator) == 1, "the run reached the service")

        os.kill(app.process.pid, signal.SIGTERM)
        try:
            returncode = app.process.wait(timeout=SHORT_DRAIN_S + 1)  # the kernel's slack
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {SHORT_DRAIN_S} s after SIGTERM:\n{app.log()}")
        assert returncode == 0, app.log()  # closed in time, the run left to the journal
        assert "1 run(s) still at the service: left as sending" in app.log()

    assert max_in_flight(simulator) == 1  # sent once (its answer, if any, after the exit)
    assert [request["prompt"] for request in received(simulator)] in ([], [IN_FLIGHT])
    store = HistoryStore(app.history_dir)
    try:  # recorded before it was sent: the next start marks it interrupted (history/journal.py)
        assert [(run.prompt, run.status) for run in store.list_runs(None)] == [
            (IN_FLIGHT, "sending")
        ]
    finally:
        store.close()
