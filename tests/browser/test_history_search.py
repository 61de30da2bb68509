"""Issue 22, items 3 and 6, in a real Chromium: History's search follows whatever the box holds
(a word pasted with Ctrl+V, one typed fast, the box cut empty) at once, and its "no match" note
names that very term; on a Chinese page, deleting a run another tab deleted already says so in
Chinese words, not with a bare red "Error".

The app runs on its built-in simulator, quick here: the runs are only the list's material.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.app_process import AppProcess, app_process
from tests.browser.test_page import DESKTOP, PHONE, add_inputs
from ui.core.texts import text_in

pytestmark = pytest.mark.browser

PROMPTS = ("a red lighthouse at dusk", "a green meadow in spring", "a blue harbour at night")
PROMPTLY_MS = 5_000
"""How long the list may take to follow the box (the old page took 10 s and more, or never)."""
EDIT_TAB = re.compile("^(Edit|编辑)$")
HISTORY_TAB = re.compile("^(History|历史)$")
LISTED_JS = """() => [...document.querySelectorAll('#history-gallery .caption-label')]
    .map(e => e.textContent.split('\\n')[0].trim())"""
"""The prompts History lists, newest first (its tab need not be shown)."""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("search")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "0.2"}) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "square.png"
    Image.new("RGB", (512, 512), (90, 140, 200)).save(path)
    return path


def make_runs(page, picture: Path, prompts: tuple[str, ...]) -> None:
    """Runs each prompt on the picture, one after the other, on a page in either language: a
    run is done when History lists it (and Run can be pressed again). Ends on History."""
    add_inputs(page, picture)
    for prompt in prompts:
        page.get_by_role("tab", name=EDIT_TAB).click()
        page.locator("#prompt textarea").fill(prompt)
        page.locator("#run-button").click()
        page.get_by_role("tab", name=HISTORY_TAB).click()
        page.wait_for_function(
            f"(prompt) => ({LISTED_JS})().includes(prompt)"
            " && !document.querySelector('#run-button').disabled",
            arg=prompt,
            timeout=60_000,
        )


def wait_for_list(page, prompts: list[str]) -> None:
    """Waits (a few seconds at most) until History lists exactly `prompts`, newest first."""
    page.wait_for_function(
        f"(expected) => JSON.stringify(({LISTED_JS})()) === JSON.stringify(expected)",
        arg=prompts,
        timeout=PROMPTLY_MS,
    )


def paste(page, box, text: str) -> None:
    """Replaces what `box` holds by `text`, through the clipboard and Ctrl+V, as a person does."""
    page.evaluate("(text) => navigator.clipboard.writeText(text)", text)
    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Control+V")


def note(page):
    return page.locator("#history-empty")


def test_the_list_follows_a_pasted_typed_or_cut_search_and_the_note_names_the_term(
    browser, app, picture, tmp_path
):
    context = browser.new_context(
        viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.goto(app.url)
    make_runs(page, picture, PROMPTS)
    every_run = list(reversed(PROMPTS))
    wait_for_list(page, every_run)
    box = page.get_by_label("Search prompts")

    paste(page, box, "meadow")
    wait_for_list(page, ["a green meadow in spring"])
    page.screenshot(path=str(tmp_path / "pasted.png"))

    paste(page, box, "zeppelin")
    wait_for_list(page, [])
    note(page).get_by_text("No run matches “zeppelin”.", exact=True).wait_for(timeout=PROMPTLY_MS)

    box.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Control+X")  # cut: the box is empty, every run comes back
    wait_for_list(page, every_run)
    note(page).wait_for(state="hidden", timeout=PROMPTLY_MS)

    page.keyboard.type("harbourx")  # typed fast: the note names the whole word, not "harbour"
    note(page).get_by_text("No run matches “harbourx”.", exact=True).wait_for(timeout=PROMPTLY_MS)
    page.keyboard.press("Backspace")
    wait_for_list(page, ["a blue harbour at night"])
    assert box.input_value() == "harbour"
    page.screenshot(path=str(tmp_path / "typed.png"))

    paste(page, box, "nothing like it")
    note(page).get_by_text("No run matches “nothing like it”.", exact=True).wait_for(
        timeout=PROMPTLY_MS
    )
    page.set_viewport_size(PHONE)
    note(page).scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "no-match-phone.png"))
    context.close()


def test_a_chinese_page_says_in_chinese_words_that_a_run_was_deleted_in_another_tab(
    browser, app, picture, tmp_path
):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")  # one visitor, two tabs
    first = context.new_page()
    first.goto(app.url)
    make_runs(first, picture, ("a run deleted twice",))
    second = context.new_page()
    second.goto(app.url)
    second.get_by_role("tab", name="历史").click()
    for page in (first, second):
        page.locator("#history-gallery").get_by_text("a run deleted twice").first.click()
        page.locator("#run-detail").get_by_text("a run deleted twice").first.wait_for()
    for page in (first, second):  # the first tab deletes it, then the second tries to
        page.get_by_role("button", name="删除…").click()
        page.locator("#confirm-delete").get_by_role("button", name="确认删除").click()
        page.locator("#history-gallery").get_by_text("a run deleted twice").wait_for(
            state="detached"
        )

    gone = text_in("zh", "run_gone")
    second.locator("#run-detail").get_by_text("这次运行已不在你的历史中").wait_for()
    assert "另一个标签页" in second.locator("#run-detail").inner_text()
    second.get_by_role("button", name="恢复到编辑器").click()  # Restore: the same words
    second.locator("#run-detail").get_by_text("这次运行已不在你的历史中").wait_for()
    assert second.get_by_text("Error", exact=True).count() == 0, "a bare red Error pill"
    assert not second.locator("#run-download-file").is_visible(), "the zip's hidden button"
    assert "⚠" in gone
    second.screenshot(path=str(tmp_path / "deleted-elsewhere-zh.png"))
    second.set_viewport_size(PHONE)
    second.locator("#run-detail").scroll_into_view_if_needed()
    second.screenshot(path=str(tmp_path / "deleted-elsewhere-zh-phone.png"))
    context.close()
