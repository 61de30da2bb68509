"""Owner ids: signed by the server, unforgeable, set as an HttpOnly cookie by the middleware."""

import asyncio
import contextlib
import pickle
import stat

import pytest
from gradio.route_utils import Request as GradioRequest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient

from ui.core.owner import (
    Owner,
    OwnerCookieMiddleware,
    cookie_name,
    issue_owner_token,
    load_or_create_secret,
    owner_from_token,
    resolve_owner,
)

SECRET = b"s" * 32
OWNER_COOKIE = cookie_name(SECRET, https=False)


def test_a_token_carries_its_visitor_and_nothing_else_passes():
    token = issue_owner_token(SECRET)
    visitor, signature = token.split(".")
    assert owner_from_token(SECRET, token) == visitor
    assert owner_from_token(b"another secret", token) is None
    forgeries = [
        f"{flip_first(visitor)}.{signature}",
        f"{visitor}.{flip_first(signature)}",
        visitor,
        "",
        None,
        "a.b.c",
        "ZZ" * 16 + "." + signature,
    ]
    for forged in forgeries:
        assert owner_from_token(SECRET, forged) is None, forged


def flip_first(text: str) -> str:
    return ("1" if text[0] == "0" else "0") + text[1:]


def test_the_secret_is_generated_once_private_and_reused(tmp_path):
    first = load_or_create_secret(tmp_path)
    assert load_or_create_secret(tmp_path) == first
    mode = stat.S_IMODE((tmp_path / "history-secret").stat().st_mode)
    assert mode == 0o600
    assert load_or_create_secret(tmp_path, "from-the-config") == b"from-the-config"


def test_the_environment_secret_wins_over_the_file(tmp_path, monkeypatch):
    load_or_create_secret(tmp_path)
    monkeypatch.setenv("HISTORY_SECRET", "from-the-environment")
    assert load_or_create_secret(tmp_path) == b"from-the-environment"


def test_an_empty_secret_file_is_replaced_never_used(tmp_path):
    (tmp_path / "history-secret").write_text("")
    secret = load_or_create_secret(tmp_path)
    assert len(secret) == 64
    assert load_or_create_secret(tmp_path) == secret


class Caller:
    def __init__(self, cookie=None, username=None):
        self.headers = {"cookie": f"{OWNER_COOKIE}={cookie}"} if cookie else {}
        self.username = username

    @classmethod
    def raw(cls, cookie_header: str) -> "Caller":
        caller = cls()
        caller.headers = {"cookie": cookie_header}
        return caller


def test_the_login_name_wins_then_the_signed_cookie_then_a_new_visitor():
    token = issue_owner_token(SECRET)
    assert resolve_owner(Caller(token, "alice"), SECRET).id == "user:alice"
    assert resolve_owner(Caller(token, "alice"), SECRET).label == "alice"
    visitor = resolve_owner(Caller(token), SECRET)
    assert visitor.id == "anon:" + token.split(".")[0] and visitor.label is None
    strangers = {resolve_owner(Caller("forged.token"), SECRET).id for _ in range(3)}
    assert len(strangers) == 3 and visitor.id not in strangers


def starlette_request(cookie_header: str) -> Request:
    return Request(
        {
            "type": "http",
            "method": "POST",
            "scheme": "http",
            "server": ("127.0.0.1", 7860),
            "client": ("127.0.0.1", 50000),
            "path": "/gradio_api/queue/join",
            "query_string": b"",
            "headers": [(b"host", b"127.0.0.1:7860"), (b"cookie", cookie_header.encode())],
        }
    )


def test_a_gradio_request_of_a_queued_event_resolves_to_its_cookie_owner():
    """Queued events get gr.Request(request=<the /queue/join Starlette request>, username=...);
    pickled for another process it keeps headers and cookies as dicts."""
    token = issue_owner_token(SECRET)
    live = GradioRequest(request=starlette_request(f"{OWNER_COOKIE}={token}"), session_hash="s")
    visitor = "anon:" + token.split(".")[0]
    assert resolve_owner(live, SECRET).id == visitor
    assert resolve_owner(pickle.loads(pickle.dumps(live)), SECRET).id == visitor
    logged_in = GradioRequest(request=starlette_request(f"{OWNER_COOKIE}={token}"), username="al")
    assert resolve_owner(logged_in, SECRET) == Owner("user:al", "al")


def test_a_malformed_cookie_of_another_app_does_not_cost_the_visitor_their_history():
    token = issue_owner_token(SECRET)
    header = f'prefs={{"theme": "dark"}}; {OWNER_COOKIE}={token}; other=a b'
    assert resolve_owner(Caller.raw(header), SECRET).id == "anon:" + token.split(".")[0]


