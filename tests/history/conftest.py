"""The store's tests run against every backend: SQLite and files (the embedded default),
PostgreSQL and files, and PostgreSQL and S3 objects (the replicas' setup).

Real servers, started once per session on free loopback ports (tests/conftest.py) and only when
a test asks for them: `open_store(directory, **options)` opens a store whose database (a new one
per directory on the PostgreSQL server) and bucket prefix (a new one per directory) follow the
test's backend, so a store reopened on the same directory finds its runs again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from history import HistoryStore
from tests.servers import S3_BUCKET, create_database

BACKENDS = ["sqlite", "postgres", "postgres+s3"]


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def open_store(request, backend, monkeypatch) -> Iterator[Callable[..., HistoryStore]]:
    locations: dict[str, dict[str, str]] = {}
    opened: list[HistoryStore] = []

    def where(directory: Path) -> dict[str, str]:
        found: dict[str, str] = {}
        if backend.startswith("postgres"):
            found["database_url"] = create_database(request.getfixturevalue("postgres_url"))
        if backend.endswith("+s3"):
            for name, value in request.getfixturevalue("s3_settings").items():
                monkeypatch.setenv(name, value)
            found["blob_url"] = f"s3://{S3_BUCKET}/{uuid.uuid4().hex[:12]}"
        return found

    def open_(directory: Path, **options) -> HistoryStore:
        location = locations.setdefault(str(directory), where(directory))
        store = HistoryStore(directory, **location, **options)
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store, tmp_path) -> HistoryStore:
    return open_store(tmp_path / "history")
