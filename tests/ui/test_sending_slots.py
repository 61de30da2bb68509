"""The runner's sending slots (MAX_CONCURRENT_RUNS), over the live simulator and a real store:
a run waits for a free slot, and one stopped while it waits is never sent, so never billed; a run
stopped at the service frees its session at once but keeps its slot until the service answers."""

from __future__ import annotations

import threading
import time

import httpx2
import pytest
from PIL import Image

from client import EditParams, ImageEditClient
from client.preparation import PreparationCache
from history import HistoryStore
from ui.core.backend import Backend
from ui.core.jobs import Job, Jobs, TooManyInFlight
from ui.core.owner import Owner
from ui.core.runs import Runner, StoppedBeforeSending

OWNER = Owner("anon:slots")


@pytest.fixture
def runner(sim, tmp_path):
    store = HistoryStore(tmp_path / "history")
    client = ImageEditClient(api_key="test-key", base_url=sim.base_url)
    yield Runner(Backend("api", client, sim.base_url), store, PreparationCache(), max_sending=1)
    client.close()
    store.close()


@pytest.fixture
def photo(tmp_path) -> str:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (200, 80, 40)).save(path)
    return str(path)


def in_flight(sim) -> int:
    return httpx2.get(sim.origin + "/_simulator/requests").json()["in_flight"]


def test_a_run_stopped_while_waiting_for_a_slot_is_never_sent(runner, sim, photo):
    httpx2.post(sim.origin + "/_simulator/faults", json=[{"delay_s": 1.5}]).raise_for_status()
    params = EditParams(prompt="first", model="qwen-image-2.0-pro")
    first = threading.Thread(target=runner.run, args=(params, [photo], OWNER, None))
    first.start()
    deadline = time.monotonic() + 10
    while not in_flight(sim):  # the first run holds the only slot
        assert time.monotonic() < deadline, "the first run never reached the service"
        time.sleep(0.02)
    stopped = threading.Event()
    waiting: dict = {}

    def second() -> None:
        try:
            runner.run(EditParams(prompt="second"), [photo], OWNER, None, stopped)
        except StoppedBeforeSending as error:
            waiting["error"] = error

    other = threading.Thread(target=second)
    other.start()
    stopped.set()  # pressed while the second run still waits for the slot
    first.join(10)
    other.join(10)
    assert "nothing was billed" in str(waiting["error"])
    sent = httpx2.get(sim.origin + "/_simulator/requests").json()["requests"]
    assert [request["prompt"] for request in sent] == ["first"]
    assert [run.prompt for run in runner.store.list_runs(OWNER.id)] == ["first"]


def test_runs_beyond_the_slots_wait_and_are_all_sent(runner, sim, photo):
    httpx2.post(sim.origin + "/_simulator/faults", json=[{"delay_s": 0.3}] * 3).raise_for_status()
    threads = [
        threading.Thread(
            target=runner.run, args=(EditParams(prompt=f"run {i}"), [photo], OWNER, None)
        )
        for i in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    log = httpx2.get(sim.origin + "/_simulator/requests").json()
    assert len(log["requests"]) == 3 and log["max_in_flight"] == 1


def until(condition, what: str) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def started(jobs: Jobs, runner: Runner, prompt: str, photo: str) -> Job:
    """A run of the page's one session, as the editor starts it (ui/editor/handlers.py)."""
    job = Job(OWNER.id, "session", prompt, "qwen-image-2.0-pro")
    params = EditParams(prompt=prompt, model=job.model)
    return jobs.start(
        job, lambda stopped: runner.run(params, [photo], OWNER, None, stopped, waiting=job.waiting)
    )


def test_a_run_stopped_at_the_service_frees_its_session_but_keeps_its_slot(runner, sim, photo):
    httpx2.post(sim.origin + "/_simulator/faults", json=[{"delay_s": 1.5}]).raise_for_status()
    jobs = Jobs()
    first = started(jobs, runner, "first", photo)
    until(lambda: in_flight(sim), "the first run never reached the service")
    assert jobs.stop("session")
    second = started(jobs, runner, "second", photo)  # the session is free: not AlreadyRunning
    until(second.waiting.is_set, "the next run does not say it waits for the only slot")
    assert runner.sending.sending(OWNER.id) == 1  # the stopped request still holds it
    assert second.done.wait(10) and first.done.wait(10)
    assert (first.result().stopped, second.result().stopped) == (True, False)
    sent = httpx2.get(sim.origin + "/_simulator/requests").json()
    assert [request["prompt"] for request in sent["requests"]] == ["first", "second"]
    assert sent["max_in_flight"] == 1
    kept = {run.prompt: run.stopped for run in runner.store.list_runs(OWNER.id)}
    assert kept == {"first": True, "second": False}


def test_a_stopped_jobs_requests_count_for_its_owner_until_they_end():
    jobs = Jobs()
    first = jobs.claim(Job(OWNER.id, "session", "first", "qwen-image-2.0-pro"), 1, most=1)
    jobs.stop("session")
    with pytest.raises(TooManyInFlight):  # the session is free, the owner's bound is not
        jobs.claim(Job(OWNER.id, "session", "second", "qwen-image-2.0-pro"), 1, most=1)
    jobs.finish(first)
    jobs.claim(Job(OWNER.id, "session", "second", "qwen-image-2.0-pro"), 1, most=1)
