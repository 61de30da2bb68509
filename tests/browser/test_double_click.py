"""A double click on Run in a real Chromium: the second click reaches the server before Run
turns busy, and must not send (and bill) the edit a second time."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator
from tests.browser.test_page import DESKTOP

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    with app_on_simulator(simulator, tmp_path_factory.mktemp("double-click")) as running:
        yield running


def test_a_double_click_on_run_sends_the_edit_once(browser, app, sim, tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (120, 40, 160)).save(picture)
    control = sim.origin + "/_simulator"
    httpx2.post(control + "/faults", json=[{"delay_s": 2}] * 2).raise_for_status()
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(app.url)
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()
    page.locator("#prompt textarea").fill("one click too many")
    page.locator("#run-button").dblclick()
    status = page.locator("#run-status")
    status.get_by_text("1 image in").wait_for(timeout=30_000)
    assert "this session 1 image" in status.inner_text()
    assert len(httpx2.get(control + "/requests").json()["requests"]) == 1
    page.get_by_role("tab", name="History").click()
    kept = page.locator("#history-gallery").get_by_text("one click too many")
    kept.first.wait_for()
    assert kept.count() == 1
