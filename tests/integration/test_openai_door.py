"""Personal tokens and the app's own `POST /v1/images/edits` (issue 23), end to end.

A real app process (`python app.py`) sends its runs to a live simulator with its own key. A
visitor makes a token through the API; scripts present it as `Authorization: Bearer <token>`
to the app's door (the official `openai` SDK unchanged, and plain HTTP in every shape the
gateway takes) and to gradio_client calls; each run lands in the token owner's History and
nobody else's. A missing, wrong or revoked token, and a refused request, get the gateway's
envelope, and nothing reaches the service.
"""

from __future__ import annotations

import base64
import hashlib
import io
import random
from concurrent.futures import ThreadPoolExecutor

import httpx2
import openai
import pytest
from gradio_client import Client
from PIL import Image

from history.tokens import PREFIX
from simulator import Fault
from tests.app_process import app_on_simulator
from tests.history_api import history_captions, issued_cookie, visitor
from tests.simulator.helpers import (
    BLUE,
    GREEN,
    RED,
    as_messages,
    data_uri,
    in_flight,
    png,
    queue,
    received,
    wait_until,
)

QWEN, WAN = "qwen-image-2.0-pro", "wan2.7-image-pro"


@pytest.fixture(scope="module")
def app(simulator, tmp_path_factory):
    folder = tmp_path_factory.mktemp("door")
    with app_on_simulator(simulator, folder, MAX_RUNS_PER_VISITOR="1") as running:
        yield running


@pytest.fixture(scope="module")
def alice(app) -> Client:
    """A visitor: her owner cookie is her identity."""
    return visitor(app.url, issued_cookie(app.url))


@pytest.fixture(scope="module")
def alice_token(alice) -> str:
    return new_token(alice, "alice's scripts")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def door(app, token: str | None = None, **request) -> httpx2.Response:
    headers = bearer(token) if token else {}
    return httpx2.post(app.url + "/v1/images/edits", headers=headers, timeout=120, **request)


def new_token(client: Client, name: str) -> str:
    return client.predict(name, api_name="/token_create")


def token_names(client: Client) -> list[str]:
    return [token["name"] for token in client.predict(api_name="/token_list")]


def as_token(app, token: str) -> Client:
    return Client(app.url, headers=bearer(token), verbose=False)


def error_of(response: httpx2.Response) -> dict:
    payload = response.json()
    assert set(payload) == {"error"}, payload
    assert {"message", "type", "code"} <= set(payload["error"]), payload
    return payload["error"]


def test_the_openai_sdk_edits_through_the_app_with_a_token(app, alice, sim):
    token = new_token(alice, "sdk")
    sdk = openai.OpenAI(api_key=token, base_url=app.url + "/v1", max_retries=0)

    answer = sdk.images.edit(
        model=QWEN,
        image=("red.png", png(RED), "image/png"),
        prompt="a lighthouse in the snow",
        n=2,
        size="512x512",
        response_format="b64_json",
        extra_body={"seed": 41, "watermark": False},
    )

    assert len(answer.data) == 2
    for item in answer.data:
        assert Image.open(io.BytesIO(base64.b64decode(item.b64_json))).size == (512, 512)
    assert answer.data[0].revised_prompt.startswith("a lighthouse in the snow")
    (sent,) = received(sim)
    assert (sent["n"], sent["seed"], sent["image_count"]) == (2, 41, 1)
    assert history_captions(alice)[0].startswith("a lighthouse in the snow")
    assert history_captions(as_token(app, token))[0].startswith("a lighthouse in the snow")


def test_url_results_open_with_the_same_token_only(app, alice, sim):
    token = new_token(alice, "urls")
    sdk = openai.OpenAI(api_key=token, base_url=app.url + "/v1", max_retries=0)
    answer = sdk.images.edit(
        model=WAN,
        image=[("a.png", png(RED), "image/png"), ("b.png", png(BLUE), "image/png")],
        prompt="fuse them",
        size="512*512",
    )
    (item,) = answer.data
    assert item.url.startswith(app.url) and not item.b64_json
    assert httpx2.get(item.url, timeout=30).status_code == 404
    opened = httpx2.get(item.url, headers=bearer(token), timeout=30)
    assert opened.status_code == 200 and Image.open(io.BytesIO(opened.content)).size == (512, 512)
    assert received(sim)[0]["image_count"] == 2


