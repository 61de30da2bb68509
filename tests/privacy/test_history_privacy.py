"""Issue 7: history privacy holds through the API, not only in the page.

Two visitors are two cookie jars. Whatever one visitor passes to any history endpoint (another
visitor's run id, browser storage, a forged or tampered owner cookie), they see only their own runs.
"""

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from tests.app_process import app_process
from tests.history_api import (
    history_captions,
    issued_cookie,
    newest_run_id,
    owner_cookie_name,
    visitor,
)

HISTORY_ENDPOINTS = (
    "/history_list", "/history_open", "/history_restore", "/history_delete", "/history_share",
    "/history_revoke", "/shared_run", "/history_comparison",
)  # fmt: skip


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("privacy")
    with app_process(["python", "app.py"], tmp_path, env={"SIMULATOR_LATENCY": "0"}) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory):
    path = tmp_path_factory.mktemp("inputs") / "photo.png"
    Image.new("RGB", (640, 480), (40, 160, 90)).save(path)
    return path


def run_edit(client: Client, picture, prompt: str) -> None:
    client.predict(images=[handle_file(str(picture))], prompt=prompt, api_name="/edit")


def test_every_history_endpoint_is_public_and_takes_no_owner(app):
    info = Client(app.url, verbose=False).view_api(print_info=False, return_format="dict")
    for name in HISTORY_ENDPOINTS:
        parameters = {p["parameter_name"] for p in info["named_endpoints"][name]["parameters"]}
        assert not any("owner" in parameter for parameter in parameters), (name, parameters)


def test_another_visitor_cannot_list_open_restore_or_delete_a_run(app, picture):
    alice = visitor(app.url, issued_cookie(app.url))
    mallory = visitor(app.url, issued_cookie(app.url))
    run_edit(alice, picture, "alice's private lighthouse")
    assert any("alice's private lighthouse" in caption for caption in history_captions(alice))

    alice_run = newest_run_id(app.history_dir)
    assert not any("lighthouse" in caption for caption in history_captions(mallory))
    opened = mallory.predict(run_id=alice_run, api_name="/history_open")
    assert "lighthouse" not in str(opened)
    assert all(not value for value in opened[1:]), opened
    with pytest.raises(AppError, match="not in your history"):
        mallory.predict(run_id=alice_run, api_name="/history_restore")
    with pytest.raises(AppError, match="Only your own runs"):
        mallory.predict(run_id=alice_run, search="", model="All models", api_name="/history_delete")

    assert any("lighthouse" in caption for caption in history_captions(alice))


@pytest.mark.parametrize(
    "forged",
    [
        "0" * 32 + "." + "0" * 32,  # right shape, wrong signature
        "not-a-token",
        "",
    ],
)
def test_a_forged_or_missing_cookie_is_a_new_visitor_with_an_empty_history(app, picture, forged):
    owner = visitor(app.url, issued_cookie(app.url))
    run_edit(owner, picture, "a run somebody else made")
    stranger = visitor(app.url, forged)
    assert history_captions(stranger) == []


def test_a_tampered_cookie_is_not_its_owner(app, picture):
    token = issued_cookie(app.url)
    owner = visitor(app.url, token)
    run_edit(owner, picture, "tamper target")
    visitor_id, signature = token.split(".")
    flipped = ("1" if visitor_id[0] == "0" else "0") + visitor_id[1:]
    assert history_captions(visitor(app.url, f"{flipped}.{signature}")) == []
    assert history_captions(visitor(app.url, f"{visitor_id}.{signature[::-1]}")) == []
    assert any("tamper target" in caption for caption in history_captions(owner))


def test_the_server_sets_the_owner_cookie_httponly(app):
    response = httpx2.get(app.url + "/", timeout=10)
    header = response.headers["set-cookie"]
    assert header.startswith(owner_cookie_name(app.url) + "=")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def raw_history_list(url: str, cookie: str) -> str:
    """The /history_list endpoint over plain HTTP (Gradio's call API), as text."""
    headers = {"Cookie": f"{owner_cookie_name(url)}={cookie}"}
    with httpx2.Client(base_url=url, headers=headers, timeout=30) as http:
        started = http.post("/gradio_api/call/history_list", json={"data": ["", "All models"]})
        event_id = started.json()["event_id"]
        return http.get(f"/gradio_api/call/history_list/{event_id}").text


def test_over_plain_http_a_visitor_sees_only_their_own_runs(app, picture):
    alice_token = issued_cookie(app.url)
    run_edit(visitor(app.url, alice_token), picture, "plain http canary")
    assert "plain http canary" in raw_history_list(app.url, alice_token)
    assert "plain http canary" not in raw_history_list(app.url, issued_cookie(app.url))
    assert "plain http canary" not in raw_history_list(app.url, "forged.token")


@pytest.mark.browser
def test_whatever_a_browser_stores_gives_another_visitor_nothing(app, picture):
    from tests.chromium import chromium

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app.url)
        page.locator("#input-images input[type=file]").set_input_files([str(picture)])
        page.locator("#input-images img").first.wait_for()
        page.get_by_label("Prompt", exact=True).fill("browser storage canary")
        page.get_by_role("button", name="Run", exact=True).click()
        page.locator("#results img").first.wait_for(timeout=60_000)
        stored = page.evaluate(
            "() => [...Object.values(localStorage), ...Object.values(sessionStorage),"
            " document.cookie]"
        )
        name = owner_cookie_name(app.url)
        [jar_cookie] = [c for c in page.context.cookies() if c["name"] == name]
    assert jar_cookie["httpOnly"], "page scripts (and so XSS) cannot read the owner id"
    assert not any(jar_cookie["value"] in str(value) for value in stored)
    assert not any(name in str(value) for value in stored)
    mallory = visitor(app.url, issued_cookie(app.url))
    for value in [*stored, *(part for v in stored for part in str(v).split(";"))]:
        assert "browser storage canary" not in str(
            mallory.predict(run_id=str(value), api_name="/history_open")
        )
        for token in (str(value), str(value).split("=")[-1]):
            assert not any("canary" in c for c in history_captions(visitor(app.url, token)))
