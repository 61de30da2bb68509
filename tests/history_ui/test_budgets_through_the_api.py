"""Issue 25.3 through the API: BUDGET_IMAGES_PER_DAY against the app on the live simulator.

A run or a comparison that would pass the person's budget is refused, in words naming what is
left and when the day resets, with nothing sent (the simulator's request log says what reached
the wire); runs count across `/edit` and `/compare`; two replicas on one PostgreSQL, sent to at
once by one login, never pass it together; the admins' list shows the day's use to APP_ADMINS
alone.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator
from tests.history_api import issued_cookie, owner_cookie_name
from tests.integration.test_mcp import call, words
from tests.servers import create_database
from tests.simulator.helpers import data_uri, png

BOTH = "qwen-image-2.0-pro,wan2.7-image-pro"


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("budgets-api")
    settings = {"BUDGET_IMAGES_PER_DAY": "5", "GRADIO_MCP_SERVER": "True"}
    with app_on_simulator(simulator, root, **settings) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "photo.png"
    Image.new("RGB", (640, 480), (30, 120, 200)).save(path)
    return path


def sent(sim: RunningServer) -> int:
    return len(httpx2.get(sim.origin + "/_simulator/requests").json()["requests"])


def person(url: str, language: str = "en") -> Client:
    """A new visitor (an owner cookie of their own) whose browser speaks `language`."""
    cookie = f"{owner_cookie_name(url)}={issued_cookie(url)}"
    return Client(url, headers={"Cookie": cookie, "Accept-Language": language}, verbose=False)


def edit(client: Client, picture: Path, n: int, **arguments):
    return client.predict(
        images=[handle_file(str(picture))], prompt="budget", n=n, api_name="/edit", **arguments
    )


def compare(client: Client, picture: Path, n: int, seeds: str = "1"):
    return client.predict(
        images=[handle_file(str(picture))],
        prompt="budget",
        models=BOTH,
        seeds=seeds,
        n=n,
        api_name="/compare",
    )


def test_a_run_or_comparison_past_the_budget_is_refused_with_nothing_sent(app, sim, picture):
    alice = person(app.url)
    with pytest.raises(AppError) as refused:
        edit(alice, picture, n=6)
    words = str(refused.value)
    assert "This asks for 6 images, and only 5 of your 5 images a day are left today" in words
    assert "resets at 00:00 UTC" in words
    assert sent(sim) == 0

    images, *_ = edit(alice, picture, n=2)
    assert len(images) == 2 and sent(sim) == 1

    with pytest.raises(AppError) as refused:  # 2 models × 1 seed × 2 images: 4 > 3 left
        compare(alice, picture, n=2)
    assert "only 3 of your 5 images" in str(refused.value)
    assert sent(sim) == 1, "a comparison past the budget sends none of its cells"

    gallery, *_ = compare(alice, picture, n=1)
    assert len(gallery) == 2 and sent(sim) == 3, "a comparison's cells count"
    with pytest.raises(AppError, match="only 1 of your 5 images"):
        edit(alice, picture, n=2)
    edit(alice, picture, n=1)
    with pytest.raises(AppError, match="only 0 of your 5 images"):
        edit(alice, picture, n=1)
    assert sent(sim) == 4

    bob = person(app.url, "zh-CN")  # another person has a budget of their own, in their words
    with pytest.raises(AppError, match="今天只剩 5 张"):
        edit(bob, picture, n=6)
    assert len(edit(bob, picture, n=5)[0]) == 5 and sent(sim) == 5


def test_two_replicas_sent_to_at_once_never_pass_the_budget(
    simulator, sim, postgres_url, tmp_path, picture
):
    """Two app processes on one PostgreSQL; one login sends six runs of 2 images at the same
    moment, three to each, against a budget of 5: two are sent, four refused. The admin sees the
    day's use (priced); another login does not."""
    env = {
        "HISTORY_DATABASE_URL": create_database(postgres_url),
        "HISTORY_SECRET": secrets.token_hex(32),
        "BUDGET_IMAGES_PER_DAY": "10,qwen-image-2.0-pro=5",
        "APP_AUTH": "ada:pw-ada,bob:pw-bob",
        "APP_ADMINS": "ada",
        "PRICE_PER_IMAGE": "qwen-image-2.0-pro=0.075",
    }
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        app_on_simulator(simulator, tmp_path / "a", **env) as first,
        app_on_simulator(simulator, tmp_path / "b", **env) as second,
    ):
        clients = [
            Client(app.url, auth=("bob", "pw-bob"), verbose=False) for app in (first, second)
        ]
        start = threading.Barrier(6)
        outcomes: list[str] = []

        def send(client: Client) -> None:
            start.wait()
            try:
                edit(client, picture, n=2)
                outcomes.append("sent")
            except AppError as error:
                assert "of your 5 qwen-image-2.0-pro images" in str(error)
                outcomes.append("refused")

        threads = [threading.Thread(target=send, args=(clients[i % 2],)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refused"] * 4 + ["sent"] * 2
        assert sent(sim) == 2

        admin = Client(second.url, auth=("ada", "pw-ada"), verbose=False)
        table = admin.predict(api_name="/budget_use")  # the page's update: shown, with its table
        assert (
            table["visible"] and "| bob | `qwen-image-2.0-pro` | 4 | 2 | $0.30 |" in table["value"]
        )
        hidden = clients[0].predict(api_name="/budget_use")
        assert hidden["value"] == "" and not hidden["visible"]


def test_a_token_spends_its_owners_budget_and_the_door_says_so(app, sim, picture):
    """The app's own `/v1/images/edits` and `/edit` with the same person's token (and their
    cookie) draw on one budget; past it the door answers the gateway's 429, sending nothing."""
    carol = person(app.url)
    token = carol.predict("scripts", api_name="/token_create")
    edit(carol, picture, n=4)
    with picture.open("rb") as image:
        answer = httpx2.post(
            app.url + "/v1/images/edits",
            headers={"Authorization": f"Bearer {token}"},
            files={"image": ("photo.png", image, "image/png")},
            data={"model": "qwen-image-2.0-pro", "prompt": "budget", "n": "2"},
            timeout=120,
        )
    assert answer.status_code == 429, answer.text
    error = answer.json()["error"]
    assert error["code"] == "budget_exceeded" and "only 1 of your 5 images" in error["message"]
    with pytest.raises(AppError, match="only 1 of your 5 images"):
        edit(
            Client(app.url, headers={"Authorization": f"Bearer {token}"}, verbose=False), picture, 2
        )
    assert sent(sim) == 1


def test_an_mcp_edit_or_comparison_past_the_budget_is_a_tool_error_with_nothing_sent(app, sim):
    """Each MCP session is a visitor of its own, with a budget of 5 of their own."""
    for tool, extra in (("edit", {"n": 6}), ("compare", {"models": BOTH, "seeds": "1,2", "n": 2})):
        result = call(app, tool, images=[data_uri(png())], prompt="budget", **extra)
        assert result.isError and "only 5 of your 5 images" in words(result), words(result)
    assert sent(sim) == 0


def test_a_batch_past_the_budget_of_the_day_is_refused_whole_with_nothing_sent(app, sim, picture):
    carol = person(app.url)
    three = [handle_file(str(picture)) for _ in range(3)]
    edit(carol, picture, n=3)  # 2 of 5 left
    with pytest.raises(AppError) as refused:  # 3 images × 1 each: 3 > 2 left
        carol.predict(images=three, prompt="budget", api_name="/batch")
    assert "This asks for 3 images, and only 2 of your 5 images a day are left" in str(
        refused.value
    )
    assert sent(sim) == 1, "a batch past the budget sends none of its images"
    answer = carol.predict(images=three[:2], prompt="budget", api_name="/batch")
    assert sent(sim) == 3 and answer
