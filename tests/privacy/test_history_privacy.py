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
from ui.history_store import HistoryStore
from ui.owner import OWNER_COOKIE

HISTORY_ENDPOINTS = ("/history_list", "/history_open", "/history_restore", "/history_delete")


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


def issued_cookie(url: str) -> str:
    """The owner cookie the server issues to a new browser on its first page load."""
    response = httpx2.get(url + "/", timeout=10)
    return response.cookies[OWNER_COOKIE]


def visitor(url: str, token: str) -> Client:
    return Client(url, headers={"Cookie": f"{OWNER_COOKIE}={token}"}, verbose=False)


def history_prompts(client: Client) -> list[str]:
    result = client.predict(search="", model="All models", api_name="/history_list")
    gallery = result[0] if isinstance(result, tuple) else result
    return [item["caption"] for item in gallery]


def run_edit(client: Client, picture, prompt: str) -> None:
    client.predict(images=[handle_file(str(picture))], prompt=prompt, api_name="/edit")


def newest_run_id(app) -> str:
    """The newest run's id, read from the app's database as an attacker who learnt it would."""
    store = HistoryStore(app.history_dir)
    try:
        return store.list_runs(None, limit=1)[0].id
    finally:
        store.close()


def test_every_history_endpoint_is_public_and_takes_no_owner(app):
    info = Client(app.url, verbose=False).view_api(print_info=False, return_format="dict")
    for name in HISTORY_ENDPOINTS:
        parameters = {p["parameter_name"] for p in info["named_endpoints"][name]["parameters"]}
        assert not any("owner" in parameter for parameter in parameters), (name, parameters)


def test_another_visitor_cannot_list_open_restore_or_delete_a_run(app, picture):
    alice = visitor(app.url, issued_cookie(app.url))
    mallory = visitor(app.url, issued_cookie(app.url))
    run_edit(alice, picture, "alice's private lighthouse")
    assert any("alice's private lighthouse" in caption for caption in history_prompts(alice))

    alice_run = newest_run_id(app)
    assert not any("lighthouse" in caption for caption in history_prompts(mallory))
    opened = mallory.predict(run_id=alice_run, api_name="/history_open")
    assert "lighthouse" not in str(opened)
    assert all(not value for value in opened[1:]), opened
    with pytest.raises(AppError, match="not in your history"):
        mallory.predict(run_id=alice_run, api_name="/history_restore")
    with pytest.raises(AppError, match="Only your own runs"):
        mallory.predict(run_id=alice_run, search="", model="All models", api_name="/history_delete")

    assert any("lighthouse" in caption for caption in history_prompts(alice))


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
    assert history_prompts(stranger) == []


def test_a_tampered_cookie_is_not_its_owner(app, picture):
    token = issued_cookie(app.url)
    owner = visitor(app.url, token)
    run_edit(owner, picture, "tamper target")
    visitor_id, signature = token.split(".")
    flipped = ("1" if visitor_id[0] == "0" else "0") + visitor_id[1:]
    assert history_prompts(visitor(app.url, f"{flipped}.{signature}")) == []
    assert history_prompts(visitor(app.url, f"{visitor_id}.{signature[::-1]}")) == []
    assert any("tamper target" in caption for caption in history_prompts(owner))


def test_the_server_sets_the_owner_cookie_httponly(app):
    response = httpx2.get(app.url + "/", timeout=10)
    header = response.headers["set-cookie"]
    assert header.startswith(OWNER_COOKIE + "=")
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
