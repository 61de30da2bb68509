"""Fixtures of the modules that run the app as a process (each defines its own `app`): the
app's history, opened as a store beside it, and a Gradio client of its API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gradio_client import Client

from history import HistoryStore
from tests.app_process import AppProcess


@pytest.fixture
def history(app: AppProcess) -> Iterator[HistoryStore]:
    store = HistoryStore(app.history_dir)
    yield store
    store.close()


@pytest.fixture(scope="module")
def client(app: AppProcess, tmp_path_factory) -> Client:
    downloads = tmp_path_factory.mktemp("downloads")
    return Client(app.url, verbose=False, download_files=str(downloads))
