"""Issue 22.5 in a real Chromium at 1440×900: the examples start on the first screen, right under
the results; Compare models × seeds works at one click with its default seeds (1, 2), and the
2 × 2 grid it fills fits the screen's height with Compare and its status line above it, every
picture whole, with one image a cell or four.

It used to be otherwise: the examples started at ~930 px, below the fold; the seeds field was
empty, so Compare refused until seeds were typed; and a grid of four images a cell was ~1250 px
tall, so neither it nor its pictures could be seen at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.app_process import AppProcess, app_process
from tests.browser.test_page import DESKTOP, add_inputs, open_page, shows_whole_picture
from tests.browser.test_phone_view import IN_VIEW_JS, comes_into_view

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("first-screen")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "0.5"}) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    """A portrait photo with a red strip at its bottom: a picture cut off loses it."""
    path = tmp_path_factory.mktemp("pictures") / "tower.png"
    image = Image.new("RGB", (600, 900), (120, 150, 200))
    ImageDraw.Draw(image).rectangle([0, 840, 600, 900], fill=(220, 20, 20))
    image.save(path)
    return path


def test_the_examples_start_on_the_first_screen(browser, app, tmp_path):
    page = open_page(browser, app, DESKTOP)
    examples = page.locator("#examples")
    examples.locator("tbody tr").first.wait_for()
    assert examples.bounding_box()["y"] < DESKTOP["height"]
    first = examples.locator("tbody tr").first.bounding_box()
    assert first["y"] + first["height"] <= DESKTOP["height"], "no whole example on screen"
    page.screenshot(path=str(tmp_path / "first-screen.png"))
    page.close()


@pytest.mark.parametrize("n", [1, 4])
def test_compare_with_its_default_seeds_fills_a_2x2_grid_that_fits_the_screen(
    browser, app, picture, tmp_path, n
):
    page = open_page(browser, app, DESKTOP)
    add_inputs(page, picture)
    page.locator("#prompt textarea").fill(f"a tower at dawn, {n} a cell")
    page.locator("#n input").fill(str(n))
    page.locator("#compare-panel").get_by_text("Compare models × seeds").click()
    assert page.locator("#compare-seeds textarea").input_value() == "1, 2"
    page.locator("#compare-plan").get_by_text(f"Will make {4 * n} images").wait_for()
    page.locator("#compare-button").click()  # nothing typed into the seeds
    page.locator("#compare-status").get_by_text("4 of 4 cells").wait_for(timeout=60_000)
    grid = page.locator("#compare-grid")
    assert grid.locator("th[scope=col]").all_inner_texts() == ["seed 1", "seed 2"]
    assert grid.locator("td.done img").count() == 4 * n
    assert grid.bounding_box()["height"] <= DESKTOP["height"]
    assert comes_into_view(page, "#compare-grid"), "the grid is not wholly on the screen"
    assert page.evaluate(IN_VIEW_JS, "#compare-status")  # "4 of 4 cells made" with it
    assert page.evaluate(IN_VIEW_JS, "#compare-button")
    assert shows_whole_picture(page, "#compare-grid")
    page.screenshot(path=str(tmp_path / f"compare-2x2-{n}-a-cell.png"))
    page.close()
