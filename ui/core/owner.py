"""Who owns a history run, decided by the server and never by the caller.

An anonymous visitor gets a random id that the server signs (HMAC-SHA256 with a secret that
survives restarts) and keeps in an HttpOnly cookie, so neither page scripts nor API callers can
read or choose someone else's. An unsigned or tampered cookie is a new visitor with an empty
history. With Gradio auth on, the login name is the owner. Owner ids never travel as event inputs.

Browsers share a host name's cookies across its ports, so the cookie's name is derived from the
instance's secret (two playgrounds on one host never overwrite each other's visitors), and on
https it carries the `__Host-` prefix, which only this origin over https can set: another app on
the same host cannot plant a visitor id of its choosing. The app still needs a host name of its
own (README): an app on another port of the same host receives the cookie itself.

A script presents a personal token instead (`Authorization: Bearer iep_…`, history/tokens.py):
the middleware, the one place every door passes, makes the request carry the token's identity
(the visitor's signed cookie, or a Gradio session of the login) and nothing else, so the page's
endpoints, MCP and the app's own `/v1/images/edits` all see the token's owner. A token of this
app's shape that is wrong or revoked is refused there with the gateway's 401 envelope.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool

from client.models import REQUEST_BODY_MAX_BYTES
from history import TokenIdentity
from history.tokens import is_ours
from simulator.app import error_response
from simulator.errors import APIError

logger = logging.getLogger(__name__)

COOKIE_BASE = "playground_owner"
HOST_PREFIX = "__Host-"
COOKIE_MAX_AGE_S = 400 * 24 * 3600
SECRET_FILE = "history-secret"
SECRET_ENV = "HISTORY_SECRET"
TOKEN_IDENTITY = "token_identity"
"""Where a request's scope state keeps the identity of the valid token it presented."""
ANON, USER = "anon:", "user:"


@dataclass(frozen=True)
class Owner:
    id: str
    label: str | None = None


