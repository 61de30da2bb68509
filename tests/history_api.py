"""Talking to a running app's history as visitors do: each visitor is an owner cookie.

Shared by the history, privacy and sharing tests, which all need the same few moves.
"""

from __future__ import annotations

from pathlib import Path

import httpx2
from gradio_client import Client

from history import HistoryStore
from ui.core.owner import COOKIE_BASE


def issued_cookie(url: str) -> str:
    """The owner cookie the server issues to a new browser on its first page load."""
    return httpx2.get(url + "/", timeout=10).cookies[owner_cookie_name(url)]


def owner_cookie_name(url: str) -> str:
    """The name of the app's owner cookie: specific to the instance (derived from its secret),
    so asked each time: a later app of the session may get the same port with another secret."""
    names = [name for name in httpx2.get(url + "/", timeout=10).cookies if COOKIE_BASE in name]
    assert len(names) == 1, names
    return names[0]


def visitor(url: str, token: str) -> Client:
    """A gradio_client that presents `token` as its owner cookie."""
    return Client(url, headers={"Cookie": f"{owner_cookie_name(url)}={token}"}, verbose=False)


def history_captions(client: Client) -> list[str]:
    """The captions of the first page of the History tab, as `client` sees it."""
    result = client.predict(search="", model="All models", api_name="/history_list")
    gallery = result[0] if isinstance(result, tuple) else result
    return [item["caption"] for item in gallery]


def newest_run_id(history_dir: Path, **store_options: str) -> str:
    """The newest run's id, read from the app's database (as an attacker who learnt it would);
    `store_options` name the database and bucket of an app configured with them."""
    store = HistoryStore(history_dir, **store_options)
    try:
        return store.list_runs(None, limit=1)[0].id
    finally:
        store.close()


def raw_visitor(url: str, token: str) -> Client:
    """A visitor whose results arrive as URLs (not downloaded), as a browser sees them."""
    cookie = {"Cookie": f"{owner_cookie_name(url)}={token}"}
    return Client(url, headers=cookie, verbose=False, download_files=False)


def urls_in(value) -> list[str]:
    """Every file URL in an API answer (galleries and images, at any depth)."""
    if isinstance(value, dict):
        found = [value["url"]] if isinstance(value.get("url"), str) else []
        return found + [url for item in value.values() for url in urls_in(item)]
    if isinstance(value, list | tuple):
        return [url for item in value for url in urls_in(item)]
    return []


def status_without_cookie(url: str) -> int:
    return httpx2.get(url, timeout=10).status_code
