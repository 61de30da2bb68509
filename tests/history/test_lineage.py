"""Edit threads in the store: a run continues another from one of its results, a tree is read
back whole and only for its owner, a deletion leaves a gap or takes the branch, and a store from
before threads upgrades with every old run the root of a tree of its own."""

import json
import sqlite3
import zipfile

import pytest

from history import HistoryStore, RunJournal, export_zip
from history.lineage import Lineage
from tests.history.support import new_run


def grow(store, owner="anon:alice"):
    """root → a, b (two children of root's results 1 and 2) → a → grandchild."""
    root = store.save_run(new_run(owner, prompt="a cat on a sofa"))
    a = store.save_run(new_run(owner, prompt="make the hat red", parent=root.id, result_index=1))
    b = store.save_run(new_run(owner, prompt="remove the dog", parent=root.id, result_index=2))
    grandchild = store.save_run(new_run(owner, prompt="now at night", parent=a.id, result_index=1))
    return root, a, b, grandchild


def test_a_tree_is_read_back_whole_from_any_of_its_runs(store):
    root, a, b, grandchild = grow(store)
    store.save_run(new_run(prompt="an unrelated run"))

    for member in (root, a, b, grandchild):
        tree = store.tree("anon:alice", member.id)
        assert tree.root == root.id
        assert [node.id for node in tree.nodes] == [root.id, a.id, b.id, grandchild.id]
    tree = store.tree("anon:alice", b.id)
    assert tree.node(b.id).parent == root.id and tree.node(b.id).result_index == 2
    assert tree.node(root.id).parent is None
    assert [node.prompt for node in tree.line(grandchild.id)] == [
        "a cat on a sofa", "make the hat red", "now at night"
    ]  # fmt: skip
    assert tree.descendants(root.id) == [a.id, b.id, grandchild.id]
    assert json.loads(json.dumps(tree.as_json()))["nodes"][1] == {
        "id": a.id, "parent": root.id, "result_index": 1, "prompt": "make the hat red",
        "model": a.model, "seed": 7, "status": "ok", "created_at": a.created_at,
        "branch_label": None,
    }  # fmt: skip
    assert store.get_run("anon:alice", grandchild.id).root == root.id


def test_list_entries_know_their_tree_shape(store):
    root, _a, _b, _grandchild = grow(store)
    lone = store.save_run(new_run(prompt="alone"))
    runs = store.list_runs("anon:alice")
    shapes = store.tree_shapes("anon:alice", runs)
    assert shapes[root.id].runs == 4 and shapes[root.id].branches == 2
    assert shapes[lone.id].runs == 1 and shapes[lone.id].branches == 1
    assert {run.root for run in runs} == {root.id, lone.id}


def test_another_visitor_sees_no_tree_and_cannot_graft_onto_one(store):
    root, a, _b, _grandchild = grow(store)
    assert store.tree("anon:mallory", a.id) is None
    grafted = store.save_run(new_run("anon:mallory", parent=a.id, result_index=1))
    assert store.tree("anon:mallory", grafted.id).root == grafted.id  # a tree of its own
    assert [n.id for n in store.tree("anon:alice", root.id).nodes if n.id == grafted.id] == []
    assert len(store.tree(None, root.id).nodes) == 4  # the shared scope sees everyone's


def test_deleting_a_run_leaves_a_gap_or_takes_its_branch(store):
    root, a, b, grandchild = grow(store)
    assert store.delete_run("anon:alice", a.id)
    tree = store.tree("anon:alice", grandchild.id)
    assert [node.id for node in tree.nodes] == [root.id, b.id, grandchild.id]
    assert tree.node(grandchild.id).parent == a.id  # the gap: its parent is named, not there
    assert [node.id for node in tree.children(None)] == [root.id, grandchild.id]
    assert store.get_run("anon:alice", grandchild.id).output_paths[0].exists()

    assert store.delete_run("anon:alice", root.id, with_descendants=True)
    assert store.get_run("anon:alice", b.id) is None  # root's branch went with it
    left = store.tree("anon:alice", grandchild.id)  # but not the run behind the gap
    assert [node.id for node in left.nodes] == [grandchild.id]


def test_a_copy_from_a_link_and_a_completed_run_keep_their_own_lineage(store):
    root, a, _b, _grandchild = grow(store)
    copy = store.save_copy(store.get_run("anon:alice", a.id), "anon:bob")
    assert copy.parent is None and copy.root == copy.id

    journal = RunJournal(store)
    sending = journal.begin(new_run(prompt="sent from a", parent=a.id, result_index=1))
    assert sending.status == "sending" and sending.root == root.id
    done = journal.finish(sending.id, new_run(prompt="sent from a", parent=a.id, result_index=1))
    assert (done.run.parent, done.run.result_index, done.run.root) == (a.id, 1, root.id)
    assert store.tree("anon:alice", a.id).node(sending.id).status == "ok"


def test_the_zip_carries_the_lineage(store):
    root, a, _b, _grandchild = grow(store)
    archive = export_zip(store.get_run("anon:alice", a.id))
    with zipfile.ZipFile(archive) as bundle:
        record = json.loads(bundle.read("run.json"))
    assert record["lineage"] == {"root": root.id, "parent": root.id, "result_index": 1}


def test_a_store_from_before_threads_gains_them(tmp_path):
    store = HistoryStore(tmp_path)
    old = store.save_run(new_run(prompt="from before threads")).id
    store.close()
    db = sqlite3.connect(tmp_path / "history.sqlite3", isolation_level=None)
    db.execute("DROP INDEX runs_by_root")
    for column in ("parent", "result_index", "root", "branch_label"):
        db.execute(f"ALTER TABLE runs DROP COLUMN {column}")
    db.execute("DELETE FROM _migrations WHERE name = 'm009_lineage'")
    db.close()

    store = HistoryStore(tmp_path)
    assert store.get_run("anon:alice", old).root == old
    child = store.save_run(new_run(parent=old, result_index=1))
    assert [node.id for node in store.tree("anon:alice", old).nodes] == [old, child.id]
    store.close()


def test_a_replayed_branch_joins_the_tree_it_replays(store):
    root, a, _b, _grandchild = grow(store)
    label = "on wan2.7-image-pro, seed 42"
    first = store.save_run(new_run(prompt=root.prompt, joins=a.id, branch_label=label))
    second = store.save_run(new_run(prompt=a.prompt, parent=first.id, result_index=1))
    tree = store.tree("anon:alice", second.id)
    assert tree.root == root.id
    assert [node.id for node in tree.children(None)] == [root.id, first.id]
    assert tree.node(first.id).branch_label == label and tree.node(first.id).parent is None
    assert [node.id for node in tree.line(second.id)] == [first.id, second.id]
    stranger = store.save_run(new_run("anon:mallory", joins=a.id))
    assert stranger.root == stranger.id


def test_a_parent_is_a_run_id_and_a_result_number():
    assert Lineage.parse("0190abc") == Lineage("0190abc", 1)
    assert Lineage.parse(" 0190abc#3 ") == Lineage("0190abc", 3)
    for bad in ("", "#2", "0190abc#0", "0190abc#x", "../etc#1", "a b"):
        with pytest.raises(ValueError):
            Lineage.parse(bad)
