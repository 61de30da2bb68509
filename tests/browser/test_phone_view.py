"""Issue 22.4 in a real Chromium: on a phone (390×844) the answer to Run lands where the person
looks. The page brings the results into view when they come, and a refusal's message when Run is
refused, in English and in Chinese; on a desktop, where both are in view already, nothing moves.

It used to stay put: Run sits ~900 px down the phone page and Results ~1800 px, so a tap on Run
at the bottom of the screen showed neither the results nor the refusal under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.app_process import AppProcess, app_process
from tests.browser.test_page import DESKTOP, PHONE, add_inputs

pytestmark = pytest.mark.browser

NOT_RUN = {"en-US": "Not run.", "zh-CN": "未运行"}

IN_VIEW_JS = """(selector) => {
    const box = document.querySelector(selector)?.getBoundingClientRect();
    return Boolean(box) && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight;
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("phone-view")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "1"}) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "meadow.png"
    Image.new("RGB", (900, 600), (90, 160, 70)).save(path)
    return path


def open_page(browser, app: AppProcess, viewport: dict, locale: str):
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(app.url)
    page.locator("#run-button").wait_for()
    return page


def tap_run_at_the_bottom_of_the_screen(page) -> None:
    """Scrolls as a thumb does until Run just shows at the screen's bottom edge, and taps it."""
    run = page.locator("#run-button")
    page.evaluate(
        """() => {
            const box = document.querySelector('#run-button').getBoundingClientRect();
            window.scrollBy(0, box.bottom + 4 - innerHeight);
        }"""
    )
    assert page.evaluate(IN_VIEW_JS, "#run-button")
    run.click()


def comes_into_view(page, selector: str) -> bool:
    """Whether `selector` ends up wholly inside the viewport (the page scrolls smoothly)."""
    try:
        page.wait_for_function(IN_VIEW_JS, arg=selector, timeout=15_000)  # busy: scrolls late
    except PlaywrightTimeout:
        return False
    return True


@pytest.mark.parametrize("locale", ["en-US"])
def test_on_a_phone_run_brings_the_results_into_view(browser, app, picture, tmp_path, locale):
    page = open_page(browser, app, PHONE, locale)
    add_inputs(page, picture)
    page.locator("#prompt textarea").fill("make it autumn")
    tap_run_at_the_bottom_of_the_screen(page)
    page.locator("#results img").first.wait_for(timeout=60_000)
    assert comes_into_view(page, "#results"), "the results came out of view"
    page.screenshot(path=str(tmp_path / f"phone-results-{locale}.png"))
    page.context.close()


@pytest.mark.parametrize("locale", ["zh-CN"])
def test_on_a_phone_a_refused_run_brings_its_message_into_view(
    browser, app, picture, tmp_path, locale
):
    page = open_page(browser, app, PHONE, locale)
    add_inputs(page, picture)  # and no prompt: Run is refused
    tap_run_at_the_bottom_of_the_screen(page)
    status = page.locator("#run-status")
    status.get_by_text(NOT_RUN[locale]).wait_for()
    assert comes_into_view(page, "#run-status"), "the refusal came out of view"
    assert page.evaluate(IN_VIEW_JS, "#run-button"), "Run itself went out of view"
    page.screenshot(path=str(tmp_path / f"phone-refused-{locale}.png"))
    page.context.close()


def test_on_a_desktop_where_the_answers_show_already_the_page_does_not_move(
    browser, app, picture, tmp_path
):
    page = open_page(browser, app, DESKTOP, "en-US")
    add_inputs(page, picture)
    page.locator("#run-button").click()  # no prompt: refused
    page.locator("#run-status").get_by_text(NOT_RUN["en-US"]).wait_for()
    page.wait_for_timeout(500)  # a scroll would start within the page's 120 ms check
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate(IN_VIEW_JS, "#run-status")
    page.locator("#prompt textarea").fill("make it autumn")
    page.locator("#run-button").click()
    page.locator("#results img").first.wait_for(timeout=60_000)
    page.locator("#run-button").get_by_text("Run", exact=True).wait_for()
    page.wait_for_timeout(500)
    assert page.evaluate("window.scrollY") == 0
    assert page.evaluate(IN_VIEW_JS, "#results")
    page.screenshot(path=str(tmp_path / "desktop-results.png"))
    page.context.close()
