"""The client tells its observer of each attempt and each retry (client/observer.py), sync and
async alike, against the simulator: what the app's metrics count (ui/ops/metrics.py)."""

from __future__ import annotations

import asyncio

import pytest

from client import APIConnectionError, AsyncImageEditClient, ImageEditClient
from client.constants import MAX_RETRIES
from client.observer import CallObserver
from simulator import Fault
from tests.app_process import free_port
from tests.simulator.helpers import KEY, RED, png, queue

EDIT = {"model": "qwen-image-2.0-pro", "prompt": "p", "size": "512*512", "images": [png(RED)]}


class Recorder(CallObserver):
    def __init__(self) -> None:
        self.statuses: list[int | None] = []
        self.seconds: list[float] = []
        self.retries: list[str] = []

    def attempted(self, status: int | None, seconds: float) -> None:
        self.statuses.append(status)
        self.seconds.append(seconds)

    def retrying(self, reason: str) -> None:
        self.retries.append(reason)


def edit_sync(base_url: str, observer: CallObserver) -> None:
    with ImageEditClient(KEY, base_url, sleep=lambda _s: None, observer=observer) as client:
        client.edit(**EDIT)


def edit_async(base_url: str, observer: CallObserver) -> None:
    async def pause(_seconds: float) -> None:
        return None

    async def run() -> None:
        async with AsyncImageEditClient(KEY, base_url, sleep=pause, observer=observer) as client:
            await client.edit(**EDIT)

    asyncio.run(run())


CLIENTS = pytest.mark.parametrize("edit", [edit_sync, edit_async], ids=["sync", "async"])


@CLIENTS
def test_a_refusal_and_its_retry_are_each_told(sim, edit):
    queue(sim, Fault(status=429, code="Throttling.RateQuota"), Fault(status=503))
    observer = Recorder()

    edit(sim.base_url, observer)

    assert observer.statuses == [429, 503, 200]
    assert observer.retries == ["429", "503"]
    assert all(seconds >= 0 for seconds in observer.seconds)


@CLIENTS
def test_a_connection_that_fails_is_told_as_no_answer_and_retried(edit):
    observer = Recorder()

    with pytest.raises(APIConnectionError):
        edit(f"http://127.0.0.1:{free_port()}/v1", observer)

    assert observer.statuses == [None] * (MAX_RETRIES + 1)
    assert observer.retries == ["connection"] * MAX_RETRIES
