"""The version tree's drawing (ui/threads/tree_view.py) keeps each run drawn between opens: what
a person sees must still follow the tree as it is now — the opened run, a run whose status or
label changed, a prompt with markup."""

from __future__ import annotations

from history import Tree, TreeNode
from ui.threads.tree_view import tree_html


def node(run_id: str, parent: str | None = None, **changes) -> TreeNode:
    values = {"prompt": f"turn {run_id}", "model": "qwen-image-2.0-pro", "seed": 7}
    values |= {"status": "ok", "created_at": 1.0, **changes}
    return TreeNode(run_id, parent, 1 if parent else None, **values)


def picture(run_id: str) -> str:
    return f"/gate/{run_id}.webp"


def opened_runs(drawing: str) -> list[str]:
    return [part.split('"')[0] for part in drawing.split('class="tree-node opened" data-run="')[1:]]


def test_drawn_again_the_tree_marks_the_run_opened_now_and_each_run_as_it_is_now():
    root, child = node("a"), node("b", "a")
    first = tree_html(Tree("a", (root, child)), "a", picture)
    assert opened_runs(first) == ["a"]
    assert opened_runs(tree_html(Tree("a", (root, child)), "b", picture)) == ["b"]

    failed = node("b", "a", status="failed", branch_label="on wan2.7-image-pro")
    again = tree_html(Tree("a", (root, failed)), "a", picture)
    assert "tree-failed" in again and "on wan2.7-image-pro" in again
    assert "tree-failed" not in first


def test_a_prompt_is_escaped_every_time_it_is_drawn():
    hostile = node("a", prompt='<img src=x onerror="alert(1)">')
    for _ in range(2):
        drawing = tree_html(Tree("a", (hostile,)), "a", picture)
        assert "<img src=x" not in drawing and "&lt;img src=x" in drawing
