"""Issue 14.4 in a real Chromium: under Run, what the run will make and its estimated cost,
following n and the model; after each run, the status line's counts for the run, this page
session and the history; History's usage line, matching the images the history holds. A reload
starts a new session, whose count starts again while the history's goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from history import HistoryStore
from tests.app_process import ROOT, AppProcess, app_process
from tests.browser.test_page import DESKTOP

pytestmark = pytest.mark.browser

SCREENSHOT = ROOT / "docs" / "screenshot-usage.png"
WAN = "wan2.7-image-pro"
PRICES = f"qwen-image-2.0-pro=0.075,{WAN}=0.094"


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("usage")
    env = {"SIMULATOR_LATENCY": "0.3", "PRICE_PER_IMAGE": PRICES}
    with app_process(["python", "app.py"], root, env=env) as running:
        yield running


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (90, 140, 210)).save(path)
    return path


def images_in_history(history_dir: Path) -> int:
    """The result images of every run the app's history holds, counted run by run."""
    store = HistoryStore(history_dir)
    try:
        runs = store.list_runs(None)
        return sum(len(store.get_run(None, run.id).output_paths) for run in runs)
    finally:
        store.close()


def plan_says(page, text: str) -> None:
    page.locator("#run-plan").get_by_text(text, exact=True).wait_for(timeout=10_000)


def run(page, prompt: str, session: str) -> str:
    """Runs the edit; returns the status line's usage once it counts `session` for the
    session (the line of the run before never does)."""
    page.locator("#prompt textarea").fill(prompt)
    page.locator("#run-button").click()
    usage = page.locator("#run-status p").filter(has_text=f"this session {session} (")
    usage.wait_for(timeout=60_000)
    return usage.inner_text()


def add_picture(page, picture: Path) -> None:
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()


def test_the_plan_the_status_line_and_history_count_the_images_made(browser, app, picture):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(app.url)
    plan_says(page, "Will make 1 image (≈ $0.075)")
    page.locator("#n input").fill("2")
    page.locator("#n input").press("Enter")
    plan_says(page, "Will make 2 images (≈ $0.15)")
    page.locator("#model input").click()
    page.get_by_role("option", name=WAN).click()
    plan_says(page, "Will make 2 images (≈ $0.188)")

    add_picture(page, picture)
    assert run(page, "a first pair", "2 images") == (
        "Usage · this run 2 images (≈ $0.188) · this session 2 images (≈ $0.188)"
        " · your history 2 images (≈ $0.188)"
    )
    assert run(page, "a second pair", "4 images").endswith(
        "this session 4 images (≈ $0.376) · your history 4 images (≈ $0.376)"
    )
    page.locator("#run-row").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT))

    page.get_by_role("tab", name="History").click()
    line = page.locator("#history-usage")
    line.get_by_text("4 images in 2 runs").wait_for()
    assert line.inner_text() == (
        f"Your history: 4 images in 2 runs (≈ $0.376 at the configured prices) · {WAN} 4"
    )
    assert images_in_history(app.history_dir) == 4

    page.reload()  # a new session: its count starts again, the history's goes on
    plan_says(page, "Will make 2 images (≈ $0.188)")  # the editor as this browser left it
    page.locator("#model input").click()
    page.get_by_role("option", name="qwen-image-2.0-pro").click()
    page.locator("#n input").fill("1")
    plan_says(page, "Will make 1 image (≈ $0.075)")
    assert run(page, "one more", "1 image") == (
        "Usage · this run 1 image (≈ $0.075) · this session 1 image (≈ $0.075)"
        " · your history 5 images (≈ $0.451)"
    )
    page.get_by_role("tab", name="History").click()
    line.get_by_text("5 images in 3 runs").wait_for()
    assert images_in_history(app.history_dir) == 5
    assert line.inner_text().endswith(f"· qwen-image-2.0-pro 1, {WAN} 4")