FLAT = {
    "model": WAN,
    "prompt": "three colours",
    "image": [data_uri(png(RED)), data_uri(png(BLUE)), data_uri(png(GREEN))],
    "n": 2,
    "size": "768*512",
    "seed": 9,
    "response_format": "b64_json",
    "watermark": True,
    "prompt_extend": False,
}
FORM = {"model": WAN, "prompt": "three colours", "n": "2", "size": "768*512", "seed": "9"}
FORM |= {"response_format": "b64_json", "watermark": "true", "prompt_extend": "false"}


def parts(name: str) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [(name, (f"{n}.png", png(c), "image/png")) for n, c in enumerate((RED, BLUE, GREEN))]


@pytest.mark.parametrize(
    "request_",
    [
        {"json": FLAT},
        {"json": as_messages(FLAT)},
        {"data": FORM, "files": parts("image")},
        {"data": FORM, "files": parts("image[]")},
    ],
    ids=["json-flat", "json-messages", "multipart-image", "multipart-image[]"],
)
def test_every_shape_of_the_gateways_request_is_a_run(app, alice, alice_token, sim, request_):
    answer = door(app, alice_token, **request_)

    assert answer.status_code == 200, answer.text
    payload = answer.json()
    assert set(payload) == {"created", "data", "metadata"}
    assert len(payload["data"]) == 2 and payload["metadata"]["run_id"]
    for item in payload["data"]:
        assert set(item) == {"url", "b64_json", "revised_prompt"} and item["b64_json"]
    (sent,) = received(sim)
    assert (sent["image_count"], sent["n"], sent["seed"], sent["size"]) == (3, 2, 9, "768*512")
    assert (sent["watermark"], sent["prompt_extend"]) == (True, False)
    assert history_captions(alice)[0].startswith("three colours")


def test_a_missing_wrong_or_revoked_token_gets_the_gateways_401(app, alice, sim):
    revoked = new_token(alice, "revoked soon")
    assert alice.predict(revoked, api_name="/token_revoke")
    small = {"json": {"model": QWEN, "prompt": "p", "image": data_uri(png())}}
    large = {"data": {"model": QWEN, "prompt": "p"}, "files": [("image", big_picture())]}
    for token in (None, "sk-not-a-token", PREFIX + "x" * 43, revoked):
        for request in (small, large):  # a refused upload still gets the answer, not a reset
            answer = door(app, token, **request)
            assert answer.status_code == 401, (token, answer.text)
            assert error_of(answer)["code"] == "invalid_api_key"
    assert received(sim) == []


