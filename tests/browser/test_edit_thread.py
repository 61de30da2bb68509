"""An edit thread in a real Chromium: Continue editing twice makes a line of three turns, the
thread beside the editor shows them, a click on the first goes back to it, the next run starts
a branch there, and History's tree of the opened run shows both branches."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from PIL import Image

from history import HistoryStore
from tests.app_process import app_process

pytestmark = pytest.mark.browser

PROMPTS = ["a red hat on the cat", "now make the hat blue", "add a small bird"]


WORDS = {
    "en-US": {"prompt": "Prompt", "continue": "Continue editing", "history": "History"},
    "zh-CN": {"prompt": "提示词", "continue": "继续编辑", "history": "历史"},
}


def run_and_wait(page, store: HistoryStore, words: dict, prompt: str, runs_before: int) -> None:
    """Types `prompt`, runs, and waits until the new run's result shows (its picture's address
    names the run)."""
    page.locator("#prompt textarea").fill(prompt)
    page.locator("#run-button").click()
    deadline = time.monotonic() + 60
    while store.count_runs() <= runs_before or store.list_runs(None, limit=1)[0].status != "ok":
        assert time.monotonic() < deadline, "the run never finished"
        time.sleep(0.2)
    newest = store.list_runs(None, limit=1)[0].id
    page.locator(f'#results img[src*="{newest}"]').first.wait_for(timeout=30_000)


def continue_editing(page, words: dict) -> None:
    page.locator("#results img").first.click()
    page.get_by_role("button", name=words["continue"]).click()
    page.wait_for_function(
        "document.querySelectorAll('#input-images img').length === 1", timeout=30_000
    )


def turns(page) -> list[str]:
    return page.locator("#edit-thread .tree-prompt").all_inner_texts()


@pytest.mark.parametrize(("width", "height", "locale"), [(390, 844, "zh-CN")])
def test_continue_twice_go_back_one_turn_and_branch(browser, tmp_path, width, height, locale):
    shots = Path("/tmp/thread-shots")
    shots.mkdir(exist_ok=True)
    picture = tmp_path / "cat.png"
    Image.new("RGB", (640, 480), (200, 120, 60)).save(picture)
    words = WORDS[locale]
    with app_process(["python", "app.py"], tmp_path) as app:
        store = HistoryStore(app.history_dir)
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        page = context.new_page()
        page.goto(app.url)
        page.locator("#run-button").wait_for()
        page.locator("#input-images input[type=file]").set_input_files([str(picture)])
        page.locator("#input-images img").first.wait_for()
        assert not page.locator("#edit-thread").is_visible()  # an upload starts no thread

        for number, prompt in enumerate(PROMPTS):
            run_and_wait(page, store, words, prompt, number)
            continue_editing(page, words)
            page.wait_for_function(
                "(n) => document.querySelectorAll('#edit-thread .tree-prompt').length === n",
                arg=number + 1,
                timeout=30_000,
            )
        assert [re.sub(r"^\d+\. ", "", turn) for turn in turns(page)] == PROMPTS
        page.locator("#edit-thread").screenshot(path=str(shots / f"thread-{width}.png"))
        page.screenshot(path=str(shots / f"editor-{width}.png"), full_page=True)

        page.locator("#edit-thread [data-run]").first.click()  # back to the first turn
        page.wait_for_function(
            "document.querySelectorAll('#edit-thread .tree-prompt').length === 1", timeout=30_000
        )
        run_and_wait(page, store, words, "a green scarf instead", 3)

        runs = sorted(store.list_runs(None), key=lambda run: run.id)
        first, second, third, branch = runs
        tree = store.tree(None, branch.id)
        assert [run.prompt for run in runs] == [*PROMPTS, "a green scarf instead"]
        assert tree.root == first.id
        assert tree.node(second.id).parent == first.id
        assert tree.node(third.id).parent == second.id
        assert tree.node(branch.id).parent == first.id  # a branch from the first turn
        assert [node.id for node in tree.children(first.id)] == [second.id, branch.id]

        page.get_by_role("tab", name=words["history"]).click()
        page.locator("#history-gallery img").first.click()
        page.locator("#run-tree .tree-node.opened").wait_for(timeout=30_000)
        assert page.locator("#run-tree .tree-node").count() == 4
        page.locator("#run-tree").screenshot(path=str(shots / f"tree-{width}.png"))
        context.close()
        store.close()
