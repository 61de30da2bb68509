"""A personal token presented as `Authorization: Bearer <token>` makes the request its identity's,
in the owner middleware that every door passes (issue 23): a visitor's token carries the
visitor's signed cookie, a login's token a Gradio session of the login, a wrong or revoked one
the gateway's 401; other Bearer credentials (a Hugging Face token) pass as before."""

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from history import TokenIdentity
from history.tokens import PREFIX
from ui.core.owner import TOKEN_IDENTITY, OwnerCookieMiddleware, bearer_token, resolve_owner

SECRET = b"s" * 32
VISITOR = "a" * 32
LIVE = {
    PREFIX + "v" * 43: TokenIdentity(f"anon:{VISITOR}"),
    PREFIX + "u" * 43: TokenIdentity("user:carol", "carol"),
}


class LoginSessions(Starlette):
    """Gradio's app as the middleware meets it: its table of login sessions, its cookie id."""

    tokens: dict[str, str]
    cookie_id = "cid"


def who(request: Request) -> PlainTextResponse:
    """The owner the page's handlers would see (a login's name is Gradio's session's)."""
    session = request.cookies.get("access-token-unsecure-cid")
    request.scope["username"] = request.app.tokens.get(session)
    owner = resolve_owner(_Named(request), SECRET)
    via_token = request.scope.get("state", {}).get(TOKEN_IDENTITY)
    return PlainTextResponse(f"{owner.id} {via_token is not None}")


class _Named:
    def __init__(self, request: Request) -> None:
        self.headers, self.url = request.headers, request.url
        self.username = request.scope["username"]


@pytest.fixture
def client() -> TestClient:
    """The middleware inside the app, as Gradio's launch puts it (the app is in its scope)."""
    owner = Middleware(OwnerCookieMiddleware, secret=SECRET, tokens=LIVE.get)
    app = LoginSessions(routes=[Route("/", who)], middleware=[owner])
    app.tokens = {}
    return TestClient(app)


@pytest.mark.parametrize(
    ("header", "credential"),
    [
        ("Bearer iep_x", "iep_x"),
        ("bearer   iep_x ", "iep_x"),
        ("Basic dTpw", None),
        ("Bearer", None),
        ("", None),
        (None, None),
    ],
)
def test_the_credential_of_a_bearer_header(header, credential):
    assert bearer_token(header) == credential


def test_a_visitors_token_is_that_visitor_whatever_cookie_comes_with_it(client):
    client.cookies.set("other", "x")
    answer = client.get("/", headers={"Authorization": f"Bearer {PREFIX}{'v' * 43}"})
    assert answer.text == f"anon:{VISITOR} True"
    assert "set-cookie" not in answer.headers


def test_a_logins_token_is_that_login(client):
    answer = client.get("/", headers={"Authorization": f"Bearer {PREFIX}{'u' * 43}"})
    assert answer.text == "user:carol True"


@pytest.mark.parametrize("token", [PREFIX + "w" * 43, PREFIX + "v" * 42 + "!"])
def test_a_wrong_or_revoked_token_gets_the_gateways_401(client, token):
    answer = client.get("/", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "invalid_api_key"
    assert token not in answer.text


def test_another_bearer_credential_passes_as_a_visitor(client):
    answer = client.get("/", headers={"Authorization": "Bearer hf_abcdef"})
    assert answer.status_code == 200 and answer.text.endswith(" False")
    assert answer.text.startswith("anon:") and VISITOR not in answer.text