def echo_owner(request: Request) -> PlainTextResponse:
    return PlainTextResponse(resolve_owner(request, SECRET).id)


@pytest.fixture
def client():
    app = OwnerCookieMiddleware(Starlette(routes=[Route("/", echo_owner)]), SECRET)
    return TestClient(app)


def test_a_first_visit_gets_a_cookie_and_the_same_owner_at_once(client):
    response = client.get("/")
    header = response.headers["set-cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    token = response.cookies[OWNER_COOKIE]
    assert response.text == "anon:" + owner_from_token(SECRET, token)
    again = client.get("/")
    assert again.text == response.text and "set-cookie" not in again.headers


def test_a_tampered_cookie_is_replaced_by_a_new_visitor(client):
    client.cookies.set(OWNER_COOKIE, "0" * 32 + "." + "0" * 32)
    response = client.get("/")
    assert response.headers["set-cookie"].startswith(OWNER_COOKIE + "=")
    assert response.text != "anon:" + "0" * 32


def test_over_https_the_cookie_works_inside_an_iframe(client):
    response = client.get("/", headers={"x-forwarded-proto": "https"})
    header = response.headers["set-cookie"]
    assert "Secure" in header and "SameSite=None" in header and "Partitioned" in header


def test_over_https_only_a_host_prefixed_cookie_counts(client):
    """Another app on the same host name (another port, plain http) can set an ordinary cookie
    for the host but never a `__Host-` one: over https the planted one is ignored."""
    https = {"x-forwarded-proto": "https"}
    response = client.get("/", headers=https)
    name = cookie_name(SECRET, https=True)
    assert name.startswith("__Host-")
    assert response.headers["set-cookie"].startswith(name + "=")
    assert "Domain" not in response.headers["set-cookie"]
    planted = issue_owner_token(SECRET)  # a genuine token, planted under the plain name
    fixed = client.get("/", headers={**https, "cookie": f"{OWNER_COOKIE}={planted}"})
    assert fixed.text != "anon:" + planted.split(".")[0]
    assert fixed.headers["set-cookie"].startswith(name + "=")
    token = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    kept = client.get("/", headers={**https, "cookie": f"{name}={token}"})
    assert kept.text == "anon:" + token.split(".")[0] and "set-cookie" not in kept.headers


def test_each_instance_names_its_cookie_after_its_secret():
    """Two playgrounds on one host name share cookies across ports; with one common name each
    would replace the other's cookie on every visit, and its visitors would lose their history."""
    other = b"t" * 32
    assert cookie_name(SECRET, https=False) != cookie_name(other, https=False)
    first = TestClient(OwnerCookieMiddleware(Starlette(routes=[Route("/", echo_owner)]), SECRET))
    second = TestClient(OwnerCookieMiddleware(Starlette(routes=[Route("/", echo_owner)]), other))
    token = first.get("/").cookies[OWNER_COOKIE]
    shared_jar = {"cookie": f"{OWNER_COOKIE}={token}"}
    issued = second.get("/", headers=shared_jar).headers["set-cookie"]
    assert not issued.startswith(OWNER_COOKIE + "="), "it would replace the first app's cookie"
    assert first.get("/", headers=shared_jar).text == "anon:" + token.split(".")[0]


def test_a_valid_cookie_is_kept_beside_other_apps_cookies(client):
    token = client.get("/").cookies[OWNER_COOKIE]
    client.cookies.clear()
    response = client.get("/", headers={"cookie": f'prefs={{"a": 1}}; {OWNER_COOKIE}={token}'})
    assert "set-cookie" not in response.headers
    assert response.text == "anon:" + owner_from_token(SECRET, token)


def test_websockets_and_lifespan_pass_through_untouched():
    started = []

    async def echo(websocket):
        await websocket.accept()
        await websocket.send_text(websocket.headers.get("cookie") or "no cookie")
        await websocket.close()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        started.append(True)
        yield

    app = Starlette(routes=[WebSocketRoute("/ws", echo)], lifespan=lifespan)
    with (
        TestClient(OwnerCookieMiddleware(app, SECRET)) as client,
        client.websocket_connect("/ws") as websocket,
    ):
        assert websocket.receive_text() == "no cookie"
    assert started == [True]


def test_a_streaming_response_is_forwarded_message_by_message_with_the_cookie():
    async def streaming_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for chunk in (b"one", b"two", b"three"):
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "scheme": "http"}
    asyncio.run(OwnerCookieMiddleware(streaming_app, SECRET)(scope, receive, send))
    assert [m.get("body") for m in sent] == [None, b"one", b"two", b"three", b""]
    [(name, value)] = sent[0]["headers"]
    assert name == b"set-cookie" and value.startswith(OWNER_COOKIE.encode() + b"=")
