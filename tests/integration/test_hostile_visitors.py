"""Issue 21.4: one visitor flooding the app through the API neither holds another visitor's edit
back nor gets more than MAX_RUNS_PER_VISITOR requests in flight, from any of their sessions.

The app (`python app.py`, two sending slots, eight requests per visitor) sends to a simulator that
takes a while per request and logs each one as it ends; the order of that log, not the clock,
shows who was served when. Visitors are gradio_client sessions carrying an owner cookie.
"""

from __future__ import annotations

import time

import httpx2
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from tests.app_process import app_on_simulator
from tests.history_api import issued_cookie, visitor

BOTH = "qwen-image-2.0-pro,wan2.7-image-pro"
SETTINGS = {"MAX_CONCURRENT_RUNS": "2", "MAX_RUNS_PER_VISITOR": "8"}
CELL = "alice's comparison"
EDIT = "alice's other tab"
BOB = "bob's single edit"


def log(simulator) -> dict:
    return httpx2.get(simulator.origin + "/_simulator/requests").json()


def until_sending(simulator, count: int) -> None:
    deadline = time.monotonic() + 60
    while log(simulator)["in_flight"] < count:
        assert time.monotonic() < deadline, "the comparison's cells never reached the service"
        time.sleep(0.05)


def refusal(job) -> str:
    """The message of a submission the app refused before sending."""
    with pytest.raises(AppError) as caught:
        job.result()
    message = str(caught.value)
    assert "requests queued or running" in message and "at most 8 at once" in message
    assert "Nothing was sent" in message
    return message


def test_a_flooding_visitor_is_bounded_and_another_visitors_edit_goes_before_her_queue(
    make_simulator, tmp_path
):
    simulator = make_simulator(latency_s=3.0, enable_control=True)
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (120, 60, 200)).save(picture)
    image = [handle_file(str(picture))]
    with app_on_simulator(simulator, tmp_path, **SETTINGS) as app:
        alice_token = issued_cookie(app.url)
        alice, other_tab = visitor(app.url, alice_token), visitor(app.url, alice_token)
        bob = visitor(app.url, issued_cookie(app.url))
        compare = {"images": image, "prompt": "flood", "models": BOTH, "api_name": "/compare"}
        cells = alice.submit(**{**compare, "prompt": CELL, "seeds": "1,2"})  # four cells
        until_sending(simulator, 2)  # both slots hold her cells
        edits = [
            other_tab.submit(images=image, prompt=f"{EDIT} {i}", api_name="/edit") for i in range(4)
        ]  # four more of hers wait for a slot: eight in flight, her bound
        flood = 0
        while "You already have 8 " not in refusal(alice.submit(**compare, seeds="1,2,3,4")):
            flood += 1  # 2 × 4 more: refused as soon as any is in flight; wait for all eight
            assert flood < 50, "alice's four edits were never admitted"
        refusal(other_tab.submit(images=image, prompt="flood", api_name="/edit"))

        gallery, summary, _, _ = bob.predict(images=image, prompt=BOB, api_name="/edit")
        assert len(gallery) == 1 and "**1 image** in" in summary
        assert len(cells.result()[0]) == 4 and all(len(edit.result()[0]) == 1 for edit in edits)

    ended = [request["prompt"] for request in log(simulator)["requests"]]
    assert "flood" not in ended and len(ended) == 4 + 4 + 1  # nothing of the refused was sent
    assert ended.index(BOB) < 2 + 4  # sent before alice's edits that waited before him
