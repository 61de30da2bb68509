"""Region boxes in a real Chromium, against a live simulator that logs what it received.

A box is drawn by clicking two corners on the panel's picture (the keyboard's and the tests'
way; dragging is tested in test_region_drag.py). For a model that takes boxes it
must reach the wire as `bbox_list` in the input's own pixels; for one that does not, the page
draws it into a copy of the input, and that copy is what is sent and kept. History's Restore
brings the boxes back into the panel.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from PIL import Image, ImageDraw

from client.models import MODELS
from history import HistoryStore
from simulator import RunningServer
from tests.app_process import ROOT, AppProcess, app_on_simulator
from ui.regions.geometry import MARK_COLOUR

pytestmark = pytest.mark.browser

SCREENSHOT = ROOT / "docs" / "screenshot-boxes.png"
WAN = next(name for name, spec in MODELS.items() if "bbox_list" in spec.optional_fields)
NO_BOXES = next(name for name, spec in MODELS.items() if "bbox_list" not in spec.optional_fields)
SIZE = (800, 600)
BOX = (200, 150, 520, 420)
"""The box the test draws, in the picture's own pixels."""
CLICK_SLACK = 2
"""A click lands on a whole screen pixel; the preview is shown smaller than the picture."""


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("region-boxes")
    with app_on_simulator(simulator, root) as running:
        yield running


def logged_requests(simulator: RunningServer) -> list[dict]:
    answer = httpx2.get(simulator.origin + "/_simulator/requests")
    return answer.raise_for_status().json()["requests"]


def garden(path: Path) -> Path:
    """A picture with a house-like shape, so the screenshot shows what was boxed."""
    image = Image.new("RGB", SIZE, (120, 180, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 800, 600), fill=(70, 150, 60))
    draw.rectangle((260, 230, 470, 420), fill=(230, 220, 200))
    draw.polygon([(240, 240), (365, 150), (490, 240)], fill=(160, 60, 50))
    image.save(path)
    return path


def choose_model(page, name: str) -> None:
    page.locator("#model input").click()
    page.get_by_role("option", name=name, exact=True).click()
    page.locator("#region-note").get_by_text(name).first.wait_for()