def big_picture() -> tuple[str, bytes, str]:
    """A noisy 2000*2000 PNG, about 12 MB: an upload still being sent when it is refused."""
    noise = Image.frombytes("RGB", (2000, 2000), random.Random(3).randbytes(2000 * 2000 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, "PNG")
    return ("big.png", buffer.getvalue(), "image/png")


def test_a_wrong_token_is_refused_by_gradio_calls_too(app):
    answer = httpx2.get(app.url + "/gradio_api/info", headers=bearer(PREFIX + "y" * 43), timeout=30)
    assert answer.status_code == 401 and error_of(answer)["code"] == "invalid_api_key"


@pytest.mark.parametrize(
    ("fields", "status", "code", "param"),
    [
        ({"n": 9}, 400, "InvalidParameter", "n"),
        ({"model": "no-such-model"}, 400, "model_not_found", "model"),
        ({"prompt": None}, 400, "InvalidParameter", "prompt"),
        ({"size": "100*100"}, 400, "InvalidParameter", "size"),
        ({"image": "https://127.0.0.1:9/a.png"}, 400, "InvalidParameter", "image"),
        ({"image": "data:image/png;base64,@@@"}, 400, "InvalidParameter", "image"),
        ({"image": data_uri(b"not a picture")}, 400, "InvalidParameter", "image"),
        ({"image": [data_uri(png())] * 4}, 400, "InvalidParameter", "images"),
    ],
    ids=["n", "model", "no-prompt", "size", "url", "base64", "not-an-image", "four-images"],
)
def test_a_refused_request_gets_the_gateways_envelope_and_nothing_is_sent(
    app, alice_token, sim, fields, status, code, param
):
    request = {"model": QWEN, "prompt": "p", "image": data_uri(png()), **fields}
    answer = door(app, alice_token, json={k: v for k, v in request.items() if v is not None})

    assert answer.status_code == status, answer.text
    error = error_of(answer)
    assert (error["code"], error.get("param")) == (code, param)
    assert received(sim) == []


def test_an_image_url_is_fetched_as_the_gateway_would_take_it(app, alice_token, sim):
    """The gateway takes https URLs; the door fetches them as the client fetches result links
    (here a result link of the API's own origin, the simulator on loopback)."""
    made = httpx2.post(
        sim.base_url + "/images/edits",
        json={"model": QWEN, "prompt": "p", "image": data_uri(png()), "response_format": "url"},
        headers={"Authorization": "Bearer sim-key"},
    ).json()
    link = made["data"][0]["url"]
    httpx2.delete(sim.origin + "/_simulator/requests")

    answer = door(app, alice_token, json={"model": QWEN, "prompt": "from a link", "image": link})

    assert answer.status_code == 200, answer.text
    (sent,) = received(sim)
    assert sent["image_count"] == 1


def test_the_owners_bound_on_runs_in_flight_holds_at_the_door(app, alice_token, sim):
    """MAX_RUNS_PER_VISITOR=1: while one run of the token's owner is at the service, a second
    is refused with the gateway's 429 envelope, and not sent."""
    queue(sim, Fault(delay_s=10))  # the first run stays at the service until the second is done
    request = {"json": {"model": QWEN, "prompt": "held", "image": data_uri(png())}}
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(door, app, alice_token, **request)
        wait_until(lambda: in_flight(sim) == 1, timeout_s=60)
        second = door(app, alice_token, **request)
        assert second.status_code == 429, second.text
        assert error_of(second)["code"] == "rate_limit_exceeded"
        assert first.result().status_code == 200
    assert len(received(sim)) == 1


def test_tokens_are_made_listed_and_revoked_through_the_api(app):
    bob = visitor(app.url, issued_cookie(app.url))
    first, second = new_token(bob, "one"), new_token(bob, "two")
    assert first != second and first.startswith(PREFIX)
    listed = bob.predict(api_name="/token_list")
    assert [token["name"] for token in listed] == ["two", "one"]
    assert all(set(token) == {"name", "created_at"} for token in listed)
    assert first not in repr(listed) and second not in repr(listed)

    bob.predict("one", api_name="/token_revoke")  # by name
    bob.predict(second, api_name="/token_revoke")  # by the token itself
    assert token_names(bob) == []
    with pytest.raises(Exception, match="no token of that name"):
        bob.predict("one", api_name="/token_revoke")
    new_token(bob, "dup")
    with pytest.raises(Exception, match="already have a token of that name"):
        new_token(bob, "dup")


def test_a_tokens_runs_and_tokens_are_its_owners_alone(app, alice, sim):
    token = new_token(alice, "private")
    prompt = "only alice may see this"
    request = {"model": QWEN, "prompt": prompt, "image": data_uri(png())}
    assert door(app, token, json=request).status_code == 200
    mallory = visitor(app.url, issued_cookie(app.url))
    assert prompt in history_captions(alice)[0]
    assert history_captions(mallory) == []
    assert token_names(mallory) == [] and "private" in token_names(as_token(app, token))
    with pytest.raises(Exception, match="no token of that name"):
        mallory.predict("private", api_name="/token_revoke")
    with pytest.raises(Exception, match="no token of that name"):
        mallory.predict(token, api_name="/token_revoke")
    assert "private" in token_names(alice)


def test_with_logins_a_token_acts_as_the_login_that_made_it(simulator, sim, tmp_path):
    with app_on_simulator(simulator, tmp_path, APP_AUTH="carol:pw-c,dave:pw-d") as app:
        carol = Client(app.url, auth=("carol", "pw-c"), verbose=False)
        dave = Client(app.url, auth=("dave", "pw-d"), verbose=False)
        token = new_token(carol, "carol's notebook")
        sdk = openai.OpenAI(api_key=token, base_url=app.url + "/v1", max_retries=0)
        sdk.images.edit(model=QWEN, image=("r.png", png(RED), "image/png"), prompt="carol's run")

        assert history_captions(carol)[0].startswith("carol's run")
        assert history_captions(as_token(app, token))[0].startswith("carol's run")
        assert history_captions(dave) == [] and token_names(dave) == []
        assert carol.predict(token, api_name="/token_revoke")
        assert door(app, token, json={"model": QWEN, "prompt": "p"}).status_code == 401


def test_tokens_are_stored_hashed(app, alice):
    token = new_token(alice, "hashed")
    stored = b"".join(
        path.read_bytes() for path in app.history_dir.rglob("history.sqlite*") if path.is_file()
    )
    assert stored, "the app's database files were found"
    assert token.encode() not in stored
    assert hashlib.sha256(token.encode()).hexdigest().encode() in stored
    assert token not in app.log()
