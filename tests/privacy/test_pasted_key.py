"""Issue 7: a key a visitor pastes stays on the server, in that session's memory only.

A real Chromium pastes a key, runs once with it (success) and once with a wrong one (the
service refuses it); then the key is looked for everywhere it could leak.
"""

import pytest
from PIL import Image

from tests.app_process import app_process
from tests.chromium import chromium

pytestmark = pytest.mark.browser

GOOD_KEY = "sk-visitor-GOOD-7c1e5a9b"
WRONG_KEY = "sk-visitor-WRONG-44d0f2e8"


def paste_key_and_run(page, key: str, prompt: str, expected: str) -> None:
    page.get_by_text("API key (use your own)").click()
    page.get_by_label("API key (your own, for this session only)").fill(key)
    page.get_by_role("button", name="Use key").click()
    page.get_by_text("Your key is set for this session").wait_for()
    banner = page.locator("#backend-banner")
    assert "Your key" in banner.inner_text() and "Offline simulator" not in banner.inner_text()
    page.get_by_label("Prompt", exact=True).fill(prompt)
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator("#run-status").get_by_text(expected).first.wait_for(timeout=60_000)
    page.get_by_text("API key (use your own)").click()


def test_a_pasted_key_never_reaches_storage_history_logs_or_page(tmp_path, make_simulator):
    real_api = make_simulator(api_key=GOOD_KEY)
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (200, 120, 40)).save(picture)
    env = {"POWERTOKENS_BASE_URL": real_api.base_url, "SIMULATOR_LATENCY": "0"}
    with app_process(["python", "app.py"], tmp_path, env=env) as app, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app.url)
        page.locator("#input-images input[type=file]").set_input_files([str(picture)])
        page.locator("#input-images img").first.wait_for()

        paste_key_and_run(page, GOOD_KEY, "with my own key", "1 image in")
        paste_key_and_run(page, WRONG_KEY, "with a wrong key", "The API key was rejected")

        key_field = page.get_by_label("API key (your own, for this session only)")
        assert key_field.input_value() == ""
        storage = page.evaluate(
            "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage),"
            " document.cookie])"
        )
        cookies = str(page.context.cookies())
        page_source = page.content()
        config = page.request.get(app.url + "/config").text()
        log = app.log()
        history_files = b"".join(
            path.read_bytes() for path in app.history_dir.rglob("*") if path.is_file()
        )

    for key in (GOOD_KEY, WRONG_KEY):
        assert key not in storage
        assert key not in cookies
        assert key not in page_source
        assert key not in config
        assert key not in log
        assert key.encode() not in history_files
    assert "playground_owner" not in storage, "the owner cookie must be HttpOnly"
