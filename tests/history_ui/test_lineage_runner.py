"""Edit threads through the runner, over the live simulator and a real store: a run continues
one of its owner's results and lands in that tree; a parent (or a tree to join) that is not the
caller's is refused as unknown before anything is sent, and so is a result it does not have. A
line of edits replays on another model as a labelled branch, step by step on each last result,
stopping at the first failure or at Stop, refused whole before sending when a step cannot go."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

import httpx2
import pytest

from client import EditParams
from history.lineage import Lineage
from tests.simulator.helpers import received
from ui.core.owner import Owner
from ui.core.replay import StepRefused, plan_replay, run_replay
from ui.core.runs import UnknownParent

ALICE, MALLORY = Owner("anon:alice"), Owner("anon:mallory")


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


def line_of_three(runner, photo):
    root = turn(runner, ALICE, "a cat on a sofa", [photo])
    child = turn(runner, ALICE, "make the hat red", [str(root.output_paths[0])],
                 Lineage(root.run_id, 1))  # fmt: skip
    last = turn(runner, ALICE, "now at night", [str(child.output_paths[0])],
                Lineage(child.run_id, 1))  # fmt: skip
    return root, child, last


def test_a_line_replays_on_another_model_as_a_labelled_branch_of_its_tree(
    runner, store, sim, photo
):
    root, _child, last = line_of_three(runner, photo)
    sent = len(received(sim))
    plan = plan_replay(runner, ALICE, last.run_id, "qwen-image-2.0-pro", 42)
    assert plan.images == 3 and len(received(sim)) == sent  # planned: nothing sent yet

    done = run_replay(runner, plan, ALICE, None)

    assert done.failed_step is None and len(done.run_ids) == 3
    requests = received(sim)[sent:]
    assert [(r["model"], r["seed"]) for r in requests] == [("qwen-image-2.0-pro", 42)] * 3
    assert [r["prompt"] for r in requests] == [
        "a cat on a sofa",
        "make the hat red",
        "now at night",
    ]
    tree = store.tree(ALICE.id, root.run_id)
    first, second, third = (tree.node(run_id) for run_id in done.run_ids)
    assert first.parent is None and first.branch_label == "model=qwen-image-2.0-pro, seed=42"
    assert (second.parent, third.parent) == (first.id, second.id)
    steps = [store.get_run(ALICE.id, run_id) for run_id in done.run_ids]
    assert steps[0].input_paths[0].read_bytes() == Path(photo).read_bytes()
    for before, after in itertools.pairwise(steps):  # each on the last one's result
        assert after.input_paths[0].read_bytes() == before.output_paths[0].read_bytes()


def test_a_replay_stops_at_the_first_failure_and_when_stop_is_pressed(runner, sim, photo):
    _root, _child, last = line_of_three(runner, photo)
    plan = plan_replay(runner, ALICE, last.run_id, None, 7)
    fault = [{}, {"status": 400, "code": "InvalidParameter", "message": "no"}]
    httpx2.post(sim.origin + "/_simulator/faults", json=fault).raise_for_status()
    sent = len(received(sim))
    failed = run_replay(runner, plan, ALICE, None)
    assert failed.failed_step == 2 and "no" in failed.error and len(failed.run_ids) == 2
    assert len(received(sim)) == sent + 2  # step 3 never went

    stop = threading.Event()
    stopped = run_replay(runner, plan, ALICE, None, stop, on_step=lambda _n, _o: stop.set())
    assert stopped.stopped and len(stopped.run_ids) == 1
    assert len(received(sim)) == sent + 3


def test_a_line_the_new_model_cannot_take_is_refused_whole_naming_the_step(runner, sim, photo):
    root = turn(runner, ALICE, "a cat", [photo])
    five = EditParams(prompt="five of them", model="qwen-image-2.0-pro", n=5)
    wide = runner.run(five, [str(root.output_paths[0])], ALICE, None,
                      lineage=Lineage(root.run_id, 1))  # fmt: skip
    sent = len(received(sim))
    with pytest.raises(StepRefused) as refused:
        plan_replay(runner, ALICE, wide.run_id, "wan2.7-image-pro", None)
    assert refused.value.step == 2 and "n" in str(refused.value)
    with pytest.raises(UnknownParent):
        plan_replay(runner, MALLORY, wide.run_id, "wan2.7-image-pro", None)
    assert len(received(sim)) == sent
