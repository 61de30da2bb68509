"""Idle pooled connections are closed before the server closes its end.

A server's keep-alive timer can fire just as the client reuses the connection: the request then
goes out on a closing connection and fails as "may have been billed" (about 1 run in 300). The
client expires idle connections after KEEPALIVE_EXPIRY_S, before a uvicorn server's default 5 s.
A real uvicorn process runs `app` below, which answers each POST with the client's port (so the
test sees which connection was used) and how many POSTs it has received.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from client import ImageEditClient
from client.constants import KEEPALIVE_EXPIRY_S
from tests.app_process import ROOT, free_port
from tests.client.fakes import KEY, edit_args, success_body
from tests.servers import answers, wait_for

SERVER_KEEPALIVE_S = 5
"""uvicorn's default --timeout-keep-alive, given explicitly."""
IDLE_S = (KEEPALIVE_EXPIRY_S + SERVER_KEEPALIVE_S) / 2
"""A pause after which the client's connection has expired while the server's is still open."""

posts = 0


async def app(scope, receive, send) -> None:
    """The edits endpoint, reduced to what this test reads: who called, and how many times."""
    global posts
    if scope["method"] == "POST":
        posts += 1
    while (await receive()).get("more_body"):
        pass
    reply = success_body()
    reply["metadata"].update(client_port=scope["client"][1], posts=posts)
    body = json.dumps(reply).encode()
    status = 200 if scope["method"] == "POST" else 404
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json")]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


@pytest.fixture
def uvicorn_url() -> Iterator[str]:
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="keepalive-")) / "uvicorn.log"
    command = [sys.executable, "-m", "uvicorn", "tests.client.test_keepalive:app",
               "--host", "127.0.0.1", "--port", str(port), "--lifespan", "off",
               "--timeout-keep-alive", str(SERVER_KEEPALIVE_S),
               "--log-level", "warning"]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers(url), process, "uvicorn", log)
        yield url + "/v1"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_an_idle_connection_is_dropped_before_the_servers_keep_alive(uvicorn_url):
    assert KEEPALIVE_EXPIRY_S < SERVER_KEEPALIVE_S
    with ImageEditClient(api_key=KEY, base_url=uvicorn_url, max_retries=0) as client:
        first = client.edit(**edit_args()).metadata
        time.sleep(IDLE_S)
        after_idling = client.edit(**edit_args()).metadata
        right_after = client.edit(**edit_args()).metadata

    assert [first["posts"], after_idling["posts"], right_after["posts"]] == [1, 2, 3]
    assert after_idling["client_port"] != first["client_port"], (
        "the idle connection was reused although the server was about to close it"
    )
    assert right_after["client_port"] == after_idling["client_port"], "connections are pooled"
