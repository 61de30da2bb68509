"""What History says, in the browser's language: a run acted on after it was deleted (in
another tab) is named so in words where it was shown, with the list read again; the API's
endpoints refuse the same with an error; the list's notes and statuses have both languages."""

from __future__ import annotations

from types import SimpleNamespace

import gradio as gr
import pytest

from tests.history.support import new_run
from tests.ui.test_history_outputs import declared, filled, page  # noqa: F401 (a fixture)
from ui.core.texts import text_in
from ui.history.handlers import caption

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

LANGUAGES = {"en": "en-GB,en", "zh": "zh-CN,zh"}


def alice(language: str) -> SimpleNamespace:
    return SimpleNamespace(
        username="alice", query_params={}, headers={"accept-language": LANGUAGES[language]}
    )


def deleted_run(history) -> str:
    """The id of one of Alice's runs, deleted since (as by another tab)."""
    store = history.ctx.store
    run_id = store.save_run(new_run("user:alice", prompt="a lighthouse")).id
    assert store.delete_run("user:alice", run_id)
    return run_id


ON_PAGE = {
    "open": "open_on_page",
    "restore": "restore_on_page",
    "download": "export_run",
    "delete": "delete_on_page",
}
"""The page's actions on an opened run, by the name of their handler."""
DECLARED = {
    "open": lambda history: history.gone,
    "restore": lambda history: [*history.editor.outputs(), *history.gone],
    "download": lambda history: history.exported,
    "delete": lambda history: history.deleted_on_page,
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("action", ON_PAGE)
def test_acting_on_a_run_deleted_elsewhere_says_so_in_words_and_lists_again(
    page,  # noqa: F811
    action,
    language,
):
    history, _ = page
    act = getattr(history, ON_PAGE[action])
    answer = act(deleted_run(history), "", "All models", alice(language))
    tab = history.tab
    assert answer[tab.detail_text] == text_in(language, "run_gone")
    assert answer[tab.detail] == gr.update(visible=True)
    assert answer[tab.detail_outputs] == [] and answer[tab.shown_runs] == []
    assert filled(answer) <= declared(DECLARED[action](history))
    assert history.editor.tabs not in answer, "the editor is left as it was"


@pytest.mark.parametrize(
    ("language", "restore_words", "delete_words"),
    [
        ("en", "That run is not in your history.", "Only your own runs can be deleted"),
        ("zh", "这次运行不在你的历史中。", "只能删除你自己的运行"),
    ],
)
def test_the_api_refuses_a_run_deleted_elsewhere_with_an_error_in_the_caller_s_language(
    page,  # noqa: F811
    language,
    restore_words,
    delete_words,
):
    history, _ = page
    run_id = deleted_run(history)
    with pytest.raises(gr.Error, match=restore_words):
        history.restore_run(run_id, alice(language))
    with pytest.raises(gr.Error, match=delete_words):
        history.delete_run(run_id, "", "All models", alice(language))
    assert history.open_run(run_id, alice(language))[history.tab.detail_text] == ""


def test_run_again_stops_before_running_a_run_deleted_elsewhere(page):  # noqa: F811
    history, _ = page
    run_id = deleted_run(history)
    with pytest.raises(gr.Error) as refused:
        history.still_there(run_id, alice("zh"))
    assert not refused.value.visible, "the restore before it has said so in words"
    kept = history.ctx.store.save_run(new_run("user:alice")).id
    assert history.still_there(kept, alice("zh")) is None


def test_deleting_someone_else_s_run_in_the_shared_scope_says_so_and_keeps_it(page):  # noqa: F811
    history, _ = page
    history.ctx.visible_to = lambda owner: None  # the shared scope: everyone sees every run
    run_id = history.ctx.store.save_run(new_run("user:bob", prompt="bob's poster")).id
    answer = history.delete_on_page(run_id, "", "All models", alice("zh"))
    assert answer[history.tab.detail_text].startswith(text_in("zh", "delete_not_yours"))
    assert "bob's poster" in answer[history.tab.detail_text]
    assert history.ctx.store.get_run(None, run_id) is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_no_match_note_names_the_term_searched_for(page, language):  # noqa: F811
    history, _ = page
    history.ctx.store.save_run(new_run("user:alice", prompt="a green meadow"))
    answer = history.list_history("  zeppelin ", "All models", alice(language))
    assert answer[history.tab.empty]["value"] == text_in(language, "no_match", search="zeppelin")
    found = history.list_history("meadow", "All models", alice(language))
    assert [entry[2].split("\n")[0] for entry in found[history.tab.shown_runs]] == [
        "a green meadow"
    ]


def test_a_finished_notice_without_a_run_says_so_in_words(page):  # noqa: F811
    history, _ = page
    answer = history.reopen(None, alice("zh"))
    assert answer == {history.tab.finished_notice: text_in("zh", "finished_gone")}


@pytest.mark.parametrize(
    ("status", "stopped", "language", "words"),
    [
        ("ok", False, "en", "done"),
        ("ok", False, "zh", "完成"),
        ("partial", False, "zh", "部分完成"),
        ("failed", False, "zh", "失败"),
        ("ok", True, "zh", "已停止"),
        ("ok", True, "en", "stopped"),
    ],
)
def test_the_list_names_a_run_s_status_in_the_page_s_language(status, stopped, language, words):
    run = SimpleNamespace(
        created_at=0.0, status=status, stopped=stopped, owner_label=None, prompt="p", model="m"
    )
    assert caption(run, language).endswith(words)
