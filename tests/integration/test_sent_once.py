"""Whatever may have reached the service is sent once; only refusals are sent again.

Against the simulator (a real loopback server) with injected faults, its request log counting
the POSTs that reached it: a 500, 502 or 504 (and a 408 or 409) means the request arrived and may
have been billed, so it is sent once and the error says so, even when a second try would have
worked; a 429 or 503 refusal is retried until the retries run out.
"""

from __future__ import annotations

import asyncio

import pytest

from client import AsyncImageEditClient, ImageEditClient, ServiceFailedError
from client.constants import MAX_RETRIES
from client.errors import APIStatusError
from simulator import Fault
from tests.simulator.helpers import KEY, RED, png, queue, received

EDIT = {"model": "qwen-image-2.0-pro", "prompt": "p", "size": "512*512", "images": [png(RED)]}


def edit_sync(base_url: str, sleeps: list[float]):
    with ImageEditClient(api_key=KEY, base_url=base_url, sleep=sleeps.append) as client:
        return client.edit(**EDIT)


def edit_async(base_url: str, sleeps: list[float]):
    async def pause(delay: float) -> None:
        sleeps.append(delay)

    async def run():
        async with AsyncImageEditClient(api_key=KEY, base_url=base_url, sleep=pause) as client:
            return await client.edit(**EDIT)

    return asyncio.run(run())


CLIENTS = pytest.mark.parametrize("edit", [edit_sync, edit_async], ids=["sync", "async"])


@CLIENTS
@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=500),
        Fault(status=502, html_body=True),
        Fault(status=504),
        Fault(status=408),
        Fault(status=409),
    ],
    ids=lambda fault: str(fault.status),
)
def test_a_failure_after_arrival_is_posted_once_and_may_have_been_billed(sim, edit, fault):
    queue(sim, fault)  # the next request would succeed
    sleeps: list[float] = []

    with pytest.raises(ServiceFailedError) as caught:
        edit(sim.base_url, sleeps)

    assert [record["status"] for record in received(sim)] == [fault.status]
    assert sleeps == []
    assert caught.value.may_have_been_billed
    assert f"failed ({fault.status})" in str(caught.value)
    assert "may have run (and billed) this edit" in str(caught.value)
    assert "Check before running it again." in str(caught.value)


@CLIENTS
@pytest.mark.parametrize(
    "fault",
    [Fault(status=503), Fault(status=429, code="Throttling.RateQuota")],
    ids=lambda fault: str(fault.status),
)
def test_a_refusal_is_posted_again_until_the_retries_run_out(sim, edit, fault):
    queue(sim, *[fault] * (MAX_RETRIES + 1))
    sleeps: list[float] = []

    with pytest.raises(APIStatusError) as caught:
        edit(sim.base_url, sleeps)

    assert [record["status"] for record in received(sim)] == [fault.status] * (MAX_RETRIES + 1)
    assert len(sleeps) == MAX_RETRIES
    assert not caught.value.may_have_been_billed
