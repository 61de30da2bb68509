"""Personal API tokens: a script presents one as `Authorization: Bearer <token>` and acts as the
identity that made it (a visitor, or a login), so a team hands out tokens instead of the key.

A token is 256 random bits behind a recognisable prefix, so a plain SHA-256 digest is what is
kept (no salt or slow hash is needed against a search of 2**256): the token itself is shown once
and stored nowhere. A lookup finds the row by digest and compares the digests in constant time.
Names are unique per identity, so a token can be revoked by its name. Every function runs inside
a transaction of the store's (store.py).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

PREFIX = "iep_"
"""What every token starts with: a token is told from other Bearer credentials at a glance."""
TOKEN_BYTES = 32
TOKEN_SHAPE = re.compile(re.escape(PREFIX) + r"[A-Za-z0-9_-]{43}")
NAME_MAX_CHARS = 60
MAX_TOKENS = 20
"""Tokens one identity may hold at once."""


class TokenRefused(Exception):
    """A token could not be made; `reason` names why (the page words it: `token_<reason>`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ApiToken:
    """One live token as its owner sees it: never the token itself."""

    name: str
    created_at: float


@dataclass(frozen=True)
class TokenIdentity:
    """Whom a token acts for: an owner id of the history ("anon:…" or "user:…") and its label."""

    owner: str
    owner_label: str | None = None


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: Any) -> bool:
    """Whether `value` has a token's shape (a Bearer credential of this app, live or not)."""
    return isinstance(value, str) and TOKEN_SHAPE.fullmatch(value) is not None


def is_ours(value: Any) -> bool:
    """Whether a Bearer credential claims to be one of this app's tokens (live, wrong or
    malformed): such a credential is checked, and refused when it is not live."""
    return isinstance(value, str) and value.startswith(PREFIX)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def clean_name(name: Any) -> str:
    """The name as kept (trimmed); raises TokenRefused for an empty or too long one."""
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned:
        raise TokenRefused("empty_name")
    if len(cleaned) > NAME_MAX_CHARS:
        raise TokenRefused("name_too_long")
    return cleaned


def create(db: Any, identity: TokenIdentity, name: Any) -> str:
    """A new token for `identity` named `name`, returned once; raises TokenRefused."""
    cleaned = clean_name(name)
    held = db.execute("SELECT name FROM api_tokens WHERE owner = ?", (identity.owner,)).fetchall()
    if any(row[0] == cleaned for row in held):
        raise TokenRefused("name_taken")
    if len(held) >= MAX_TOKENS:
        raise TokenRefused("too_many")
    token = new_token()
    db.execute(
        "INSERT INTO api_tokens (digest, owner, owner_label, name, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (digest_of(token), identity.owner, identity.owner_label, cleaned, time.time()),
    )
    return token


def of_owner(db: Any, owner: str) -> list[ApiToken]:
    """`owner`'s live tokens, newest first."""
    rows = db.execute(
        "SELECT name, created_at FROM api_tokens WHERE owner = ? ORDER BY created_at DESC, name",
        (owner,),
    ).fetchall()
    return [ApiToken(row[0], row[1]) for row in rows]


def revoke(db: Any, owner: str, token_or_name: Any) -> bool:
    """Ends `owner`'s token given as itself or by its name; False when `owner` has no such."""
    if not isinstance(token_or_name, str) or not token_or_name.strip():
        return False
    if is_token(token_or_name.strip()):
        found = identity_of(db, token_or_name.strip())
        if found is None or found.owner != owner:
            return False
        ended = db.execute(
            "DELETE FROM api_tokens WHERE digest = ?", (digest_of(token_or_name.strip()),)
        )
    else:
        ended = db.execute(
            "DELETE FROM api_tokens WHERE owner = ? AND name = ?", (owner, token_or_name.strip())
        )
    return ended.rowcount > 0


def identity_of(db: Any, token: Any) -> TokenIdentity | None:
    """Whom a live token acts for; None for anything else (wrong, revoked, not a token)."""
    if not is_token(token):
        return None
    digest = digest_of(token)
    row = db.execute(
        "SELECT digest, owner, owner_label FROM api_tokens WHERE digest = ?", (digest,)
    ).fetchone()
    if row is None or not hmac.compare_digest(row[0], digest):
        return None
    return TokenIdentity(row[1], row[2])
