"""The deployments the privacy tests run the app in (`deployment`): the embedded default, and a
replica's setup (PostgreSQL, S3 objects and a local cache of them), on the servers that
tests/conftest.py starts."""

from __future__ import annotations

import secrets
import uuid

import pytest

from tests.servers import S3_BUCKET, create_database

ENV = {"SIMULATOR_LATENCY": "0"}


@pytest.fixture(params=["embedded", "postgres+s3"])
def deployment(request, monkeypatch) -> tuple[dict[str, str], dict[str, str]]:
    """(the app's environment, the options of a store reading its history) for the embedded
    default, and for a replica's setup."""
    if request.param == "embedded":
        return ENV, {}
    return replica_setup(request, monkeypatch)


@pytest.fixture
def replicated(request, monkeypatch) -> tuple[dict[str, str], dict[str, str]]:
    """A replica's setup alone: what several replicas share, as `deployment` gives it."""
    return replica_setup(request, monkeypatch)


def replica_setup(request, monkeypatch) -> tuple[dict[str, str], dict[str, str]]:
    """A new database and bucket prefix, the S3 settings in this process's environment too."""
    s3_settings = request.getfixturevalue("s3_settings")
    for name, value in s3_settings.items():
        monkeypatch.setenv(name, value)
    options = {
        "database_url": create_database(request.getfixturevalue("postgres_url")),
        "blob_url": f"s3://{S3_BUCKET}/privacy-{uuid.uuid4().hex[:8]}",
    }
    env = {
        **ENV,
        **s3_settings,
        "HISTORY_DATABASE_URL": options["database_url"],
        "HISTORY_BLOB_URL": options["blob_url"],
        "HISTORY_SECRET": secrets.token_hex(32),
    }
    return env, options
