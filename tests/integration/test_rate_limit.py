"""Issue 26, one rate limit per gateway key, with real processes: two app processes (two
replicas) on one PostgreSQL, RATE_LIMIT_PER_MINUTE at 60 (one request a second), each asked for
three edits at once through gradio_client. The simulator's request log says when each request
arrived: all six arrive, one at a time, about a second apart, whichever replica sent them (without
the limit they all arrive together). A 429 the gateway answers one replica holds the other's
sends for its Retry-After.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from client.constants import MAX_RETRIES
from simulator import Fault
from tests.app_process import AppProcess, app_on_simulator
from tests.servers import create_database
from tests.simulator.helpers import queue, received

PER_MINUTE = 60
SPACING_S = 60 / PER_MINUTE
RETRY_AFTER_S = 3


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "red.png"
    Image.new("RGB", (512, 512), "red").save(path)
    return path


def edit(url: str, picture: Path, prompt: str):
    return Client(url, verbose=False).predict(
        images=[handle_file(str(picture))], prompt=prompt, api_name="/edit"
    )


@pytest.fixture(scope="module")
def replicas(simulator, tmp_path_factory, postgres_url) -> Iterator[list[AppProcess]]:
    """Two app processes on one new PostgreSQL database, sending to the session's simulator."""
    settings = {
        "RATE_LIMIT_PER_MINUTE": str(PER_MINUTE),
        "HISTORY_DATABASE_URL": create_database(postgres_url),
        "HISTORY_SECRET": secrets.token_hex(32),
        "SIMULATOR_LATENCY": "0",
    }
    with ExitStack() as stack:
        yield [
            stack.enter_context(
                app_on_simulator(simulator, tmp_path_factory.mktemp(name), **settings)
            )
            for name in "ab"
        ]


def test_two_replicas_send_one_rate_together(sim, replicas, picture):
    urls = [app.url for app in replicas] * 3
    with ThreadPoolExecutor(len(urls)) as pool:
        answers = list(pool.map(edit, urls, [picture] * 6, [f"run {i}" for i in range(6)]))
    assert len(answers) == 6
    arrived = sorted(record["arrived"] for record in received(sim))
    assert len(arrived) == 6
    gaps = [later - earlier for earlier, later in itertools.pairwise(arrived)]
    assert min(gaps) > SPACING_S / 2, gaps  # a turn every second; journalling jitters it a bit
    assert arrived[-1] - arrived[0] > (len(arrived) - 1) * SPACING_S * 0.8


def test_a_429_on_one_replica_holds_the_others_sends(sim, replicas, picture):
    """The gateway refuses every try of one run (429 with Retry-After); the next run, sent from
    the other replica, arrives only once the Retry-After has passed."""
    refusal = Fault(status=429, code="Throttling.RateQuota", retry_after="0")
    first, second = replicas
    last = Fault(status=429, code="Throttling.RateQuota", retry_after=str(RETRY_AFTER_S))
    queue(sim, *[refusal] * MAX_RETRIES, last)
    with pytest.raises(AppError, match="429"):
        edit(first.url, picture, "refused")
    edit(second.url, picture, "held")
    log = received(sim)
    assert [record["status"] for record in log] == [429] * (MAX_RETRIES + 1) + [200]
    assert log[-1]["arrived"] - log[-2]["arrived"] >= RETRY_AFTER_S - 0.1
