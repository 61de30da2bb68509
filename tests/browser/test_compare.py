"""Issue 14.1 in a real Chromium: both models are ticked by default, seeds "1, 2" and one click
send exactly the four model × seed requests; the grid, labelled rows by model and columns by
seed, fills as cells finish and shows whole pictures; in History a cell's run offers its
comparison and reopens the same grid. A double click on Compare sends each cell once; the grid
takes the page's full width and each picture opens whole in a new tab, on a desktop and a phone.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from PIL import Image, ImageDraw

from history import HistoryStore
from simulator import RunningServer
from tests.app_process import ROOT, AppProcess, app_on_simulator
from tests.browser.test_page import DESKTOP, PHONE, open_in_history, shows_whole_picture

pytestmark = pytest.mark.browser

SCREENSHOT = ROOT / "docs" / "screenshot-compare.png"
PROMPT = "a lighthouse at dusk, compared"
MODELS = ["qwen-image-2.0-pro", "wan2.7-image-pro"]


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    """The app on the session simulator (a dummy key), whose request log the test reads."""
    root = tmp_path_factory.mktemp("compare")
    with app_on_simulator(simulator, root) as running:
        yield running


@pytest.fixture
def picture(tmp_path) -> Path:
    path = tmp_path / "lighthouse.png"
    image = Image.new("RGB", (800, 600), (40, 70, 140))
    ImageDraw.Draw(image).rectangle([360, 150, 440, 560], fill=(235, 235, 225))
    image.save(path)
    return path


def headers(page, selector: str, scope: str) -> list[str]:
    return page.locator(f'{selector} th[scope="{scope}"]').all_inner_texts()


def test_a_2x2_comparison_fills_a_labelled_grid_and_history_reopens_it(
    browser, app, sim, picture, tmp_path
):
    control = sim.origin + "/_simulator"
    # the first three answers come at once, the last one later: the grid fills as they arrive
    faults = [{"delay_s": 0}] * 3 + [{"delay_s": 3}]
    httpx2.post(control + "/faults", json=faults).raise_for_status()
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(app.url)
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()
    page.locator("#prompt textarea").fill(PROMPT)
    page.get_by_text("Compare models × seeds").click()
    for model in MODELS:  # both models by default
        assert page.locator("#compare-models").get_by_label(model).is_checked()
    page.locator("#compare-seeds textarea").fill("1, 2")
    # before anything is sent: two models × two seeds, one image each
    page.locator("#compare-plan").get_by_text("Will make 4 images").wait_for()
    page.locator("#compare-button").click()

    grid = page.locator("#compare-grid")
    page.wait_for_function(
        "() => document.querySelectorAll('#compare-grid td.done img').length === 3"
    )
    assert grid.locator("td.waiting").count() == 1  # the slow cell still runs
    page.locator("#compare-status").get_by_text("4 of 4 cells").wait_for(timeout=30_000)
    assert grid.locator("img").count() == 4
    # the four cells' images count in this session's usage, as the history holds them
    status = page.locator("#compare-status").inner_text()
    assert "this comparison 4 images · this session 4 images · your history 4 images" in status
    assert headers(page, "#compare-grid", "col") == ["seed 1", "seed 2"]
    assert headers(page, "#compare-grid", "row") == MODELS
    assert grid.get_by_text("Rows: model · columns: seed").is_visible()
    assert grid.locator('img[alt="wan2.7-image-pro · seed 2"]').count() == 1
    assert shows_whole_picture(page, "#compare-grid")
    requests = httpx2.get(control + "/requests").json()["requests"]
    assert sorted((r["model"], r["seed"]) for r in requests) == [
        (model, seed) for model in MODELS for seed in (1, 2)
    ]
    page.locator("#compare-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT))

    page.get_by_role("tab", name="History").click()
    page.locator("#history-gallery").get_by_text(PROMPT).first.click()
    page.locator("#comparison-offer").get_by_text("one cell of a comparison").wait_for()
    page.locator("#open-comparison").click()
    reopened = page.locator("#history-comparison")
    reopened.locator("img").nth(3).wait_for()
    assert headers(page, "#history-comparison", "col") == ["seed 1", "seed 2"]
    assert headers(page, "#history-comparison", "row") == MODELS
    assert shows_whole_picture(page, "#history-comparison")
    reopened.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "history-comparison.png"))

    # a run that is no cell of a comparison offers none, and the grid shown before goes
    page.get_by_role("tab", name="Edit").click()
    page.locator("#prompt textarea").fill("a single run")
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("1 image in").wait_for(timeout=30_000)
    open_in_history(page, "a single run")
    page.locator("#comparison-offer").wait_for(state="hidden")
    reopened.wait_for(state="hidden")


def open_compare(page, app: AppProcess, picture: Path, prompt: str, seeds: str) -> None:
    page.goto(app.url)
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()
    page.locator("#prompt textarea").fill(prompt)
    page.get_by_text("Compare models × seeds").click()
    page.locator("#compare-seeds textarea").fill(seeds)
    page.locator("#compare-plan").get_by_text("Will make").wait_for()


def comparisons_of(app: AppProcess, prompt: str) -> set[str | None]:
    store = HistoryStore(app.history_dir)
    try:
        runs = store.list_runs(None, search=prompt)
        return {store.get_run(None, run.id).comparison for run in runs}
    finally:
        store.close()


def test_a_double_click_on_compare_sends_each_cell_once(browser, app, sim, picture, tmp_path):
    control = sim.origin + "/_simulator"
    httpx2.post(control + "/faults", json=[{"delay_s": 2}] * 8).raise_for_status()
    page = browser.new_context(viewport=DESKTOP).new_page()
    open_compare(page, app, picture, "one double click", "1, 2")
    page.locator("#compare-button").dblclick()
    stop = page.locator("#compare-stop")
    stop.wait_for()  # Stop beside Compare while the cells go
    assert "stop" in (stop.get_attribute("class") or "")  # styled like Run's Stop
    page.locator("#compare-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "compare-running.png"))
    page.locator("#compare-status").get_by_text("4 of 4 cells").wait_for(timeout=30_000)
    stop.wait_for(state="hidden")
    assert len(httpx2.get(control + "/requests").json()["requests"]) == 4
    assert len(comparisons_of(app, "one double click")) == 1


@pytest.mark.parametrize(
    ("viewport", "seeds", "smallest", "scrolls"),
    [(DESKTOP, "1, 2, 3, 4", 220, False), (PHONE, "1, 2, 3, 4", 95, True)],
)  # fmt: skip
def test_the_grid_takes_the_full_width_and_each_picture_opens_whole(
    browser, app, sim, picture, tmp_path, viewport, seeds, smallest, scrolls
):
    """At 1440 px the grid spans both columns; on a phone four seeds scroll sideways rather
    than shrink the pictures to thumbnails."""
    page = browser.new_context(viewport=viewport).new_page()
    open_compare(page, app, picture, f"wide grid {seeds}", seeds)
    page.locator("#compare-button").click()
    cells = len(MODELS) * len(seeds.split(","))
    status = page.locator("#compare-status")
    status.get_by_text(f"{cells} of {cells} cells").wait_for(timeout=30_000)
    grid = page.locator("#compare-grid")
    row = page.locator("#edit-row").bounding_box()
    assert grid.bounding_box()["width"] > row["width"] - 40  # as wide as both columns
    assert grid.bounding_box()["y"] > row["y"] + row["height"]  # below them
    assert min(cell.bounding_box()["width"] for cell in grid.locator("td").all()) >= smallest
    scroller = grid.locator(".scroll")
    overflow = scroller.evaluate("box => box.scrollWidth > box.clientWidth + 1")
    assert overflow == scrolls
    if not scrolls:
        assert shows_whole_picture(page, "#compare-grid")
    link = grid.locator("a").first
    assert (link.get_attribute("target"), link.get_attribute("rel")) == ("_blank", "noopener")
    with page.context.expect_page() as opened:
        link.click()
    whole = opened.value
    whole.wait_for_load_state()
    assert whole.evaluate("document.querySelector('img')?.naturalWidth") > 0
    whole.close()
    grid.scroll_into_view_if_needed()
    name = f"compare-{len(seeds.split(','))}x2-{viewport['width']}.png"
    page.screenshot(path=str(tmp_path / name))
