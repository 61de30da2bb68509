"""Issue 13 in a real Chromium, as a person meets the page: whole pictures, the status line in view
under Run, Run busy with Stop, a reload during a run, examples that run offline, History's
second step before Delete, and a phone-width page with nothing cut off or scrolling sideways.

The app runs on its built-in simulator, which takes two seconds per run here so a run can be
watched, stopped and reloaded through.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import TimeoutError

from tests.app_process import AppProcess, app_process

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PHONE_SCREENSHOT = ROOT / "docs" / "screenshot-phone.png"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("page")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "2"}) as running:
        yield running


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> Path:
    """A 1600x1200 photo whose bottom strip is red: a picture cut off loses it."""
    path = tmp_path_factory.mktemp("pictures") / "landscape.png"
    image = Image.new("RGB", (1600, 1200), (110, 170, 230))
    ImageDraw.Draw(image).rectangle([0, 1100, 1600, 1200], fill=(220, 20, 20))
    image.save(path)
    return path


def open_page(browser, app: AppProcess, viewport=DESKTOP):
    page = browser.new_page(viewport=viewport)
    page.goto(app.url)
    page.locator("#run-button").wait_for()
    return page


def add_inputs(page, *paths: Path) -> None:
    page.locator("#input-images input[type=file]").set_input_files([str(p) for p in paths])
    page.locator("#input-images img").nth(len(paths) - 1).wait_for()


def run_and_wait(page, prompt: str) -> None:
    page.locator("#prompt textarea").fill(prompt)
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("1 image in").wait_for(timeout=60_000)


def open_in_history(page, prompt: str) -> None:
    """Goes to History and opens the newest run of `prompt`, waiting for its detail."""
    page.get_by_role("tab", name="History").click()
    page.locator("#history-gallery").get_by_text(prompt).first.click()
    page.locator("#run-detail").get_by_text(f"Prompt: {prompt}", exact=True).wait_for()


def shows_whole_picture(page, selector: str) -> bool:
    """Every image under `selector` is fitted inside its tile (object-fit: contain) and the
    tile lies inside its gallery, so no part of a picture is hidden (waits for them to load)."""
    try:
        page.wait_for_function(WHOLE_PICTURES_JS, arg=selector, timeout=5_000)
    except TimeoutError:
        return False
    return True


WHOLE_PICTURES_JS = """(selector) => {
        const images = [...document.querySelectorAll(selector + ' img')];
        return images.length > 0 && images.every(img => {
            const tile = img.closest('.thumbnail-item') || img.parentElement;
            const frame = img.closest('.block').getBoundingClientRect();
            const box = tile.getBoundingClientRect();
            return getComputedStyle(img).objectFit === 'contain' && img.naturalWidth > 0
                && box.top >= frame.top - 1 && box.bottom <= frame.bottom + 1
                && box.left >= frame.left - 1 && box.right <= frame.right + 1;
        });
    }"""


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    viewport = page.viewport_size
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"]


def test_pictures_are_whole_and_a_refusal_shows_under_run_and_clears_the_last_run(
    browser, app, landscape, tmp_path
):
    page = open_page(browser, app)
    add_inputs(page, landscape)
    assert shows_whole_picture(page, "#input-images")
    page.locator("#input-images").get_by_text("Image 1", exact=True).wait_for()  # numbered
    run_and_wait(page, "make it snow")
    assert shows_whole_picture(page, "#results")
    page.screenshot(path=str(tmp_path / "after-run.png"))

    page.locator("#prompt textarea").fill("")
    page.locator("#run-button").click()
    status = page.locator("#run-status")
    status.get_by_text("Not run.").wait_for()
    assert "The prompt is empty." in status.inner_text()
    assert in_view(page, "#run-status") and in_view(page, "#run-button")
    run_box = page.locator("#run-button").bounding_box()
    assert status.bounding_box()["y"] - (run_box["y"] + run_box["height"]) < 60  # right under
    assert page.locator("#results img").count() == 0, "the last run's results must not linger"
    assert "1 image in" not in status.inner_text()
    page.screenshot(path=str(tmp_path / "refused.png"))
    page.close()


def test_run_shows_it_is_busy_and_stop_keeps_the_answer_marked_stopped(
    browser, app, landscape, tmp_path
):
    page = open_page(browser, app)
    add_inputs(page, landscape)
    page.locator("#prompt textarea").fill("a run to stop")
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("Running").wait_for()
    assert page.locator("#run-button").is_disabled()
    assert "Running" in page.locator("#run-button").inner_text()
    page.screenshot(path=str(tmp_path / "running.png"))
    page.locator("#stop-button").click()
    page.locator("#run-status").get_by_text("Stopped.").wait_for()
    assert page.locator("#run-button").is_enabled()
    page.get_by_role("tab", name="History").click()
    entry = page.locator("#history-gallery").get_by_text("a run to stop")
    for _ in range(20):  # the service's answer arrives after the Stop, and is kept
        page.get_by_role("button", name="Refresh").click()
        if "stopped" in (entry.first.inner_text() if entry.count() else ""):
            break
        page.wait_for_timeout(500)
    assert "stopped" in entry.first.inner_text()
    page.close()


def test_a_reload_during_a_run_finds_it_in_history_without_refresh(
    browser, app, landscape, tmp_path
):
    context = browser.new_context(viewport=DESKTOP)  # one visitor across the reload
    page = context.new_page()
    page.goto(app.url)
    add_inputs(page, landscape)
    page.locator("#prompt textarea").fill("a run through a reload")
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("Running").wait_for()
    page.reload()
    notice = page.locator("#finished-notice")
    # A slow reload may land after the two-second run ended: then the page skips straight to
    # "finished"; either way it must end there without a refresh.
    notice.get_by_text(re.compile("is still going|finished while the page was away")).wait_for()
    notice.get_by_text("finished while the page was away").wait_for(timeout=30_000)
    page.get_by_role("tab", name="History").click()
    page.locator("#history-gallery").get_by_text("a run through a reload").wait_for()
    notice.get_by_role("button", name="Open it").click()
    page.locator("#run-detail").get_by_text("Prompt: a run through a reload", exact=True).wait_for()
    page.screenshot(path=str(tmp_path / "reopened.png"))
    context.close()


def test_an_example_fills_the_editor_and_runs_offline(browser, app):
    page = open_page(browser, app)
    page.locator("#examples").get_by_text("Seat the cat").click()
    page.locator("#input-images img").nth(2).wait_for()
    assert "Seat the cat" in page.locator("#prompt textarea").input_value()
    page.locator("#input-images").get_by_text("Image 3", exact=True).wait_for()
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("images").first.wait_for(timeout=60_000)
    assert "offline simulator" in page.locator("#run-status").inner_text()
    page.close()


def test_delete_asks_once_more_and_keeps_the_run_until_confirmed(browser, app, landscape):
    page = open_page(browser, app)
    add_inputs(page, landscape)
    run_and_wait(page, "a run to delete")
    open_in_history(page, "a run to delete")
    entry = page.locator("#history-gallery").get_by_text("a run to delete")
    assert shows_whole_picture(page, ".detail-images")
    page.get_by_role("button", name="Delete…").click()
    confirm = page.locator("#confirm-delete")
    confirm.get_by_text("Delete this run for good?").wait_for()
    confirm.get_by_role("button", name="Keep it").click()
    confirm.wait_for(state="hidden")
    assert entry.count() == 1
    page.get_by_role("button", name="Delete…").click()
    confirm.get_by_role("button", name="Yes, delete it").click()
    entry.wait_for(state="detached")
    page.close()


def test_at_phone_width_nothing_is_cut_off_or_scrolls_sideways(browser, app, landscape):
    page = open_page(browser, app, PHONE)
    add_inputs(page, landscape)
    run_and_wait(page, "make it a watercolour")
    for tab in ("Edit", "History"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(300)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"the {tab} tab scrolls sideways by {overflow} px"
    page.get_by_role("tab", name="Edit").click()
    model = page.locator("#model input")
    assert model.evaluate("el => el.scrollWidth <= el.clientWidth"), "model name clipped"
    assert shows_whole_picture(page, "#results")
    PHONE_SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(PHONE_SCREENSHOT), full_page=False)
    page.close()


def test_a_chinese_browser_gets_the_page_in_chinese(browser, app, landscape, tmp_path):
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(app.url)
    page.get_by_role("button", name="运行", exact=True).wait_for()
    assert page.get_by_role("tab", name="历史").count() == 1
    add_inputs(page, landscape)
    page.locator("#input-notes").get_by_text("张输入图片").wait_for()
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("未运行").wait_for()
    page.screenshot(path=str(tmp_path / "chinese.png"))
    page.locator("#prompt textarea").fill("改成下雪的傍晚")
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("运行中").wait_for()
    page.locator("#run-status").get_by_text("1 张图片，用时").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="运行", exact=True).is_enabled()
    context.close()


def test_run_again_restores_the_run_and_runs_it_from_the_edit_tab(browser, app, landscape):
    page = open_page(browser, app)
    add_inputs(page, landscape)
    run_and_wait(page, "a run to repeat")
    open_in_history(page, "a run to repeat")
    page.get_by_role("button", name="Run again", exact=True).click()
    page.locator("#run-status").get_by_text("Running").wait_for()
    page.locator("#run-status").get_by_text("1 image in").wait_for(timeout=60_000)
    assert page.locator("#prompt textarea").input_value() == "a run to repeat"
    page.get_by_role("tab", name="History").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#history-gallery .caption-label')]"
        ".filter(e => e.textContent.includes('a run to repeat')).length === 2"
    )
    page.close()
