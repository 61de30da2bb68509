"""What the runner's tests over the live simulator share: a real store, a runner sending to the
session simulator with a key of its own (which the tests look for in what is recorded), and a
photo."""

from __future__ import annotations

import pytest
from PIL import Image

from client import ImageEditClient
from client.preparation import PreparationCache
from history import HistoryStore
from ui.core.backend import Backend
from ui.core.runs import Runner

KEY = "test-key-0123456789"


@pytest.fixture
def store(tmp_path):
    store = HistoryStore(tmp_path / "history")
    yield store
    store.close()


@pytest.fixture
def runner(sim, store):
    client = ImageEditClient(api_key=KEY, base_url=sim.base_url)
    runner = Runner(Backend("api", client, sim.base_url, key=KEY), store, PreparationCache())
    yield runner
    runner.journal.close()
    client.close()


@pytest.fixture
def photo(tmp_path) -> str:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (200, 80, 40)).save(path)
    return str(path)
