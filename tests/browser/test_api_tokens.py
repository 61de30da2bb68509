"""Issue 23's API tokens panel in a real Chromium, on a desktop and a phone, in English and
Chinese: a visitor names a token and creates it; it is shown once, whole, with a copy button;
the list shows it by name and date (never the token); after a reload only the name is left;
Revoke ends it, and the app's door then refuses it with the gateway's 401.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from history.tokens import PREFIX
from tests.app_process import AppProcess, app_process
from tests.browser.test_page import DESKTOP, PHONE

pytestmark = pytest.mark.browser

WORDS = {
    "en-US": {"history": "History", "title": "API tokens", "revoked": "Revoked"},
    "zh-CN": {"history": "历史", "title": "API 令牌", "revoked": "已撤销"},
}
NEW_TOKEN_JS = """() => {
    const field = document.querySelector('#token-new input, #token-new textarea');
    return field && field.value.startsWith('iep_');
}"""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    with app_process(["python", "app.py"], tmp_path_factory.mktemp("tokens")) as running:
        yield running


def open_panel(browser, app: AppProcess, viewport: dict, locale: str):
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(app.url)
    words = WORDS[locale]
    page.get_by_role("tab", name=words["history"]).click()
    page.locator("#api-tokens").get_by_text(words["title"], exact=True).click()
    page.locator("#token-name").wait_for()
    return page


def inside_viewport(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize(
    ("viewport", "locale"),
    [(DESKTOP, "en-US"), (PHONE, "zh-CN")],
    ids=["desktop", "phone-zh"],
)
def test_a_token_is_created_shown_once_listed_and_revoked(browser, app, tmp_path, viewport, locale):
    page = open_panel(browser, app, viewport, locale)
    name = f"notebook {viewport['width']} {locale}"
    page.locator("#token-name").locator("input, textarea").fill(name)
    page.locator("#token-create").click()
    page.wait_for_function(NEW_TOKEN_JS)
    token = page.locator("#token-new").locator("input, textarea").input_value()
    assert token.startswith(PREFIX)
    page.locator("#token-list").get_by_text(name).wait_for()
    assert token not in page.locator("#token-list").inner_text()
    assert page.locator("#token-new button").count() >= 1, "a copy button beside the token"
    page.locator("#token-new").scroll_into_view_if_needed()
    assert inside_viewport(page, "#token-new") and inside_viewport(page, "#token-create")
    page.screenshot(path=str(tmp_path / f"created-{viewport['width']}-{locale}.png"))
    page.locator("#token-revoke").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"listed-{viewport['width']}-{locale}.png"))

    page.reload()
    page.get_by_role("tab", name=WORDS[locale]["history"]).click()
    page.locator("#api-tokens").get_by_text(WORDS[locale]["title"], exact=True).click()
    page.locator("#token-list").get_by_text(name).wait_for()
    assert token not in page.content(), "a token is shown once only"
    assert not page.locator("#token-new").is_visible()

    page.locator("#token-revoke").click()
    page.locator("#token-status").get_by_text(WORDS[locale]["revoked"]).wait_for()
    page.locator("#token-list").wait_for(state="hidden")
    page.locator("#token-status").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"revoked-{viewport['width']}-{locale}.png"))
    answer = httpx2.post(
        app.url + "/v1/images/edits",
        headers={"Authorization": f"Bearer {token}"},
        json={"model": "qwen-image-2.0-pro", "prompt": "p"},
        timeout=30,
    )
    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_api_key"
    page.close()
