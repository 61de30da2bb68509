"""Issue 25's Presets panel in a real Chromium, on a desktop and a phone (and in Chinese): the
editor's prompt, with a {placeholder}, and its settings are saved as a preset; picking it asks for
the placeholder in a field named after it; Fill puts the filled prompt and the saved settings
back in the editor; a built-in example fills the editor too, and only your own preset offers
Delete. The presets are exported as a file, and a bad file is refused whole, saying what is
wrong and where. Every step's words and fields stay inside the screen.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from examples import EXAMPLES
from history.presets import FORMAT, VERSION
from tests.app_process import AppProcess, app_process
from tests.browser.test_page import DESKTOP, PHONE

pytestmark = pytest.mark.browser

WORDS = {
    "en-US": {"title": "Presets", "saved": "Saved the preset", "filled": "is in the editor"},
    "zh-CN": {"title": "预设", "saved": "已保存预设", "filled": "已填入编辑器"},
}
FUSION_MODEL = next(e.model for e in EXAMPLES if e.model != EXAMPLES[0].model)
"""A model other than the first example's: the preset's, which Fill must bring back."""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    with app_process(["python", "app.py"], tmp_path_factory.mktemp("presets")) as running:
        yield running


def open_panel(browser, app: AppProcess, viewport: dict, locale: str):
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(app.url)
    page.locator("#run-button").wait_for()
    page.locator("#presets").get_by_text(WORDS[locale]["title"], exact=True).click()
    page.locator("#preset-name").wait_for()
    return page


def field(page, selector: str):
    return page.locator(selector).locator("input, textarea").first


def pick(page, name: str) -> None:
    field(page, "#preset-pick").click()
    page.get_by_role("option", name=name).first.click()


def inside_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def status_says(page, words: str) -> None:
    page.locator("#preset-status").get_by_text(words).wait_for(timeout=15_000)


def choose_model(page, name: str) -> None:
    field(page, "#model").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.locator("#input-notes").get_by_text(name).first.wait_for()


def fill_editor(page, words: str, prompt: str) -> None:
    page.locator("#preset-fill").click()
    status_says(page, words)
    page.wait_for_function(
        "(text) => document.querySelector('#prompt textarea').value === text", arg=prompt
    )


@pytest.mark.parametrize(
    ("viewport", "locale"),
    [(DESKTOP, "en-US"), (PHONE, "zh-CN")],
    ids=["desktop", "phone-zh"],
)
def test_the_editor_is_saved_as_a_preset_and_filled_back_from_it(
    browser, app, tmp_path, viewport, locale
):
    page = open_panel(browser, app, viewport, locale)
    words = WORDS[locale]
    name = f"white counter {viewport['width']} {locale}"
    choose_model(page, FUSION_MODEL)
    field(page, "#prompt").fill("{subject} on a white counter, soft shadow")
    field(page, "#preset-name").fill(name)
    page.locator("#preset-save").click()
    status_says(page, words["saved"])
    page.locator("#preset-status").scroll_into_view_if_needed()
    assert inside_viewport(page, "#preset-status") and inside_viewport(page, "#preset-save")
    page.screenshot(path=str(tmp_path / f"saved-{viewport['width']}-{locale}.png"))

    single = EXAMPLES[0]
    pick(page, "1. ")
    page.locator("#preset-about").get_by_text(single.model).wait_for()
    assert not page.locator("#preset-delete").is_visible(), "a built-in example is read-only"
    fill_editor(page, words["filled"], single.prompt)
    assert field(page, "#model").input_value() == single.model

    pick(page, name)
    page.locator("#preset-value-1").get_by_text("subject").wait_for()
    assert page.locator("#preset-delete").is_visible(), "your own preset can be deleted"
    assert not page.locator("#preset-value-2").is_visible()
    field(page, "#preset-value-1").fill("a blue mug")
    assert "wire_format" not in page.locator("#preset-about").inner_text(), "untouched: not kept"
    fill_editor(page, words["filled"], "a blue mug on a white counter, soft shadow")
    assert field(page, "#model").input_value() == FUSION_MODEL, "the preset's model is back"
    page.locator("#preset-pick").scroll_into_view_if_needed()
    assert inside_viewport(page, "#preset-values") and inside_viewport(page, "#preset-fill")
    page.screenshot(path=str(tmp_path / f"filled-{viewport['width']}-{locale}.png"))


def test_presets_are_exported_and_a_bad_file_is_refused_saying_why(browser, app, tmp_path):
    page = open_panel(browser, app, DESKTOP, "en-US")
    field(page, "#prompt").fill("{product} on slate")
    field(page, "#preset-name").fill("slate")
    page.locator("#preset-save").click()
    status_says(page, "Saved the preset")
    page.locator("#preset-export").click()
    status_says(page, "Presets in the file below: 1")
    link = page.locator('#preset-file a[download="presets.json"]')
    link.wait_for()
    exported = page.request.get(link.get_attribute("href")).json()
    assert [preset["name"] for preset in exported["presets"]] == ["slate"]

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": FORMAT, "version": VERSION, "presets": [
        {"name": "ok", "template": "x"}, {"name": "two", "template": "y", "params": {"n": "2"}}
    ]}))  # fmt: skip
    page.locator("#preset-import input[type=file]").set_input_files(str(bad))
    toast = page.get_by_text("Preset 2 of the file: “params.n” must be a whole number")
    toast.wait_for(timeout=15_000)
    assert inside_viewport(page, "#preset-import")
    page.screenshot(path=str(tmp_path / "refused-import.png"))
    field(page, "#preset-pick").click()
    assert page.get_by_role("option", name="two").count() == 0, "nothing of the file was kept"
