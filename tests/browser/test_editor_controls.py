"""The editor's controls in a real Chromium: refusals next to the field, seeds, adding inputs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.app_process import AppProcess, app_process
from tests.chromium import chromium

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("editor-controls")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "0"}) as running:
        yield running


@pytest.fixture
def page(app: AppProcess, tmp_path):
    red = tmp_path / "red.png"
    Image.new("RGB", (640, 480), (220, 30, 30)).save(red)
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app.url)
        page.get_by_text("Offline simulator").wait_for()
        page.locator("#input-images input[type=file]").set_input_files([str(red)])
        page.locator("#input-images img").first.wait_for()
        settle(page)
        yield page


def settle(page) -> None:
    """Waits until the events the upload set off (numbering, the inputs' notes, the boxes
    panel) are answered: a click made while they are in flight races them in Gradio's page."""
    page.get_by_text("Image 1").first.wait_for()
    page.wait_for_function("() => !document.querySelector('.pending, .generating')")


def run_until_refused_beside_the_field(page, message) -> None:
    """Presses Run and waits for the refusal beside the field. The status line under Run says it
    at once, every time; Gradio's page now and then drops the field's own message of the first
    press (its validator call never leaves the page), so a person who reads the status line and
    presses again must then get it."""
    page.get_by_role("button", name="Run").click()
    page.locator("#run-status").get_by_text("Not run.").wait_for()
    try:
        message.wait_for(timeout=10_000)
    except PlaywrightTimeout:
        page.get_by_role("button", name="Run").click()
        message.wait_for()


def test_a_too_long_prompt_is_refused_next_to_the_field_before_any_run(page):
    prompt = page.locator("#prompt textarea")  # its label gains the message, so not by label
    prompt.fill("x" * 801)
    page.get_by_text("801 / 800 characters — over the limit").wait_for()
    message = page.locator("#prompt .validation-error", has_text="the limit is 800")
    run_until_refused_beside_the_field(page, message)
    assert page.locator("#results img").count() == 0

    prompt.fill("make it snow")
    page.get_by_role("button", name="Run").click()
    page.locator("#results img").first.wait_for()
    assert page.locator("#prompt .validation-error", has_text="the limit is 800").count() == 0


def test_a_key_in_extra_is_refused_next_to_the_field_and_nothing_is_sent(page, tmp_path):
    """It used to pass, be sent and billed, then be thrown away by the history with an empty
    "Error"; now the validation names where the key sits before anything is sent."""
    page.get_by_label("Prompt", exact=True).fill("a run with extra parameters")
    page.get_by_text("More settings").click()
    page.locator("#extra textarea").fill('{"parameters": {"api_key": "sk-123"}}')
    message = page.locator("#extra .validation-error", has_text="extra.parameters.api_key")
    run_until_refused_beside_the_field(page, message)
    page.screenshot(path=str(tmp_path / "key-in-extra.png"), full_page=True)
    assert "keys or secrets" in message.inner_text()
    editor = page.locator("#extra textarea")
    editor.click()  # the message never covers its editor: it takes the click, and the fix
    editor.fill('{"parameters": {"steps": 4}}')
    page.get_by_role("button", name="Run").click()
    message.wait_for(state="detached")
    page.locator("#results img").first.wait_for()
    page.get_by_role("tab", name="History").click()
    kept = page.locator("#history-gallery").get_by_text("a run with extra parameters")
    kept.first.wait_for()
    assert kept.count() == 1  # the refused run was neither sent nor kept; the fixed one was


def test_reuse_seed_fixes_the_used_seed_and_add_to_inputs_appends_the_result(page):
    page.get_by_label("Prompt", exact=True).fill("paint it blue")
    page.get_by_label("Prompt", exact=True).press("Control+Enter")
    page.get_by_text("1 image in").wait_for()
    used = page.get_by_label("Seed used").input_value()
    assert used.isdigit()

    page.get_by_role("button", name="Reuse seed").click()
    expect(page.get_by_label("Seed", exact=True)).to_have_value(used)
    expect(page.get_by_label("Randomize seed")).not_to_be_checked()

    page.locator("#results img").first.click()
    page.get_by_role("button", name="Add to inputs").click()
    page.wait_for_function("document.querySelectorAll('#input-images img').length === 2")


def test_a_refused_small_action_says_why_in_words(page):
    """Reuse seed before any run, or Move without a picked input, used to paint a bare red
    "Error" over the outputs (Gradio's way for an event outside its queue); now it says why."""
    page.get_by_role("button", name="Reuse seed").click()
    toast = page.locator("[data-testid=toast-body]", has_text="Run an edit first")
    toast.wait_for()
    page.get_by_role("button", name="Move right").click()
    page.locator("[data-testid=toast-body]", has_text="Click an input image first").wait_for()
    page.get_by_role("button", name="Continue editing").click()
    page.locator("[data-testid=toast-body]", has_text="pick a result to use").wait_for()
    # the reason is told once, in the toast, and nothing on the page is marked failed
    assert page.get_by_text("Error", exact=True).count() == 0
    assert page.locator("#input-images img").count() == 1