def load_or_create_secret(history_dir: Path, configured: str | None = None) -> bytes:
    """`configured` (HISTORY_SECRET, read from the environment when not given), else a random
    secret generated once into `history_dir` as a 0600 file that every later start reuses."""
    configured = configured if configured is not None else os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode("utf-8")
    history_dir.mkdir(parents=True, exist_ok=True)
    path = history_dir / SECRET_FILE
    if path.exists() and path.read_text().strip():
        return path.read_text().strip().encode("utf-8")
    temporary = path.with_suffix(f".{os.getpid()}.{secrets.token_hex(4)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_hex(32))
        handle.flush()
        os.fsync(handle.fileno())
    try:
        if path.exists():  # empty: a crash interrupted an older version's write; never sign with ""
            logger.warning("The history secret file was empty; generated a new one")
            os.replace(temporary, path)
        else:
            os.link(temporary, path)  # fails if another process won the race: keep theirs
    except FileExistsError:
        pass
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text().strip().encode("utf-8")


def _signature(secret: bytes, visitor: str) -> str:
    return hmac.new(secret, visitor.encode("ascii"), hashlib.sha256).hexdigest()[:32]


def issue_owner_token(secret: bytes) -> str:
    visitor = secrets.token_hex(16)
    return f"{visitor}.{_signature(secret, visitor)}"


def owner_from_token(secret: bytes, token: str | None) -> str | None:
    """The visitor id a genuine token carries, or None for anything unsigned or tampered."""
    if not token or token.count(".") != 1:
        return None
    visitor, signature = token.split(".")
    if len(visitor) != 32 or not all(c in "0123456789abcdef" for c in visitor):
        return None
    if not hmac.compare_digest(signature, _signature(secret, visitor)):
        return None
    return visitor


def cookie_name(secret: bytes, *, https: bool) -> str:
    """The owner cookie's name for this instance: `playground_owner_<tag of the secret>`, with
    the `__Host-` prefix on https (Secure, Path=/, no Domain: only this origin may set it)."""
    tag = hmac.new(secret, b"owner cookie name", hashlib.sha256).hexdigest()[:10]
    name = f"{COOKIE_BASE}_{tag}"
    return HOST_PREFIX + name if https else name


def cookie_values(header: str | None, name: str) -> list[str]:
    """Every value of the cookie `name` in a Cookie header, parsed leniently.

    `http.cookies.SimpleCookie` gives up on the whole header at the first cookie it finds
    malformed (a JSON value, a space), and cookies on localhost are shared by every app on every
    port, so a stranger's cookie must never cost a visitor their history."""
    values = []
    for part in (header or "").split(";"):
        key, equals, value = part.partition("=")
        if equals and key.strip() == name:
            values.append(value.strip().strip('"'))
    return values


def is_https(scheme: str | None, forwarded_proto: str | None) -> bool:
    """Whether the visitor reached the app over https (directly or through a proxy)."""
    return scheme in ("https", "wss") or (forwarded_proto or "").split(",")[0].strip() == "https"


def _request_is_https(request: Any) -> bool:
    headers = getattr(request, "headers", None)
    forwarded = headers.get("x-forwarded-proto") if hasattr(headers, "get") else None
    try:
        scheme = request.url.scheme
    except (AttributeError, KeyError, TypeError):
        scheme = None
    return is_https(scheme, forwarded)


def visitor_from_request(request: Any, secret: bytes) -> str | None:
    """The visitor of the first genuine owner cookie `request` carries (a gr.Request, a Starlette
    request, or anything with `.headers`), or None. Over https only the `__Host-` cookie counts."""
    headers = getattr(request, "headers", None)
    if headers is None or not hasattr(headers, "get"):
        return None
    name = cookie_name(secret, https=_request_is_https(request))
    for token in cookie_values(headers.get("cookie"), name):
        visitor = owner_from_token(secret, token)
        if visitor:
            return visitor
    return None


def resolve_owner(request: Any, secret: bytes) -> Owner:
    """The owner of whoever sent `request`: the Gradio login name when auth is on, else the
    visitor of the signed cookie, else a new random visitor (an empty history, never another's)."""
    username = getattr(request, "username", None) if request is not None else None
    if username:
        return Owner(f"{USER}{username}", str(username))
    visitor = visitor_from_request(request, secret) if request is not None else None
    if visitor:
        return Owner(f"{ANON}{visitor}")
    return Owner(f"{ANON}{secrets.token_hex(16)}")


class OwnerCookieMiddleware:
    """Pure ASGI: gives every HTTP request a valid signed owner cookie, issuing one if needed.

    The fresh cookie is added to the request's own headers, so the handler of this very request
    sees it, and set on the response. HttpOnly always; on https it is `__Host-`, SameSite=None;
    Secure; Partitioned so it works inside a Hugging Face Spaces iframe.
    """

    def __init__(
        self,
        app: Any,
        secret: bytes,
        tokens: Callable[[str], TokenIdentity | None] | None = None,
    ) -> None:
        """`tokens`: whom a personal token acts for (None for a wrong or revoked one)."""
        self.app = app
        self.secret = secret
        self.tokens = tokens
        self._sessions: dict[str, str] = {}
        """A login's Gradio session for its tokens' requests: random, in this process only."""

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = list(scope.get("headers", []))
        view = _HeaderView(headers)
        https = is_https(scope.get("scheme"), view.get("x-forwarded-proto"))
        name = cookie_name(self.secret, https=https)
        presented = bearer_token(view.get("authorization"))
        if self.tokens is not None and is_ours(presented):
            await self._as_token_owner(presented, scope, receive, send, name)
            return
        if any(owner_from_token(self.secret, t) for t in cookie_values(view.get("cookie"), name)):
            await self.app(scope, receive, send)
            return
        token = issue_owner_token(self.secret)
        merged = _merge_cookie(view.get("cookie"), name, token).encode("latin-1")
        scope = {**scope, "headers": [(k, v) for k, v in headers if k != b"cookie"]}
        scope["headers"].append((b"cookie", merged))
        set_cookie = _set_cookie_header(name, token, https).encode("latin-1")

        async def send_with_cookie(message: dict) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"set-cookie", set_cookie)],
                }
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _as_token_owner(
        self, token: str, scope: dict, receive: Any, send: Any, name: str
    ) -> None:
        """The request as the token's identity, or the gateway's 401 for a wrong token."""
        identity = await run_in_threadpool(self.tokens, token)
        cookie = identity and self._identity_cookie(identity, scope.get("app"), name)
        if not cookie:
            refusal = APIError(
                401,
                "invalid_api_key",
                "Incorrect or revoked token: create one in History's API tokens panel.",
            )
            await _drain(receive)  # a client still sending its body would miss the answer
            await error_response(refusal)(scope, receive, send)
            return
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"cookie"]
        headers.append((b"cookie", cookie.encode("latin-1")))
        state = {**scope.get("state", {}), TOKEN_IDENTITY: identity}
        await self.app({**scope, "headers": headers, "state": state}, receive, send)

    def _identity_cookie(self, identity: TokenIdentity, app: Any, name: str) -> str | None:
        """The one cookie that makes a request its identity's: a visitor's signed owner cookie,
        or a Gradio session of the login (kept in Gradio's own table of sessions, as its login
        page keeps one); None when the identity cannot be taken here."""
        if identity.owner.startswith(ANON):
            visitor = identity.owner[len(ANON) :]
            return f"{name}={visitor}.{_signature(self.secret, visitor)}"
        sessions = getattr(app, "tokens", None)
        if not identity.owner.startswith(USER) or not isinstance(sessions, dict):
            return None
        username = identity.owner[len(USER) :]
        session = self._sessions.setdefault(username, secrets.token_urlsafe(32))
        sessions[session] = username
        return f"access-token-unsecure-{app.cookie_id}={session}"


async def _drain(receive: Any) -> None:
    """Reads what is left of the request's body (up to the gateway's cap) and drops it."""
    left = REQUEST_BODY_MAX_BYTES
    while left > 0:
        message = await receive()
        left -= len(message.get("body", b""))
        if message["type"] != "http.request" or not message.get("more_body"):
            return


def bearer_token(header: str | None) -> str | None:
    """The credential of an `Authorization: Bearer <credential>` header, else None."""
    scheme, _, credential = (header or "").strip().partition(" ")
    return credential.strip() or None if scheme.lower() == "bearer" else None


class _HeaderView:
    def __init__(self, headers: list[tuple[bytes, bytes]]) -> None:
        self._headers = headers

    def get(self, name: str) -> str | None:
        key = name.encode("latin-1")
        values = [v.decode("latin-1") for k, v in self._headers if k.lower() == key]
        return "; ".join(values) if values else None


def _merge_cookie(existing: str | None, name: str, token: str) -> str:
    kept = [
        part.strip()
        for part in (existing or "").split(";")
        if part.strip() and not part.strip().startswith(name + "=")
    ]
    return "; ".join([*kept, f"{name}={token}"])


def _set_cookie_header(name: str, token: str, https: bool) -> str:
    attributes = f"{name}={token}; Path=/; Max-Age={COOKIE_MAX_AGE_S}; HttpOnly"
    if https:
        return attributes + "; SameSite=None; Secure; Partitioned"
    return attributes + "; SameSite=Lax"
