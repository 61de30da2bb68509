"""Issue 14.3 in a real Chromium: Alice shares a run from History; a fresh browser with no cookie
opens the link and sees the prompt and whole pictures, downloads the run and opens it in its own
editor (and finds it in its own History); Alice picks that link among two and revokes it, and
then it shows only that it is gone and the pictures it served answer 404. The other link lives
on until the run is deleted.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from PIL import Image, ImageDraw

from tests.app_process import AppProcess, app_process
from tests.browser.test_page import (
    DESKTOP,
    PHONE,
    add_inputs,
    open_in_history,
    run_and_wait,
    shows_whole_picture,
)

pytestmark = pytest.mark.browser

PROMPT = "a lighthouse to share"
SIDEWAYS_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
GONE = "This link was revoked or never existed."


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("share")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "0.2"}) as running:
        yield running


@pytest.fixture
def picture(tmp_path) -> Path:
    """A tall photo whose top strip is red: a picture cut off loses it."""
    path = tmp_path / "tall.png"
    image = Image.new("RGB", (900, 1400), (90, 140, 210))
    ImageDraw.Draw(image).rectangle([0, 0, 900, 90], fill=(220, 20, 20))
    image.save(path)
    return path


def alice_opens_a_new_run(browser, app: AppProcess, picture: Path, prompt: str):
    """Alice's page with her run opened in History."""
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.goto(app.url)
    add_inputs(page, picture)
    run_and_wait(page, prompt)
    open_in_history(page, prompt)
    return page


def share(page) -> str:
    """Presses Share on the opened run; returns the new link it shows (in place of any link
    shown before)."""
    field = page.locator("#share-link").locator("input, textarea")
    before = field.input_value() if field.is_visible() else ""
    page.locator("#share-button").click()
    page.wait_for_function(NEW_LINK_JS, arg=before)
    return field.input_value()


NEW_LINK_JS = """(before) => {
    const field = document.querySelector('#share-link input, #share-link textarea');
    return field && field.value && field.value !== before;
}"""


def image_urls(page, selector: str) -> list[str]:
    return page.locator(f"{selector} img").evaluate_all("images => images.map(i => i.src)")


def test_a_link_opens_without_a_cookie_and_dies_on_revoke_and_on_delete(
    browser, app, picture, tmp_path
):
    alice = alice_opens_a_new_run(browser, app, picture, PROMPT)
    link = share(alice)
    assert link.startswith(app.url + "/?share=") and len(link.split("=")[-1]) >= 32
    alice.locator("#share-links").get_by_text(link, exact=False).wait_for()
    alice.screenshot(path=str(tmp_path / "alice-shared.png"), full_page=True)

    stranger = browser.new_context(viewport=DESKTOP)  # a fresh browser: no cookie at all
    visitor = stranger.new_page()
    visitor.goto(link)
    view = visitor.locator("#shared-run")
    view.get_by_text(f"Prompt: {PROMPT}", exact=True).wait_for()
    assert shows_whole_picture(visitor, "#shared-results")
    assert shows_whole_picture(visitor, "#shared-inputs")
    urls = image_urls(visitor, "#shared-inputs") + image_urls(visitor, "#shared-results")
    assert len(urls) == 2 and {httpx2.get(url).status_code for url in urls} == {200}
    visitor.screenshot(path=str(tmp_path / "visitor-shared.png"), full_page=True)

    with visitor.expect_download() as download:
        visitor.locator("#download-shared").click()
    with zipfile.ZipFile(download.value.path()) as bundle:
        assert json.loads(bundle.read("run.json"))["params"]["prompt"] == PROMPT

    visitor.locator("#open-shared").click()
    visitor.locator("#input-images img").first.wait_for()
    assert visitor.locator("#prompt textarea").input_value() == PROMPT
    visitor.get_by_role("tab", name="History").click()
    visitor.locator("#history-gallery").get_by_text(PROMPT).wait_for()
    visitor.screenshot(path=str(tmp_path / "visitor-copied.png"), full_page=True)

    second = share(alice)  # the newest link is selected; Alice picks the first to revoke
    alice.locator("#share-links").get_by_text(link).click()
    alice.locator("#revoke-button").click()
    alice.locator("#share-status").get_by_text("Revoked").wait_for()
    alice.locator("#share-links").get_by_text(link).wait_for(state="detached")
    alice.locator("#share-links").get_by_text(second).wait_for()
    alice.screenshot(path=str(tmp_path / "alice-revoked.png"), full_page=True)
    assert {url: httpx2.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)
    fresh = browser.new_context(viewport=DESKTOP).new_page()
    fresh.goto(link)
    fresh.locator("#shared-run").get_by_text(GONE).wait_for()
    assert PROMPT not in fresh.locator("body").inner_text()
    assert fresh.locator("#shared-results img, #shared-inputs img").count() == 0
    fresh.screenshot(path=str(tmp_path / "revoked.png"), full_page=True)

    # the visitor's copy is theirs: it outlives the link
    visitor.reload()  # still at the link's address: its tab opens first, saying it is gone
    visitor.locator("#shared-run").get_by_text(GONE).wait_for()
    visitor.get_by_role("tab", name="History").click()
    visitor.locator("#history-gallery").get_by_text(PROMPT).wait_for()

    fresh.goto(second)  # the other link lives on, until the run is deleted
    fresh.locator("#shared-run").get_by_text(f"Prompt: {PROMPT}", exact=True).wait_for()
    phone = browser.new_context(viewport=PHONE).new_page()
    phone.goto(second)
    phone.locator("#shared-run").get_by_text(f"Prompt: {PROMPT}", exact=True).wait_for()
    assert shows_whole_picture(phone, "#shared-results")
    assert phone.evaluate(SIDEWAYS_JS) <= 0, "the shared run scrolls sideways on a phone"
    phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    alice.get_by_role("button", name="Delete…").click()
    alice.locator("#confirm-delete").get_by_role("button", name="Yes, delete it").click()
    alice.locator("#run-detail-panel").wait_for(state="hidden")
    fresh.goto(second)
    fresh.locator("#shared-run").get_by_text(GONE).wait_for()
    stranger.close()
