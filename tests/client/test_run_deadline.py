"""A run ends by one deadline, however slowly the reply comes: httpx's read timeout is per chunk,
so a reply dripping a byte at a time used to run far past the promised total.

A loopback server drips a complete, valid reply in pieces, each well within the per-read
timeout, for longer than the deadline given to the client (a short one, so the test is short).
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest

from client import AsyncImageEditClient, ImageEditClient, ReplyTimeoutError
from tests.client.fakes import KEY, edit_args, success_body
from tests.client.raw_replies import RawReplyServer

DEADLINE_S = 1.5
PIECES = 24
DRIP_S = 0.25
"""The whole reply would take PIECES × DRIP_S = 6 s, each piece far within DEADLINE_S."""
HANG_UP_WAIT_S = 10.0


def whole_reply() -> bytes:
    body = json.dumps(success_body()).encode()
    head = (
        f"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


def dripping(head_at_once: bool):
    """Sends the reply in PIECES pieces, DRIP_S apart; with `head_at_once`, the status line and
    headers go first (the service answered), else they drip too (nothing usable arrives)."""
    reply = whole_reply()
    head_length = reply.index(b"\r\n\r\n") + 4

    def drip(send) -> None:
        start = head_length if head_at_once else 0
        if start and not send(reply[:start]):
            return
        step = -(-(len(reply) - start) // PIECES)
        for offset in range(start, len(reply), step):
            time.sleep(DRIP_S)
            if not send(reply[offset : offset + step]):
                return

    return drip


def edit_sync(base_url: str):
    with ImageEditClient(api_key=KEY, base_url=base_url, timeout=DEADLINE_S) as client:
        return client.edit(**edit_args())


def edit_async(base_url: str):
    async def run():
        async with AsyncImageEditClient(
            api_key=KEY, base_url=base_url, timeout=DEADLINE_S
        ) as client:
            return await client.edit(**edit_args())

    return asyncio.run(run())


@pytest.mark.parametrize("edit", [edit_sync, edit_async], ids=["sync", "async"])
@pytest.mark.parametrize("head_at_once", [True, False], ids=["body-drips", "headers-drip"])
def test_a_dripping_reply_ends_at_the_deadline_as_possibly_billed(edit, head_at_once):
    with RawReplyServer(dripping(head_at_once)) as server:
        with pytest.raises(ReplyTimeoutError, match="may still have been billed") as caught:
            edit(server.base_url)
        assert server.hung_up.wait(HANG_UP_WAIT_S), "the client kept the connection open"
    assert server.requests == 1, "a reply that may have been billed is never asked for again"
    assert server.bytes_sent < len(whole_reply()), "the client stopped before the reply ended"
    assert caught.value.may_have_been_billed
