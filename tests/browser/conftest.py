"""One headless Chromium per test module of the browser tests (tests/chromium.py)."""

import pytest

from tests.chromium import chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running
