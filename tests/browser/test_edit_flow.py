"""The editor in a real Chromium: upload, prompt, run, see results, reuse one as input."""

from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.app_process import ROOT, app_process
from tests.chromium import chromium

pytestmark = pytest.mark.browser

SCREENSHOT = ROOT / "docs" / "screenshot.png"


def photo(path: Path, colour: tuple[int, int, int], size=(640, 480)) -> Path:
    """A picture with a sky gradient and a sun in `colour`, so the screenshot shows real content."""
    sky = Image.linear_gradient("L").resize(size).convert("RGB")
    picture = Image.blend(sky, Image.new("RGB", size, (40, 70, 140)), 0.5)
    sun = min(size) // 3
    ImageDraw.Draw(picture).ellipse(
        (size[0] // 2 - sun // 2, size[1] // 3, size[0] // 2 + sun // 2, size[1] // 3 + sun),
        fill=colour,
    )
    picture.save(path)
    return path


def test_fuse_two_uploads_then_use_a_result_as_input(tmp_path):
    red = photo(tmp_path / "red.png", (220, 30, 30))
    blue = photo(tmp_path / "blue.png", (30, 30, 220), (480, 640))
    env = {"SIMULATOR_LATENCY": "0.3"}
    with app_process(["python", "app.py"], tmp_path, env=env) as app, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app.url)
        page.get_by_text("Offline simulator").wait_for()
        page.locator("#input-images input[type=file]").set_input_files([str(red), str(blue)])
        inputs = page.locator("#input-images img")
        inputs.nth(1).wait_for()
        assert inputs.count() == 2
        page.get_by_label("Prompt", exact=True).fill("fuse the red and the blue picture")
        page.get_by_label("Prompt", exact=True).press("Control+Enter")
        results = page.locator("#results img")
        results.first.wait_for(timeout=60_000)
        page.get_by_text("1 image in").wait_for()
        SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

        results.first.click()
        page.get_by_role("button", name="Continue editing").click()
        page.wait_for_function(
            "document.querySelectorAll('#input-images img').length === 1", timeout=30_000
        )
