"""Fixtures of the modules that run the app as a process (each defines its own `app`): the
app's history, opened as a store beside it, and a Gradio client of its API."""

from __future__ import annotations

import gc
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


BLOCKS_LEFTOVERS = "ignore::pytest.PytestUnraisableExceptionWarning"
"""Unit tests here build a page's parts in gr.Blocks, whose event loops and their sockets Gradio
leaves to the garbage collector; it may close them during any later test of this folder."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in str(item.path):
            item.add_marker(pytest.mark.filterwarnings(BLOCKS_LEFTOVERS))


@pytest.fixture(autouse=True)
def collect_blocks_leftovers():
    """Collects what a test's Blocks left behind while the test's own warning filters hold, so
    it is never found later, by another test or at the session's end."""
    yield
    gc.collect()
