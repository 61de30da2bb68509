"""Fixtures of the client tests: `api`, a scripted edits API on a loopback port."""

from collections.abc import Iterator

import pytest

from tests.client.local_api import ScriptedAPI


@pytest.fixture
def api() -> Iterator[ScriptedAPI]:
    with ScriptedAPI() as server:
        yield server
