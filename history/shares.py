"""Links that show one run to whoever holds them: one random token per link, in `shares`.

A token is 192 random bits, url-safe (32 characters), so a link cannot be guessed. Only the
run's owner makes, lists and revokes its links, in the shared scope too; opening one needs
nothing but the token. A revoke deletes the link's row, and a run's rows go with the run
(ON DELETE CASCADE: deleted by its owner or evicted by a cap), so a link lives exactly as long
as both. Every function runs inside a transaction of the store's (store.py).
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

TOKEN_BYTES = 24
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{22,64}")
"""What a token can look like; anything else is refused without asking the database."""


@dataclass(frozen=True)
class Share:
    """One live link of a run."""

    token: str
    run_id: str
    created_at: float


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def is_token(value: Any) -> bool:
    return isinstance(value, str) and TOKEN_SHAPE.fullmatch(value) is not None


def create(db: Any, owner: str, run_id: str) -> str | None:
    """A new link to `owner`'s run `run_id`; None when the run is not theirs (or not there)."""
    mine = db.execute("SELECT 1 FROM runs WHERE id = ? AND owner = ?", (run_id, owner))
    if mine.fetchone() is None:
        return None
    token = new_token()
    db.execute(
        "INSERT INTO shares (token, run_id, created_at) VALUES (?, ?, ?)",
        (token, run_id, time.time()),
    )
    return token


def revoke(db: Any, owner: str, token: str) -> bool:
    """Ends the link if it is one of `owner`'s runs'; False otherwise (or if it is gone)."""
    if not is_token(token):
        return False
    ended = db.execute(
        "DELETE FROM shares WHERE token = ? AND run_id IN (SELECT id FROM runs WHERE owner = ?)",
        (token, owner),
    )
    return ended.rowcount > 0


def of_run(db: Any, owner: str, run_id: str) -> list[Share]:
    """The live links of `owner`'s run, oldest first; none for anybody else's run."""
    rows = db.execute(
        "SELECT s.token, s.run_id, s.created_at FROM shares s JOIN runs r ON r.id = s.run_id"
        " WHERE r.id = ? AND r.owner = ? ORDER BY s.created_at, s.token",
        (run_id, owner),
    ).fetchall()
    return [Share(row[0], row[1], row[2]) for row in rows]


def run_of(db: Any, token: str) -> str | None:
    """The id of the run a live link shows, or None for a revoked or unknown token."""
    if not is_token(token):
        return None
    row = db.execute("SELECT run_id FROM shares WHERE token = ?", (token,)).fetchone()
    return row[0] if row else None
