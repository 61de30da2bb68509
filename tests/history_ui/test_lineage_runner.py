"""Edit threads through the runner, over the live simulator and a real store: a run continues
one of its owner's results and lands in that tree; a parent (or a tree to join) that is not the
caller's is refused as unknown before anything is sent, and so is a result it does not have."""

from __future__ import annotations

import pytest
from PIL import Image

from client import EditParams, ImageEditClient
from client.preparation import PreparationCache
from history import HistoryStore
from history.lineage import Lineage
from tests.simulator.helpers import received
from ui.core.backend import Backend
from ui.core.owner import Owner
from ui.core.runs import Runner, UnknownParent

ALICE, MALLORY = Owner("anon:alice"), Owner("anon:mallory")
KEY = "test-key-0123456789"


@pytest.fixture
def store(tmp_path):
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


@pytest.fixture
def runner(sim, store):
    client = ImageEditClient(api_key=KEY, base_url=sim.base_url)
    runner = Runner(Backend("api", client, sim.base_url, key=KEY), store, PreparationCache())
    yield runner
    runner.journal.close()
    client.close()


@pytest.fixture
def photo(tmp_path) -> str:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (200, 80, 40)).save(path)
    return str(path)


def turn(runner, owner, prompt, images, lineage=None, n=1):
    params = EditParams(prompt=prompt, model="wan2.7-image-pro", n=n)
    outcome = runner.run(params, images, owner, None, lineage=lineage)
    assert outcome.error is None and outcome.run_id
    return outcome


def test_turns_continue_results_and_grow_one_tree(runner, store, photo):
    root = turn(runner, ALICE, "a cat on a sofa", [photo], n=2)
    second = Lineage.parse(f"{root.run_id}#2")
    child = turn(runner, ALICE, "make the hat red", [str(root.output_paths[1])], second)
    grandchild = turn(
        runner, ALICE, "now at night", [str(child.output_paths[0])], Lineage(child.run_id, 1)
    )

    tree = store.tree(ALICE.id, root.run_id)
    assert tree.root == root.run_id
    assert [(node.id, node.parent, node.result_index) for node in tree.nodes] == [
        (root.run_id, None, None),
        (child.run_id, root.run_id, 2),
        (grandchild.run_id, child.run_id, 1),
    ]
    assert runner.parent_result(ALICE, second) == root.output_paths[1]


@pytest.mark.parametrize(
    "lineage_of",
    [
        lambda run_id: Lineage(run_id, 1),  # another visitor's run
        lambda run_id: Lineage(run_id, 9),  # a result the run does not have
        lambda run_id: Lineage("0" * 33, 1),  # no run at all
        lambda run_id: Lineage(joins=run_id),  # another visitor's tree, joined by a replay
    ],
)
def test_a_parent_that_is_not_the_callers_is_unknown_and_nothing_is_sent(
    runner, store, sim, photo, lineage_of
):
    alices = turn(runner, ALICE, "a cat on a sofa", [photo]).run_id
    sent = len(received(sim))
    owner = ALICE if lineage_of(alices).result_index == 9 else MALLORY
    with pytest.raises(UnknownParent) as refused:
        turn(runner, owner, "steal it", [photo], lineage_of(alices))
    assert "you have no run" in str(refused.value)
    assert len(received(sim)) == sent
    assert store.count_runs(MALLORY.id) == 0
