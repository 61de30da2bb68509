"""Debian's Chromium, driven by Playwright, for the real-browser tests.

CI installs `/usr/bin/chromium` (tests/install_packages.py); Playwright never downloads a browser
of its own. The flags keep Chromium off the network this machine does not have.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium browser for the duration of the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
