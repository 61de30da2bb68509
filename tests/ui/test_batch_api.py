"""Issue 25.1 through the API: `/batch`, `/batch_stop` and `/batch_retry` against the app on the
session simulator, whose request log says exactly what reached the wire and whose fault queue
scripts slow answers and failures; the history is read back from the app's HISTORY_DIR.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator

ITEMS = 12


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("batch-api")
    with app_on_simulator(simulator, root, MAX_CONCURRENT_RUNS="3") as running:
        yield running


@pytest.fixture
def control(sim: RunningServer) -> str:
    return sim.origin + "/_simulator"


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("pictures")
    paths = []
    for index in range(ITEMS):
        path = folder / f"photo-{index:02d}.png"
        Image.new("RGB", (480, 400), (20 * index, 120, 200)).save(path)
        paths.append(path)
    return paths


def batch(client: Client, pictures: list[Path], prompt: str, **arguments):
    return client.predict(
        images=[handle_file(str(path)) for path in pictures],
        prompt=prompt,
        api_name="/batch",
        **arguments,
    )


def sent(control: str) -> list[dict]:
    return httpx2.get(control + "/requests").json()["requests"]


def test_a_12_image_batch_sends_12_requests_and_makes_12_runs_grouped_as_one_batch(
    client, pictures, control, history
):
    batch_id, run_ids, summary, items = batch(client, pictures, "product on white")

    assert len(sent(control)) == ITEMS
    assert len(run_ids) == ITEMS and len(set(run_ids)) == ITEMS
    assert "12 of 12 done" in summary
    assert [item["name"] for item in items] == [path.name for path in pictures]
    grouped = history.batch_runs(None, batch_id)
    assert sorted(run.id for run in grouped) == sorted(run_ids)
    assert {run.batch for run in grouped} == {batch_id}
    assert all(run.prompt == "product on white" and run.status == "ok" for run in grouped)
    shown = client.predict(run_ids[5], api_name="/history_batch")  # History's offer
    grid = shown["value"]  # an update: the grid is shown, too
    assert grid.count("<tr>") == 1 + ITEMS and grid.count("<img") == 2 * ITEMS


def test_a_budget_under_the_batch_refuses_it_with_nothing_sent(client, pictures, control):
    with pytest.raises(AppError, match="would make 12 images, over your budget of 5"):
        batch(client, pictures, "too dear", budget=5)
    assert sent(control) == []


def test_a_budget_counts_every_result_of_every_image(client, pictures, control):
    with pytest.raises(AppError, match="would make 6 images, over your budget of 5"):
        batch(client, pictures[:3], "two each", n=2, budget=5, model="wan2.7-image-pro")
    assert sent(control) == []


def test_stop_mid_batch_leaves_the_unsent_unsent_and_keeps_the_sent(
    client, pictures, control, history
):
    httpx2.post(control + "/faults", json=[{"delay_s": 1.5}] * ITEMS).raise_for_status()
    job = client.submit(
        images=[handle_file(str(path)) for path in pictures], prompt="stopped", api_name="/batch"
    )
    deadline = time.monotonic() + 60
    while not sent(control):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "Stopping" in client.predict(api_name="/batch_stop")
    batch_id, run_ids, _, items = job.result(timeout=120)

    requests = sent(control)
    states = [item["state"] for item in items]
    assert 0 < len(requests) < ITEMS
    assert states.count("done") == len(requests) == len(run_ids)
    assert states.count("not sent") == ITEMS - len(requests)
    assert len(history.batch_runs(None, batch_id)) == len(requests)
    time.sleep(1)  # an item the stop missed would have reached the service by now
    assert len(sent(control)) == len(requests)


def test_another_visitor_s_edit_goes_at_the_next_free_slot_not_after_the_batch(
    app, client, pictures, control
):
    """A batch never queues all its items for the sending slots at once (its items wait at most
    MAX_CONCURRENT_RUNS at a time, in the fair line of ui/core/fair_share.py): Bob's one edit,
    sent while Alice's 12 items go 3 at a time, is not sent behind the batch's last wave."""
    httpx2.post(control + "/faults", json=[{"delay_s": 1.5}] * (ITEMS + 1)).raise_for_status()
    job = client.submit(
        images=[handle_file(str(path)) for path in pictures], prompt="alice's", api_name="/batch"
    )
    deadline = time.monotonic() + 60
    while not sent(control):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    bob = Client(app.url, verbose=False)
    bob.predict(images=[handle_file(str(pictures[0]))], prompt="bob's", api_name="/edit")
    job.result(timeout=120)

    prompts = [request["prompt"] for request in sent(control)]
    assert len(prompts) == ITEMS + 1
    assert prompts.index("bob's") <= 8  # 3 at a time: never behind the batch's last wave


def test_a_failed_item_is_told_the_rest_done_and_retry_resends_only_it(
    client, pictures, control, history
):
    refusal = {"status": 400, "message": "Blocked by a scripted refusal."}
    httpx2.post(control + "/faults", json=[refusal]).raise_for_status()
    batch_id, _, summary, items = batch(client, pictures[:4], "one fails")

    failed = [item for item in items if item["state"] == "failed"]
    assert len(sent(control)) == 4 and len(failed) == 1
    assert failed[0]["retry"] is True and "scripted refusal" in failed[0]["error"]
    assert "3 of 4 done" in summary and f"{failed[0]['name']} failed" in summary

    httpx2.delete(control + "/requests").raise_for_status()
    _, _, summary, items = client.predict(batch_id, api_name="/batch_retry")
    assert len(sent(control)) == 1
    assert all(item["state"] == "done" for item in items) and "4 of 4 done" in summary
    assert len(history.batch_runs(None, batch_id)) == 5  # the failed run stays in History


def test_a_failure_that_may_have_been_billed_is_not_retried_and_says_why(client, pictures, control):
    httpx2.post(control + "/faults", json=[{"status": 502}]).raise_for_status()
    batch_id, _, summary, items = batch(client, pictures[:2], "maybe billed")
    failed = [item for item in items if item["state"] == "failed"]
    assert len(failed) == 1 and failed[0]["retry"] is False
    assert "may have run (and billed) it" in summary

    httpx2.delete(control + "/requests").raise_for_status()
    with pytest.raises(AppError, match="No failed image can be sent again") as caught:
        client.predict(batch_id, api_name="/batch_retry")
    assert f"{failed[0]['name']} is not retried" in str(caught.value)
    assert sent(control) == []


def test_a_zip_s_unreadable_entry_is_left_out_by_name_and_the_rest_go(
    client, pictures, control, tmp_path
):
    import zipfile

    archive = tmp_path / "folder.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(pictures[0], "shots/a.png")
        zipped.writestr("shots/notes.txt", "not a picture")
        zipped.write(pictures[1], "shots/b.png")
    _, run_ids, summary, items = client.predict(
        images=[handle_file(str(archive))], prompt="from a zip", api_name="/batch"
    )
    assert [item["name"] for item in items] == ["shots/a.png", "shots/b.png"]
    assert len(run_ids) == 2 and len(sent(control)) == 2
    assert "Left out shots/notes.txt" in summary
