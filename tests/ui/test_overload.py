"""An overloaded app refuses new edits with a message instead of queueing without end.

MAX_CONCURRENT_RUNS=1 gives a queue of four waiting runs; one slow upstream answer keeps the
single running edit busy while more callers arrive than the queue holds.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.utils import QueueError
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_process

CALLERS = 8
ADMITTED_AT_MOST = 1 + 4


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("overload")
    env = {
        "POWERTOKENS_API_KEY": "dummy-key",
        "POWERTOKENS_BASE_URL": simulator.base_url,
        "MAX_CONCURRENT_RUNS": "1",
    }
    with app_process(["python", "app.py"], root, env=env) as running:
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
    client = Client(app.url, verbose=False, download_files=str(tmp_path / "downloads"))
    jobs = [
        client.submit(images=[handle_file(str(picture))], prompt=f"caller {i}", api_name="/edit")
        for i in range(CALLERS)
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
