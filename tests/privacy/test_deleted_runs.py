"""Issue 11.6: a deleted run leaves nothing downloadable, and no URL outlives its run.

A run's pictures are served by the picture gate (issue 21.1), which asks the history on every
request. Here a visitor runs an edit, opens it in History (inputs, results), then deletes it:
every URL that served the run must answer 404 at once, to its owner too. A run kept across a
restart is served to its owner at the same URLs, and to nobody else.
"""

from __future__ import annotations

import httpx2
from gradio_client import Client, handle_file
from PIL import Image

from tests.app_process import app_process
from tests.history_api import (
    issued_cookie,
    newest_run_id,
    owner_cookie_name,
    raw_visitor,
    status_without_cookie,
    urls_in,
)


def status_for(url: str, cookies: dict[str, str]) -> int:
    return httpx2.get(url, cookies=cookies, timeout=10).status_code


def edit_and_open(
    client: Client, picture, prompt: str, history_dir, options: dict[str, str]
) -> tuple[str, list[str]]:
    """Runs an edit and opens it in History; returns the run id and every URL served for it."""
    edited = client.predict(images=[handle_file(str(picture))], prompt=prompt, api_name="/edit")
    run_id = newest_run_id(history_dir, **options)
    opened = client.predict(run_id=run_id, api_name="/history_open")
    urls = urls_in(edited) + urls_in(opened)
    assert len(urls) >= 3, urls  # the Edit tab's result, the detail's input and result
    return run_id, urls


def test_after_delete_every_url_of_the_run_answers_404(tmp_path, deployment):
    env, options = deployment
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (200, 80, 40)).save(picture)
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        token = issued_cookie(app.url)
        owner = {owner_cookie_name(app.url): token}
        client = raw_visitor(app.url, token)
        run_id, urls = edit_and_open(client, picture, "a run to forget", app.history_dir, options)
        kept_id, kept_urls = edit_and_open(
            client, picture, "a run to keep", app.history_dir, options
        )
        assert {status_for(url, owner) for url in urls} == {200}
        assert {status_without_cookie(url) for url in urls} == {404}, "its owner's alone"

        client.predict(run_id=run_id, search="", model="All models", api_name="/history_delete")
        assert {url: status_for(url, owner) for url in urls} == dict.fromkeys(urls, 404)
        # the run kept is untouched: its detail still serves
        reopened = urls_in(client.predict(run_id=kept_id, api_name="/history_open"))
        assert reopened and {status_for(url, owner) for url in reopened} == {200}

    with app_process(["python", "app.py"], tmp_path, env=env) as restarted:
        again = [url.replace(app.url, restarted.url) for url in kept_urls]
        owner = {owner_cookie_name(restarted.url): token}
        assert {status_for(url, owner) for url in again} == {200}, "the kept run, to its owner"
        assert {status_without_cookie(url) for url in again} == {404}, "and to nobody else"
        gone = [url.replace(app.url, restarted.url) for url in urls]
        assert {status_for(url, owner) for url in gone} == {404}
