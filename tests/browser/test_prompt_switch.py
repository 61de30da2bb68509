"""Issue 22 item 8 in a real Chromium: the prompt-rewrite switch beside the prompt, the plan that
never claims a count for an n the model does not take, and a refusal of boxes that names the
Region boxes control the person sees (not the wire field `bbox_list`), in both languages.

The app runs on its built-in simulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from client.models import MODELS
from tests.app_process import AppProcess, app_process

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
WAN = next(name for name, spec in MODELS.items() if "bbox_list" in spec.optional_fields)
NO_BOXES = next(name for name, spec in MODELS.items() if "bbox_list" not in spec.optional_fields)


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("switch")
    with app_process(["python", "app.py"], root) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "field.png"
    Image.new("RGB", (640, 480), (90, 160, 60)).save(path)
    return path


def open_page(browser, app: AppProcess, viewport=DESKTOP, locale: str = "en-US"):
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(app.url)
    page.locator("#run-button").wait_for()
    return page


def add_input(page, picture: Path) -> None:
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()


def choose_model(page, name: str) -> None:
    page.locator("#model input").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.locator("#input-notes").get_by_text(name).first.wait_for()


def revised_after_run(page) -> str:
    """Runs the editor and returns the run's revised prompt ("" when none came back)."""
    used = page.get_by_label("Seed used")
    page.locator("#run-button").click()
    page.wait_for_function("(el) => el.value !== ''", arg=used.element_handle(), timeout=60_000)
    return page.get_by_label("Revised prompt").input_value()


def test_the_prompt_rewrite_switch_sits_by_the_prompt_and_decides_the_run(
    browser, app, picture, tmp_path
):
    page = open_page(browser, app)
    switch = page.locator("#prompt-extend")
    assert switch.is_visible()  # no settings to open first
    prompt_box = page.locator("#prompt").bounding_box()
    switch_box = switch.bounding_box()
    assert 0 <= switch_box["y"] - (prompt_box["y"] + prompt_box["height"]) < 80
    assert switch_box["y"] < page.locator("#run-button").bounding_box()["y"]
    page.get_by_text("More settings").click()
    assert page.get_by_text("Prompt extend", exact=True).count() == 0  # one control, not two
    page.screenshot(path=str(tmp_path / "switch.png"))

    add_input(page, picture)
    page.locator("#prompt textarea").fill("a barn in the field")
    assert revised_after_run(page) != ""  # on by default: the service rewrites the prompt
    page.locator("#prompt-extend input").uncheck()
    page.locator("#prompt textarea").fill("a barn in the field, at night")
    assert revised_after_run(page) == ""  # off: sent word for word, nothing rewritten

    phone = open_page(browser, app, PHONE)
    phone.locator("#prompt-extend").scroll_into_view_if_needed()
    phone.screenshot(path=str(tmp_path / "switch-phone.png"))
    assert phone.locator("#prompt-extend").bounding_box()["width"] <= PHONE["width"]
    chinese = open_page(browser, app, locale="zh-CN")
    chinese.locator("#prompt-extend").get_by_text("让模型改写我的提示词").wait_for()
    chinese.screenshot(path=str(tmp_path / "switch-zh.png"))


def test_the_plan_claims_no_count_for_an_n_the_model_does_not_take(browser, app, tmp_path):
    page = open_page(browser, app)
    choose_model(page, WAN)
    plan = page.locator("#run-plan")
    for typed in ["6", "0", "2.5", ""]:
        page.locator("#n input").fill("3")
        plan.get_by_text("Will make 3 images").wait_for()
        page.locator("#n input").fill(typed)
        plan.get_by_text("Results (n) must be a whole number from 1 to 4").wait_for()
        assert "Will make" not in plan.inner_text(), typed
    page.screenshot(path=str(tmp_path / "plan.png"))


@pytest.mark.parametrize(
    ("locale", "viewport", "control"),
    [("en-US", DESKTOP, "Region boxes"), ("zh-CN", PHONE, "区域框")],
)
def test_a_refusal_of_boxes_names_the_region_boxes_control(
    browser, app, picture, locale, viewport, control, tmp_path
):
    page = open_page(browser, app, viewport, locale)
    add_input(page, picture)
    page.locator("#prompt textarea").fill("a barn in the corner")
    choose_model(page, NO_BOXES)
    page.get_by_text("More settings" if locale == "en-US" else "更多设置").click()
    page.locator("#bbox-list textarea").fill("[[[10, 10, 200, 200]]]")
    page.locator("#run-button").click()
    status = page.locator("#run-status")
    status.get_by_text(f"{control} is not taken by {NO_BOXES}").wait_for()
    assert "bbox_list" not in status.inner_text()
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"boxes-refused-{locale}.png"))
