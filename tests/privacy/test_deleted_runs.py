"""Issue 11.6: a deleted run leaves nothing downloadable, and no URL outlives a restart.

Gradio serves an image through a copy in its cache, at a URL that answers without any cookie.
Here a visitor runs an edit, opens it in History (inputs, results), then deletes it: every URL
that served the run must answer 404 at once. A run kept across a restart is served again from
fresh copies, and the copies of the earlier process are gone.
"""

from __future__ import annotations

from gradio_client import Client, handle_file
from PIL import Image

from tests.app_process import app_process
from tests.history_api import (
    issued_cookie,
    newest_run_id,
    raw_visitor,
    status_without_cookie,
    urls_in,
)


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
        client = raw_visitor(app.url, issued_cookie(app.url))
        run_id, urls = edit_and_open(client, picture, "a run to forget", app.history_dir, options)
        kept_id, kept_urls = edit_and_open(
            client, picture, "a run to keep", app.history_dir, options
        )
        assert {status_without_cookie(url) for url in urls} == {200}

        client.predict(run_id=run_id, search="", model="All models", api_name="/history_delete")
        assert {url: status_without_cookie(url) for url in urls} == dict.fromkeys(urls, 404)
        # the run kept is untouched: its detail still serves (its files are fresh copies)
        reopened = urls_in(client.predict(run_id=kept_id, api_name="/history_open"))
        assert reopened and {status_without_cookie(url) for url in reopened} == {200}

    with app_process(["python", "app.py"], tmp_path, env=env) as restarted:
        assert {
            status_without_cookie(url.replace(app.url, restarted.url)) for url in kept_urls
        } == {404}, "copies served before the restart must not answer after it"
