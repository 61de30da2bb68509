"""Issue 22, item 10, in a real Chromium: opening the page downloads what it shows, not what
sits in closed panels, and weighs about twice a bare Gradio page (it weighed 3.6 times).

The app and a bare Gradio page (bench/page_weight.py's: a textbox and a button, same Gradio,
same theme) are each opened once in a fresh browser context, as a first visit is; their bytes
are the responses' bodies as they travelled. Bytes are the same on every load, so the ratio is
exact; no clock is read.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from bench.page_weight import BARE_APP, open_once
from tests.app_process import AppProcess, app_process

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
MOST_BYTES_OF_A_BARE_PAGE = 2.35
"""The page's first visit, in a bare Gradio page's bytes: a guard against growing back, not the
goal (bench/page_weight.py aims at 2, which issue 22 still tracks). The page grew from 2.06x to
2.28x when Region boxes' drawing canvas, the version tree and the tokens panel joined it, and to
2.32x with the Presets, Batch and budget panels."""
CLOSED_PANEL_TYPES = {"code"}
"""Component types only closed panels used: each was a script download of every visit (a code
editor of 130 KB for two JSON fields). The HTML component's 35 KB came back with the Region
boxes canvas, which draws in the browser (its script runs on load), and the version tree."""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    with app_process(["python", "app.py"], tmp_path_factory.mktemp("app")) as running:
        yield running


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Iterator[AppProcess]:
    with app_process(["python", "-c", BARE_APP], tmp_path_factory.mktemp("bare")) as running:
        yield running


def test_a_first_visit_weighs_about_twice_a_bare_gradio_page(browser, app, bare):
    page_bytes = open_once(browser, app.url).bytes
    bare_bytes = open_once(browser, bare.url).bytes
    assert page_bytes <= MOST_BYTES_OF_A_BARE_PAGE * bare_bytes, (
        f"the page took {page_bytes:,} bytes, {page_bytes / bare_bytes:.2f}x a bare page's"
    )


def test_the_page_and_its_config_arrive_compressed(app):
    for path in ("/", "/config"):
        answer = httpx2.get(app.url + path, headers={"accept-encoding": "gzip"}, timeout=30)
        assert answer.headers.get("content-encoding") == "gzip", path
        assert int(answer.headers["content-length"]) < len(answer.content) / 5, path


def test_a_first_visit_fetches_no_script_or_font_for_what_it_does_not_show(browser, app, tmp_path):
    config = httpx2.get(app.url + "/config", timeout=30).json()
    types = {component["type"] for component in config["components"]}
    assert not types & CLOSED_PANEL_TYPES, types & CLOSED_PANEL_TYPES
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(app.url)
    page.locator("#run-button").wait_for()
    page.wait_for_load_state("load")
    assert not [url for url in requested if "IBMPlexMono" in url]
    page.screenshot(path=str(tmp_path / "first-screen.png"))
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_json_fields_are_plain_boxes_in_code_type(browser, app, viewport, tmp_path):
    """extra and bbox_list, once code editors, take typed JSON as they did, in a code font."""
    page = browser.new_page(viewport=viewport)
    page.goto(app.url)
    page.get_by_text("More settings").click()
    extra = page.locator("#extra textarea")
    extra.fill('{"parameters": {"steps": 4}}')
    page.locator("#bbox-list textarea").fill("[[[10, 10, 200, 200]]]")
    assert "monospace" in extra.evaluate("box => getComputedStyle(box).fontFamily")
    assert extra.input_value() == '{"parameters": {"steps": 4}}'
    page.locator("#bbox-list").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"json-fields-{viewport['width']}.png"))
    page.close()
