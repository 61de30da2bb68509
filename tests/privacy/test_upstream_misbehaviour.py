"""Issues 11.5, 11.8 and 21.4 through `/edit`, against a scripted upstream on a loopback port.

An upstream that echoes the Authorization header in a successful reply must not get the app's
key stored, logged or shown. An upstream that reads the whole request and hangs up must get it
exactly once: the run may have been billed, so it is recorded and the caller is told so, never
sent again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from history import HistoryStore
from tests.app_process import AppProcess, app_process
from tests.client.fakes import success_body
from tests.client.local_api import ScriptedAPI
from tests.client.test_key_transformations import transformations

SERVER_KEY = "sk-server-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def upstream() -> Iterator[ScriptedAPI]:
    with ScriptedAPI() as api:
        yield api


@pytest.fixture(scope="module")
def app(upstream: ScriptedAPI, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("misbehaving-upstream")
    env = {"POWERTOKENS_API_KEY": SERVER_KEY, "POWERTOKENS_BASE_URL": upstream.base_url}
    with app_process(["python", "app.py"], root, env=env) as running:
        yield running


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "in.png"
    Image.new("RGB", (640, 480), "navy").save(path)
    return path


def edit(app: AppProcess, picture, tmp_path):
    client = Client(app.url, verbose=False, download_files=str(tmp_path / "downloads"))
    return client.predict(images=[handle_file(str(picture))], prompt="a tide", api_name="/edit")


def everything_stored(app: AppProcess) -> bytes:
    """The history's database files and the app's log, as an attacker reading the disk would."""
    files = [*app.history_dir.glob("history.sqlite3*"), app.log_path]
    return b"".join(path.read_bytes() for path in files)


def test_a_key_echoed_in_a_successful_reply_is_neither_stored_logged_nor_shown(
    app, upstream, picture, tmp_path
):
    echo = f"Bearer {SERVER_KEY}"
    upstream.hang_up, upstream.status = False, 200
    upstream.reply = success_body(revised_prompt=f"a tide, as asked by {echo}")
    upstream.reply["metadata"] = {"request_id": "r-echo", "headers": {"authorization": echo}}
    gallery, summary, metadata, _run_id = edit(app, picture, tmp_path)
    assert len(gallery) == 1
    shown = f"{summary} {metadata}"
    assert SERVER_KEY not in shown and "***" in str(metadata)
    store = HistoryStore(app.history_dir)
    try:
        run = store.get_run(None, store.list_runs(None, limit=1)[0].id)
    finally:
        store.close()
    assert run.revised_prompts == ["a tide, as asked by Bearer ***"]
    assert SERVER_KEY.encode() not in everything_stored(app)


def test_a_reply_lost_after_sending_is_never_resent_and_is_kept_as_maybe_billed(
    app, upstream, picture, tmp_path
):
    upstream.received.clear()
    upstream.hang_up = True
    try:
        with pytest.raises(AppError, match="may have run \\(and billed\\)"):
            edit(app, picture, tmp_path)
    finally:
        upstream.hang_up = False
    assert len(upstream.received) == 1, "sent once: a second send would be billed again"
    store = HistoryStore(app.history_dir)
    try:
        [newest] = store.list_runs(None, limit=1)
        run = store.get_run(None, newest.id)
    finally:
        store.close()
    assert run.status == "failed" and "may have run (and billed)" in run.error


def test_an_error_echoing_the_key_in_any_spelling_is_neither_stored_logged_nor_shown(
    app, upstream, picture, tmp_path
):
    """Issue 21.4: upper-cased, url-encoded or base64 (of the key or of its header), the key is
    masked in the message the caller reads, in the run History keeps, and in the log."""
    forms = transformations(SERVER_KEY)
    upstream.hang_up, upstream.status = False, 400
    upstream.reply = {
        "request_id": "r-spellings",
        "code": "InvalidParameter",
        "message": "refused: " + "; ".join(f"{name}={form}" for name, form in forms.items()),
    }
    try:
        with pytest.raises(AppError) as caught:
            edit(app, picture, tmp_path)
    finally:
        upstream.status, upstream.reply = 200, success_body()
    store = HistoryStore(app.history_dir)
    try:
        run = store.get_run(None, store.list_runs(None, limit=1)[0].id)
    finally:
        store.close()
    assert run.status == "failed" and "refused: verbatim=***" in run.error
    shown, stored = str(caught.value), everything_stored(app)
    leaked = [
        name
        for name, form in forms.items()
        if form in shown or form in run.error or form.encode() in stored
    ]
    assert leaked == []
