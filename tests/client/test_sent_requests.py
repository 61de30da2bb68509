"""A request that reached the service in full is never sent again: the gateway bills per image.

Real loopback servers: one reads the whole request and hangs up without answering (the reply is
lost, so the edit may have run and been billed), one is not listening yet on the first attempt
(the connection is refused, nothing was sent, so a retry is safe).
"""

import asyncio
import contextlib
import json

import httpx2
import pytest

from client import (
    APIConnectionError,
    AsyncImageEditClient,
    ImageEditClient,
    ImageEditError,
    ReplyLostError,
)
from client.params import EditRequest
from tests.client.fakes import KEY, FakeService, edit_args, make_client, success, success_body
from tests.client.local_api import ScriptedAPI, unused_port

BILLED_WARNING = "may have run (and billed) this edit. Check before running it again."


def edit_sync(base_url: str, sleep) -> object:
    with ImageEditClient(api_key=KEY, base_url=base_url, sleep=sleep) as client:
        return client.edit(**edit_args())


def edit_async(base_url: str, sleep) -> object:
    async def pause(delay: float) -> None:
        sleep(delay)

    async def run():
        async with AsyncImageEditClient(api_key=KEY, base_url=base_url, sleep=pause) as client:
            return await client.edit(**edit_args())

    return asyncio.run(run())


CLIENTS = pytest.mark.parametrize("edit", [edit_sync, edit_async], ids=["sync", "async"])


@CLIENTS
def test_a_connection_dropped_after_the_request_was_read_is_not_sent_again(api, edit):
    api.hang_up = True
    sleeps: list[float] = []
    with pytest.raises(ReplyLostError) as caught:
        edit(api.base_url, sleeps.append)
    assert len(api.received) == 1, "the request reached the service once, and only once"
    assert sleeps == []
    assert BILLED_WARNING in str(caught.value)
    assert caught.value.may_have_been_billed


@CLIENTS
def test_a_refused_connection_is_retried_and_the_edit_then_succeeds(edit):
    port = unused_port()
    sleeps: list[float] = []
    started: list[ScriptedAPI] = []
    with contextlib.ExitStack() as stack:

        def start_the_server_while_waiting(delay: float) -> None:
            sleeps.append(delay)
            started.append(stack.enter_context(ScriptedAPI(port)))
            started[-1].reply = success_body()

        result = edit(f"http://127.0.0.1:{port}/v1", start_the_server_while_waiting)
    assert len(sleeps) == 1 and len(started) == 1
    assert len(started[0].received) == 1
    assert len(result.images) == 1


def test_a_refused_connection_that_stays_refused_says_nothing_was_sent():
    sleeps: list[float] = []
    with pytest.raises(APIConnectionError, match="Could not reach") as caught:
        edit_sync(f"http://127.0.0.1:{unused_port()}/v1", sleeps.append)
    assert len(sleeps) == 2  # two retries, then the error
    assert not caught.value.may_have_been_billed


def raises(error: Exception):
    def handler(request: httpx2.Request) -> httpx2.Response:
        raise error

    return handler


AFTER_SENDING = [
    httpx2.ReadError("reset"),
    httpx2.RemoteProtocolError("Server disconnected without sending a response."),
    httpx2.ReadTimeout("slow"),
    httpx2.CloseError("close"),
    httpx2.DecodingError("bad gzip"),
    httpx2.TransportError("something new"),
]
BEFORE_SENDING = [
    httpx2.ConnectError("refused"),
    httpx2.ConnectTimeout("slow"),
    httpx2.PoolTimeout("busy"),
    httpx2.WriteError("broken pipe"),
    httpx2.WriteTimeout("slow"),
]


@pytest.mark.parametrize("error", AFTER_SENDING, ids=lambda error: type(error).__name__)
def test_a_failure_after_sending_is_reported_as_possibly_billed_and_not_retried(error):
    service = FakeService(raises(error), success())  # a retry would have succeeded
    sleeps: list[float] = []
    with pytest.raises(ReplyLostError, match="may") as caught:
        make_client(service, sleeps).edit(**edit_args())
    assert len(service.posts) == 1 and sleeps == []
    assert caught.value.may_have_been_billed


@pytest.mark.parametrize("error", BEFORE_SENDING, ids=lambda error: type(error).__name__)
def test_a_failure_before_the_request_was_sent_in_full_is_retried(error):
    service = FakeService(raises(error))
    sleeps: list[float] = []
    with pytest.raises(APIConnectionError) as caught:
        make_client(service, sleeps).edit(**edit_args())
    assert len(service.posts) == 3 and len(sleeps) == 2
    assert not isinstance(caught.value, ReplyLostError)
    assert not caught.value.may_have_been_billed


def test_a_base_url_that_cannot_be_used_is_not_retried_and_sends_nothing():
    sleeps: list[float] = []
    with pytest.raises(ImageEditError, match="could not be sent") as caught:
        edit_sync("ftp://127.0.0.1/v1", sleeps.append)
    assert sleeps == [] and not caught.value.may_have_been_billed


def test_prepare_is_a_dry_run_that_sends_nothing(api):
    """`prepare` returns the very body `edit` would send, and the service never hears of it."""
    with ImageEditClient(api_key=KEY, base_url=api.base_url) as client:
        call = client.prepare(EditRequest(**edit_args()))
    body = json.loads(call.body.kwargs["content"])
    assert body["prompt"] == "make it snow" and body["image"].startswith("data:image/")
    assert api.received == []
