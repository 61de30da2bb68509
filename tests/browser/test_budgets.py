"""Issue 25.3 in a real Chromium: with BUDGET_IMAGES_PER_DAY, the plan under Run says how many
images are left today and when the day resets, follows each run, and a Run past it is refused
in words on the status line (nothing sent); in Chinese too, on a desktop and a phone."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.app_process import AppProcess, app_process
from tests.browser.test_page import DESKTOP, PHONE

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.mkdtemp(prefix="budget-shots-"))


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("budgets")
    env = {"SIMULATOR_LATENCY": "0.2", "BUDGET_IMAGES_PER_DAY": "3"}
    with app_process(["python", "app.py"], root, env=env) as running:
        yield running


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (90, 140, 210)).save(path)
    return path


def plan_has(page, text: str) -> None:
    page.locator("#run-plan").filter(has_text=text).wait_for(timeout=15_000)


def set_n(page, n: int) -> None:
    page.locator("#n input").fill(str(n))
    page.locator("#n input").press("Enter")


@pytest.mark.parametrize(
    ("locale", "viewport", "left", "refused"),
    [
        (
            "en-US",
            DESKTOP,
            "{left} of 3 images left today (resets at 00:00 UTC",
            "only 2 of your 3",
        ),
        ("zh-CN", PHONE, "今日还剩 {left}/3 张图片（协调世界时 00:00 重置", "今天只剩 2 张"),
    ],
)
def test_the_plan_says_what_is_left_and_a_run_past_it_is_refused_in_words(
    browser, app, picture, locale, viewport, left, refused
):
    context = browser.new_context(viewport=viewport, locale=locale)  # a new visitor each
    page = context.new_page()
    page.goto(app.url)
    plan_has(page, left.format(left=3))
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()
    page.locator("#prompt textarea").fill("a budgeted edit")
    page.locator("#run-button").click()
    plan_has(page, left.format(left=2))  # follows the run once History lists it

    set_n(page, 4)
    page.locator("#run-button").click()
    status = page.locator("#run-status").filter(has_text=refused)
    status.wait_for(timeout=30_000)
    status.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"budget-refused-{locale}.png"))
    assert status.is_visible()
    plan_has(page, left.format(left=2))
    context.close()
