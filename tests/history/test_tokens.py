"""Personal API tokens at the store (issue 23), on SQLite and PostgreSQL: a token is shown once,
kept only as its SHA-256 digest, acts for the identity that made it, is listed by name and date
and ends when revoked (by itself or by its name), by its owner only."""

import hashlib
import time

import pytest

from history import TokenIdentity, TokenRefused
from history.tokens import MAX_TOKENS, NAME_MAX_CHARS, PREFIX

ALICE = TokenIdentity("anon:alice")
BOB = TokenIdentity("user:bob", "bob")


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


def test_a_token_acts_for_its_identity_until_it_is_revoked(store):
    token = store.create_token(BOB, "notebook")
    assert token.startswith(PREFIX) and len(token) > 40
    assert store.token_identity(token) == BOB
    assert [t.name for t in store.tokens_of("user:bob")] == ["notebook"]
    assert store.tokens_of("user:bob")[0].created_at == pytest.approx(time.time(), abs=60)

    assert store.revoke_token("user:bob", token) is True
    assert store.token_identity(token) is None
    assert store.tokens_of("user:bob") == []
    assert store.revoke_token("user:bob", token) is False


def test_a_token_is_revoked_by_its_name_and_only_by_its_owner(store):
    token = store.create_token(ALICE, "agent")
    assert store.revoke_token("anon:mallory", "agent") is False
    assert store.revoke_token("anon:mallory", token) is False
    assert store.token_identity(token) == ALICE, "a stranger cannot end Alice's token"
    assert store.revoke_token("anon:alice", " agent ") is True
    assert store.token_identity(token) is None


@pytest.mark.parametrize(
    "presented",
    ["", "iep_", PREFIX + "x" * 43, "Bearer", "not a token", None, 42, PREFIX + "é" * 43],
)
def test_anything_but_a_live_token_acts_for_nobody(store, presented):
    store.create_token(ALICE, "agent")
    assert store.token_identity(presented) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [("", "empty_name"), ("   ", "empty_name"), ("x" * (NAME_MAX_CHARS + 1), "name_too_long")],
)
def test_a_token_needs_a_name(store, name, reason):
    with pytest.raises(TokenRefused) as refused:
        store.create_token(ALICE, name)
    assert refused.value.reason == reason


def test_names_are_unique_per_identity_and_tokens_are_bounded(store):
    store.create_token(ALICE, "agent")
    with pytest.raises(TokenRefused, match="name_taken"):
        store.create_token(ALICE, "agent")
    store.create_token(BOB, "agent")  # another identity may use the name
    for number in range(1, MAX_TOKENS):
        store.create_token(ALICE, f"script {number}")
    with pytest.raises(TokenRefused, match="too_many"):
        store.create_token(ALICE, "one more")
    assert len(store.tokens_of("anon:alice")) == MAX_TOKENS
    assert [t.name for t in store.tokens_of("user:bob")] == ["agent"]


def test_only_the_digest_is_stored(open_store, tmp_path, backend):
    store = open_store(tmp_path / "history")
    token = store.create_token(ALICE, "agent")
    with store._sql.read() as db:
        rows = [tuple(row) for row in db.execute("SELECT * FROM api_tokens").fetchall()]
    assert hashlib.sha256(token.encode()).hexdigest() in rows[0]
    assert token not in repr(rows)
    if backend == "sqlite":
        store.close()
        files = b"".join(p.read_bytes() for p in (tmp_path / "history").rglob("*") if p.is_file())
        assert token.encode() not in files
        assert hashlib.sha256(token.encode()).hexdigest().encode() in files