def click_at(page, point: tuple[int, int]) -> None:
    """Clicks the preview where the picture's pixel `point` is shown (the preview is the
    picture scaled, then fitted into its frame)."""
    preview = page.locator("#region-preview img")
    preview.scroll_into_view_if_needed()
    page.wait_for_function(  # a redrawn preview is a new picture: wait until it has loaded
        "() => { const img = document.querySelector('#region-preview img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    frame = preview.bounding_box()
    natural = preview.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    scale = min(frame["width"] / natural[0], frame["height"] / natural[1], 1)
    left = frame["x"] + (frame["width"] - natural[0] * scale) / 2
    top = frame["y"] + (frame["height"] - natural[1] * scale) / 2
    shown = natural[0] / SIZE[0]
    page.mouse.click(left + point[0] * shown * scale, top + point[1] * shown * scale)


def draw_box(
    page,
    box: tuple[int, int, int, int],
    notes=("now click the opposite corner", "Boxes on image 1"),
) -> None:
    """Clicks the box's two corners, waiting for the picture's hint to take the first and the
    note to list the box (`notes`)."""
    drawn = page.locator("#region-preview .region-box").count()
    click_at(page, box[:2])
    page.locator("#region-preview").get_by_text(notes[0]).wait_for()
    click_at(page, box[2:])
    page.locator("#region-note").get_by_text(notes[1]).wait_for()
    page.locator("#region-preview .region-box").nth(drawn).wait_for()


def assert_near(box, expected) -> None:
    assert len(box) == 4
    assert all(abs(got - want) <= CLICK_SLACK for got, want in zip(box, expected, strict=True)), box


def red_outline_at(path: Path, box) -> bool:
    with Image.open(path) as stored:
        rgb = stored.convert("RGB")
    x1, y1, x2, y2 = box
    middle_x, middle_y = (x1 + x2) // 2, (y1 + y2) // 2
    edges = [(x1 + 3, middle_y), (x2 - 4, middle_y), (middle_x, y1 + 3), (middle_x, y2 - 4)]
    return all(rgb.getpixel(point) == MARK_COLOUR for point in edges)


def test_boxes_drawn_in_the_page_reach_the_wire_or_the_marked_image(browser, app, sim, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.goto(app.url)
    picture = garden(tmp_path / "garden.png")
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()
    page.get_by_text("Region boxes").click()
    page.locator("#region-preview img").wait_for()
    choose_model(page, WAN)

    draw_box(page, BOX)
    page.locator("#prompt textarea").fill("put a red door on the house")
    page.locator("#region-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("1 image in").wait_for(timeout=60_000)
    [sent] = logged_requests(sim)
    assert sent["model"] == WAN
    [[wired]] = sent["bbox_list"]
    assert_near(wired, BOX)

    choose_model(page, NO_BOXES)
    page.locator("#run-button").click()  # boxes this model does not take: refused, not sent
    refusal = page.locator("#run-status").get_by_text("Not run.")
    refusal.wait_for()
    assert "Mark the boxes into a copy" in page.locator("#run-status").inner_text()
    assert len(logged_requests(sim)) == 1
    page.locator("#region-mark").click()
    page.locator("#input-images").get_by_text("Image 1 (marked)").wait_for()
    page.locator("#region-note").get_by_text("No box on image 1 yet").wait_for()
    prompt = page.locator("#prompt textarea").input_value()
    assert prompt == "put a red door on the house Edit only inside the red box in image 1."
    page.screenshot(path=str(tmp_path / "marked.png"), full_page=True)
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("1 image in").wait_for(timeout=60_000)
    marked_run = logged_requests(sim)[-1]
    assert marked_run["model"] == NO_BOXES and marked_run["bbox_list"] is None
    assert marked_run["prompt"] == prompt
    choose_model(page, WAN)  # the copy stays marked, and the note says so
    page.locator("#region-note").get_by_text("Image 1 is a marked copy").wait_for()
    assert page.locator("#input-images").get_by_text("Image 1 (marked)").count() == 1

    store = HistoryStore(app.history_dir)
    try:
        newest, boxed = store.list_runs(None)[:2]
        kept = store.get_run(None, newest.id)
        assert red_outline_at(kept.input_paths[0], wired)  # the marked copy is what was kept
        assert not red_outline_at(store.get_run(None, boxed.id).input_paths[0], wired)
    finally:
        store.close()

    page.get_by_role("tab", name="History").click()
    page.locator("#history-gallery").get_by_text("put a red door on the house").last.click()
    page.locator("#run-detail").get_by_text(
        "Prompt: put a red door on the house", exact=True
    ).wait_for()
    page.get_by_role("button", name="Restore into editor").click()
    page.locator("#region-note").get_by_text("Boxes on image 1").wait_for()
    note = page.locator("#region-note").inner_text()
    assert f"[{wired[0]}, {wired[1]}, {wired[2]}, {wired[3]}]" in note
    assert page.locator("#input-images").get_by_text("Image 1 (marked)").count() == 0
    page.close()


def test_a_chinese_page_follows_the_moved_picture_with_nothing_over_the_preview(
    browser, app, tmp_path
):
    """On a zh page the panel names the inputs and says its warnings in Chinese; no label badge
    covers the preview (the note says where to click); moving the shown picture keeps it shown,
    with its box."""
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
    page = context.new_page()
    page.goto(app.url)
    sky = tmp_path / "sky.png"
    Image.new("RGB", SIZE, (200, 40, 40)).save(sky)
    page.locator("#input-images input[type=file]").set_input_files(
        [str(garden(tmp_path / "garden.png")), str(sky)]
    )
    page.locator("#input-images img").nth(1).wait_for()
    page.get_by_text("区域框").click()
    page.locator("#region-preview img").wait_for()
    assert page.locator("#region-preview [data-testid=block-label]:visible").count() == 0
    page.locator("#region-note").get_by_text("在图片上点击两个对角即可画一个框").wait_for()
    choice = page.locator("#region-image input")
    assert choice.input_value() == "图 1"

    click_at(page, BOX[:2])
    page.locator("#region-preview").get_by_text("现在点击对角").wait_for()
    click_at(page, BOX[:2])  # a double click is no box: said in Chinese, the corner kept
    page.locator("#region-preview").get_by_text("离第一个角").wait_for()
    click_at(page, BOX[2:])
    page.locator("#region-note").get_by_text("图 1 上的框").wait_for()
    assert f"[{BOX[0]}," in page.locator("#region-note").inner_text()
    page.locator("#input-images img").first.click()
    page.get_by_role("button", name="右移 ▶").click()
    page.locator("#region-note").get_by_text("图 2 上的框").wait_for()
    page.wait_for_function("() => document.querySelector('#region-image input').value === '图 2'")
    garden_pixel = page.locator("#region-preview img").evaluate(
        """img => { const c = document.createElement('canvas'); c.width = img.naturalWidth;
        c.height = img.naturalHeight; const g = c.getContext('2d'); g.drawImage(img, 0, 0);
        return [...g.getImageData(c.width / 2, c.height * 0.9, 1, 1).data].slice(0, 3); }"""
    )
    assert garden_pixel == [70, 150, 60]  # still the garden's lawn, not the red picture
    page.locator("#region-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "chinese-moved.png"), full_page=True)
    context.close()
