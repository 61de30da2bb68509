"""Owner ids: signed by the server, unforgeable, set as an HttpOnly cookie by the middleware."""

import stat

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.owner import (
    OWNER_COOKIE,
    OwnerCookieMiddleware,
    issue_owner_token,
    load_or_create_secret,
    owner_from_token,
    resolve_owner,
)

SECRET = b"s" * 32


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
    assert load_or_create_secret(tmp_path, "from-the-environment") == b"from-the-environment"


class Caller:
    def __init__(self, cookie=None, username=None):
        self.headers = {"cookie": f"{OWNER_COOKIE}={cookie}"} if cookie else {}
        self.username = username


def test_the_login_name_wins_then_the_signed_cookie_then_a_new_visitor():
    token = issue_owner_token(SECRET)
    assert resolve_owner(Caller(token, "alice"), SECRET).id == "user:alice"
    assert resolve_owner(Caller(token, "alice"), SECRET).label == "alice"
    visitor = resolve_owner(Caller(token), SECRET)
    assert visitor.id == "anon:" + token.split(".")[0] and visitor.label is None
    strangers = {resolve_owner(Caller("forged.token"), SECRET).id for _ in range(3)}
    assert len(strangers) == 3 and visitor.id not in strangers


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
