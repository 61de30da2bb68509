"""History and edit threads: a list entry says how many runs and branches its tree holds (read
once per listed page), and deleting a run that later runs grew from asks what happens to them,
then does what it said: this run only (the others stay, the tree shows the gap) or the whole
line from it."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from history.lineage import TreeShape
from tests.history.support import new_run
from tests.ui.test_history_outputs import declared, filled, page  # noqa: F401 (a fixture)
from ui.core.texts import text_in
from ui.history.handlers import caption

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

LANGUAGES = {"en": "en-GB,en", "zh": "zh-CN,zh"}
OWNER = "user:alice"


def alice(language: str = "en") -> SimpleNamespace:
    return SimpleNamespace(
        username="alice", query_params={}, headers={"accept-language": LANGUAGES[language]}
    )


def summary(prompt: str = "p") -> SimpleNamespace:
    return SimpleNamespace(
        created_at=0.0, status="ok", stopped=False, owner_label=None, prompt=prompt, model="m"
    )


@pytest.mark.parametrize(
    ("shape", "language", "words"),
    [
        (TreeShape(5, 2), "en", "done · 5 runs, 2 branches"),
        (TreeShape(3, 1), "en", "done · 3 runs, 1 branch"),
        (TreeShape(5, 2), "zh", "完成 · 5 次运行，2 个分支"),
        (TreeShape(3, 1), "zh", "完成 · 3 次运行，1 个分支"),
    ],
)
def test_an_entry_says_how_many_runs_and_branches_its_tree_holds(shape, language, words):
    assert caption(summary(), language, shape).endswith(words)


@pytest.mark.parametrize("shape", [None, TreeShape(1, 1)])
def test_a_run_alone_says_nothing_of_a_tree(shape):
    assert caption(summary(), "en", shape).endswith("· done")


def grow(store):
    """root → child → grandchild, and a run of its own."""
    root = store.save_run(new_run(OWNER, prompt="a cat on a sofa"))
    child = store.save_run(new_run(OWNER, prompt="hat red", parent=root.id, result_index=1))
    grandchild = store.save_run(new_run(OWNER, prompt="at night", parent=child.id))
    branch = store.save_run(new_run(OWNER, prompt="no dog", parent=root.id, result_index=1))
    lone = store.save_run(new_run(OWNER, prompt="alone"))
    return root, child, grandchild, branch, lone


def test_the_list_reads_the_trees_once_per_page(page, monkeypatch):  # noqa: F811
    history, _ = page
    store = history.ctx.store
    root, child, grandchild, branch, lone = grow(store)
    reads = []
    for name in ("tree_shapes", "tree", "get_run"):
        real = getattr(store, name)
        monkeypatch.setattr(store, name, lambda *a, _r=real, _n=name: reads.append(_n) or _r(*a))

    shown = history.list_history("", "All models", alice("en"))[history.tab.shown_runs]

    assert reads == ["tree_shapes"]
    captions = {run_id: text for run_id, _thumbnail, text in shown}
    for run in (root, child, grandchild, branch):
        assert captions[run.id].endswith("· 4 runs, 2 branches")
    assert captions[lone.id].endswith("· done")
    more = history.more_history("", "All models", shown[:2], alice("zh"))
    assert more[history.tab.shown_runs][2][2].endswith("· 4 次运行，2 个分支")


def test_deleting_a_run_alone_asks_once(page):  # noqa: F811
    history, _ = page
    lone = grow(history.ctx.store)[-1]
    asked = history.ask_delete(lone.id, alice("en"))
    assert filled(asked) == declared(history.asked)
    assert asked[history.tab.confirm_text] == text_in("en", "confirm_question")
    assert asked[history.tab.confirm_delete] == "Yes, delete it"
    assert asked[history.tab.confirm_delete_all]["visible"] is False


@pytest.mark.parametrize("language", LANGUAGES)
def test_deleting_a_run_with_later_runs_asks_what_happens_to_them(page, language):  # noqa: F811
    history, _ = page
    root, child, *_ = grow(history.ctx.store)
    asked = history.ask_delete(root.id, alice(language))
    assert filled(asked) == declared(history.asked)
    assert asked[history.tab.confirm_delete] == text_in(language, "delete_run_only", later=3)
    assert asked[history.tab.confirm_delete_all]["visible"] is True
    with_later = asked[history.tab.confirm_delete_all]["value"]
    assert with_later == text_in(language, "delete_with_later", later=3)
    if language == "en":
        assert with_later == "Delete it and its 3 later runs"
        assert "(its 3 later runs stay, the tree shows a gap)" in asked[history.tab.confirm_delete]
    assert "3" in asked[history.tab.confirm_text]
    one = history.ask_delete(child.id, alice(language))[history.tab.confirm_delete]
    assert one == text_in(language, "delete_run_only_one")
    if language == "en":
        assert one == "Delete this run only (its later run stays, the tree shows a gap)"


def test_this_run_only_leaves_its_later_runs_with_a_gap(page):  # noqa: F811
    history, _ = page
    store = history.ctx.store
    root, child, grandchild, branch, _lone = grow(store)
    answer = history.delete_on_page(child.id, "", "All models", alice())
    assert filled(answer) <= declared(history.deleted_on_page)
    assert store.get_run(OWNER, child.id) is None
    assert store.get_run(OWNER, grandchild.id) is not None
    tree = store.tree(OWNER, grandchild.id)
    assert [node.id for node in tree.nodes] == [root.id, grandchild.id, branch.id]
    assert tree.node(grandchild.id).parent == child.id  # the gap


def test_with_its_later_runs_deletes_the_line_from_it(page):  # noqa: F811
    history, _ = page
    store = history.ctx.store
    root, *_line, lone = grow(store)
    answer = history.delete_line_on_page(root.id, "", "All models", alice())
    assert filled(answer) <= declared(history.deleted_on_page)
    assert [run.id for run in store.list_runs(OWNER)] == [lone.id]
    shown = answer[history.tab.shown_runs]
    assert [run_id for run_id, *_ in shown] == [lone.id]


def test_the_api_s_delete_still_deletes_the_run_only(page):  # noqa: F811
    history, _ = page
    store = history.ctx.store
    root, child, grandchild, branch, _lone = grow(store)
    answer = history.delete_run(root.id, "", "All models", alice())
    assert filled(answer) == declared(history.deleted)
    assert store.get_run(OWNER, root.id) is None
    assert {node.id for node in store.tree(OWNER, child.id).nodes} == {
        child.id, grandchild.id, branch.id
    }  # fmt: skip
