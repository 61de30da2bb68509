"""The edits endpoint's reply is read as a stream and refused past REPLY_MAX_BYTES: a hostile
endless body used to be read whole (a 10 GB one took the app to 3.2 GB).

A loopback server streams a body that never ends (it stops only at a safety bound far past the
cap, so a client without the cap still finishes); the client's peak of traced memory shows how
much it held.
"""

from __future__ import annotations

import asyncio
import tracemalloc

import pytest

from client import AsyncImageEditClient, ImageEditClient, ReplyTooLargeError
from client.constants import REPLY_MAX_BYTES
from tests.client.fakes import KEY, edit_args
from tests.client.raw_replies import RawReplyServer

CHUNK = b"0" * 65536
SAFETY_BOUND = 3 * REPLY_MAX_BYTES
"""Where the "endless" body stops: far past the cap, so reading it all cannot pass the test."""
HELD_MAX = REPLY_MAX_BYTES + 8 * 1024**2
"""Peak memory the client may trace: the body up to the cap, the chunk that crossed it, and the
rest of the client's own (small) memory."""
HANG_UP_WAIT_S = 30.0


def endless(declared_length: int | None):
    """A 200 reply whose body goes on (up to SAFETY_BOUND), declared or not in its headers."""

    def stream(send) -> None:
        head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        if declared_length is not None:
            head += f"content-length: {declared_length}\r\n"
        sent = 0
        if not send((head + "connection: close\r\n\r\n").encode()):
            return
        while sent < SAFETY_BOUND and send(CHUNK):
            sent += len(CHUNK)

    return stream


def edit_sync(base_url: str):
    with ImageEditClient(api_key=KEY, base_url=base_url) as client:
        return client.edit(**edit_args())


def edit_async(base_url: str):
    async def run():
        async with AsyncImageEditClient(api_key=KEY, base_url=base_url) as client:
            return await client.edit(**edit_args())

    return asyncio.run(run())


@pytest.mark.parametrize("edit", [edit_sync, edit_async], ids=["sync", "async"])
@pytest.mark.parametrize("declared", [None, 10 * 1024**3], ids=["until-closed", "claims-10-GB"])
def test_an_endless_reply_is_refused_at_the_cap_as_possibly_billed(edit, declared):
    with RawReplyServer(endless(declared)) as server:
        tracemalloc.start()
        try:
            with pytest.raises(ReplyTooLargeError, match="larger than 64 MB") as caught:
                edit(server.base_url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert server.hung_up.wait(HANG_UP_WAIT_S), "the client kept reading"
    assert peak < HELD_MAX, f"the client held {peak // 1024**2} MB"
    assert server.requests == 1 and caught.value.may_have_been_billed
    assert "may have run (and billed)" in str(caught.value)


def test_a_reply_of_many_large_pictures_fits_its_own_limit():
    """Nine uncompressed 2048*2048 pictures in base64 are a billed answer, never "too large";
    one picture's request keeps the 64 MB cap."""
    from client.reply import reply_limit

    one_large_b64 = 2048 * 2048 * 3 * 4 // 3
    assert reply_limit(9) > 9 * one_large_b64
    assert reply_limit(1) == REPLY_MAX_BYTES
