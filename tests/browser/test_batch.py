"""Issue 25.1 in a real Chromium: the Batch panel takes several pictures, says before sending how
many requests and images the batch makes and asks once; Send fills a grid of input → result per
row while the progress line counts, then offers one zip with the CSV; on a desktop and a phone.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from PIL import Image, ImageDraw

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator
from tests.browser.test_page import DESKTOP, open_in_history, shows_whole_picture

pytestmark = pytest.mark.browser

PROMPT = "product on white, soft shadow"


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("batch")
    with app_on_simulator(simulator, root, MAX_CONCURRENT_RUNS="2") as running:
        yield running


@pytest.fixture
def pictures(tmp_path) -> list[Path]:
    paths = []
    for index, colour in enumerate([(200, 60, 40), (40, 160, 90), (50, 80, 200)]):
        path = tmp_path / f"product-{index + 1}.png"
        image = Image.new("RGB", (640, 480), (235, 235, 230))
        ImageDraw.Draw(image).ellipse([200, 120, 440, 360], fill=colour)
        image.save(path)
        paths.append(path)
    return paths


@pytest.mark.parametrize("viewport", [DESKTOP], ids=["desktop"])
def test_a_batch_is_confirmed_once_then_fills_its_grid_and_offers_one_zip(
    browser, app, sim, pictures, tmp_path, viewport
):
    control = sim.origin + "/_simulator"
    httpx2.post(control + "/faults", json=[{"delay_s": 1}] * 3).raise_for_status()
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(app.url)
    page.locator("#prompt textarea").fill(PROMPT)
    page.get_by_text("Batch: one edit over many images").click()
    page.locator("#batch-files input[type=file]").set_input_files([str(p) for p in pictures])
    page.locator("#batch-plan").get_by_text("Will send 3 requests for 3 images").wait_for()

    page.locator("#batch-button").click()
    confirm = page.locator("#batch-confirm")
    confirm.get_by_text("Send them?").wait_for()
    assert httpx2.get(control + "/requests").json()["requests"] == []  # asked, nothing sent
    confirm.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"batch-confirm-{viewport['width']}.png"))
    page.locator("#batch-send").click()

    status = page.locator("#batch-status")
    status.get_by_text("left of 3").wait_for(timeout=30_000)  # the progress line counts
    status.get_by_text("3 of 3 done").wait_for(timeout=60_000)
    grid = page.locator("#batch-grid")
    assert grid.locator("tbody tr").count() == 3
    assert grid.locator("tbody tr td img").count() == 6  # each row: its input, its result
    assert grid.locator("th.name").all_inner_texts()[1:] == [p.name for p in pictures]
    requests = httpx2.get(control + "/requests").json()["requests"]
    assert len(requests) == 3 and all(r["prompt"] == PROMPT for r in requests)

    with page.expect_download() as download:
        page.locator("#batch-zip a").first.click()
    saved = tmp_path / "batch.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as zipped:
        names = zipped.namelist()
    assert "batch.csv" in names and sum(name.startswith("results/") for name in names) == 3
    grid.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"batch-{viewport['width']}.png"), full_page=True)
    print("screenshots in", tmp_path)


def test_a_reload_mid_batch_finds_it_still_going_and_follows_it_to_its_end(
    browser, app, sim, pictures
):
    control = sim.origin + "/_simulator"
    httpx2.post(control + "/faults", json=[{"delay_s": 2}] * 3).raise_for_status()
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(app.url)
    page.locator("#prompt textarea").fill("kept through a reload")
    page.get_by_text("Batch: one edit over many images").click()
    page.locator("#batch-files input[type=file]").set_input_files([str(p) for p in pictures])
    page.locator("#batch-plan").get_by_text("Will send 3 requests").wait_for()
    page.locator("#batch-button").click()
    page.locator("#batch-send").click()
    page.locator("#batch-status").get_by_text("left of 3").wait_for(timeout=30_000)

    page.reload()
    status = page.locator("#batch-status")  # the panel opens again by itself
    status.get_by_text("3 of 3 done").wait_for(timeout=60_000)
    assert page.locator("#batch-grid tbody tr td img").count() == 6
    assert len(httpx2.get(control + "/requests").json()["requests"]) == 3

    open_in_history(page, "kept through a reload")  # History groups the batch's runs
    page.locator("#batch-offer").get_by_text("one image of a batch").wait_for()
    page.locator("#open-batch").click()
    page.locator("#history-batch tbody tr td img").nth(5).wait_for()
    assert page.locator("#history-batch tbody tr").count() == 3
    assert shows_whole_picture(page, "#history-batch")
