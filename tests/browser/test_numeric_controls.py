"""Issue 22.2 in a real Chromium: a number the model does not take is refused in words, beside
its field and under Run, in the page's language, and nothing is sent; a number it takes is sent
exactly as typed.

It used to be clamped: 6 typed into Results (n) on wan2.7-image-pro showed a bare red "Error"
(Gradio's own range check, outside the queue) and Run then made 4 images. The app sends its runs
to the session simulator, whose request log says what was sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from client.models import MODELS, SEED_MAX
from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator
from ui.core.controls import CUSTOM_SIZE

pytestmark = pytest.mark.browser

QWEN, WAN = "qwen-image-2.0-pro", "wan2.7-image-pro"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("numeric-controls")
    with app_on_simulator(simulator, root) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "red.png"
    Image.new("RGB", (640, 480), (220, 30, 30)).save(path)
    return path


def sent(simulator: RunningServer) -> list[dict]:
    """The edit requests the simulator received since the test began (`sim` empties the log)."""
    answer = httpx2.get(simulator.origin + "/_simulator/requests")
    return answer.raise_for_status().json()["requests"]


def open_editor(browser, app: AppProcess, picture: Path, viewport: dict, locale: str = "en-US"):
    """The page with one input and a prompt, once the upload's own events are answered."""
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(app.url)
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()
    page.wait_for_function("() => !document.querySelector('.pending, .generating')")
    page.locator("#prompt textarea").fill("make it snow")
    return page


def choose_model(page, name: str) -> None:
    page.locator("#model input").click()
    page.get_by_role("option", name=name).click()
    page.locator("#input-notes").get_by_text(name).first.wait_for()


def typed_field(page, selector: str):
    """The text box of a field: a number field's input, a text field's textarea."""
    return page.locator(f"{selector} input, {selector} textarea").first


def type_into(page, selector: str, value: str) -> None:
    """Types `value` as a person does (select, type, leave the field)."""
    field = typed_field(page, selector)
    field.fill(value)
    field.press("Tab")


def refused_beside(page, field: str, words: str) -> str:
    """Presses Run; the status line under Run says `words` at once, and the field `field` carries
    them too (Gradio's page now and then drops the field's message of a first press, so a
    person who reads the status line and presses again gets it). Returns the status line."""
    page.locator("#run-button").click()
    status = page.locator("#run-status")
    status.get_by_text(words).wait_for()
    message = page.locator(f"#{field} .validation-error", has_text=words)
    try:
        message.wait_for(timeout=10_000)
    except PlaywrightTimeout:
        page.locator("#run-button").click()
        message.wait_for()
    return status.inner_text()


def runs_with(page, simulator: RunningServer, images: int) -> dict:
    """Presses Run and waits for `images` results; returns the one request sent."""
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text(f"{images} images in").wait_for()
    assert page.locator("#results img").count() == images
    [request] = sent(simulator)
    return request


@pytest.mark.parametrize(("viewport", "width"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_n_past_the_models_range_is_refused_in_words_and_one_in_range_runs_as_typed(
    browser, app, sim, picture, tmp_path, viewport, width
):
    page = open_editor(browser, app, picture, viewport)
    choose_model(page, WAN)
    type_into(page, "#n", "6")
    words = f"Results (n) is 6: {WAN} makes 1 to {MODELS[WAN].max_n} results at once"
    status = refused_beside(page, "n", words)
    assert "Not run." in status
    page.locator("#run-status").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"n-refused-{width}.png"))
    assert page.locator("#n input").first.input_value() == "6"  # shown as typed, not clamped
    assert page.get_by_text("Error", exact=True).count() == 0  # no bare red "Error"
    assert sent(sim) == [] and page.locator("#results img").count() == 0

    type_into(page, "#n", "3")
    request = runs_with(page, sim, 3)
    assert (request["model"], request["n"]) == (WAN, 3)
    assert page.locator("#n .validation-error").count() == 0


def test_the_refusal_follows_the_model_chosen_after_n_was_typed(browser, app, sim, picture):
    page = open_editor(browser, app, picture, DESKTOP)
    type_into(page, "#n", "6")  # qwen makes 6
    choose_model(page, WAN)
    assert page.locator("#n input").first.input_value() == "6"  # not changed behind one's back
    page.locator("#n").get_by_text(f"1–{MODELS[WAN].max_n}").wait_for()  # the range, beside it
    refused_beside(page, "n", f"{WAN} makes 1 to {MODELS[WAN].max_n} results")
    assert sent(sim) == []
    choose_model(page, QWEN)
    request = runs_with(page, sim, 6)
    assert (request["model"], request["n"]) == (QWEN, 6)


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("n", "0", f"Results (n) is 0: {QWEN} makes 1 to {MODELS[QWEN].max_n} results"),
        ("n", "2.5", "Results (n) is 2.5:"),
        ("seed", "-1", f"The seed is -1: a seed is a whole number from 0 to {SEED_MAX}"),
        ("seed", str(SEED_MAX + 1), f"The seed is {SEED_MAX + 1}:"),
        ("width", "4096", "The size is 4096 × 4096: width and height are whole numbers"),
    ],
)
def test_every_number_the_model_does_not_take_is_refused_beside_its_field_and_not_sent(
    browser, app, sim, picture, field, typed, words
):
    page = open_editor(browser, app, picture, DESKTOP)
    if field == "seed":
        page.get_by_label("Randomize seed").uncheck()
    if field == "width":
        page.locator("#size input").click()
        page.get_by_role("option", name=CUSTOM_SIZE).click()
        type_into(page, "#height", typed)
    type_into(page, f"#{field}", typed)
    refused_beside(page, field, words)
    assert typed_field(page, f"#{field}").input_value() == typed
    assert sent(sim) == [] and page.locator("#results img").count() == 0


def test_a_chinese_browser_is_told_in_chinese(browser, app, sim, picture, tmp_path):
    page = open_editor(browser, app, picture, PHONE, locale="zh-CN")
    choose_model(page, WAN)
    type_into(page, "#n", "6")
    status = refused_beside(page, "n", f"结果数 (n) 为 6：{WAN} 一次生成 1 到 4 张")
    assert status.startswith("⚠ 未运行。")
    page.locator("#run-status").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "n-refused-zh-phone.png"))
    assert sent(sim) == []
