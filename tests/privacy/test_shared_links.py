"""Issue 14.3 through the API: a link to one run is read without any cookie, only its owner makes
or revokes one, and a revoke or a delete leaves the link showing nothing and every picture it
served answering 404: in the embedded default, with PostgreSQL and S3, on a second replica that
served the link, and in the shared scope.
"""

from __future__ import annotations

import secrets

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from tests.app_process import app_process
from tests.history_api import (
    history_captions,
    issued_cookie,
    newest_run_id,
    raw_visitor,
    status_without_cookie,
    urls_in,
)

GONE = "This link was revoked or never existed."


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (30, 90, 160)).save(path)
    return path


def run_edit(client: Client, picture, prompt: str) -> None:
    client.predict(images=[handle_file(str(picture))], prompt=prompt, api_name="/edit")


def stranger(url: str) -> Client:
    """Someone with no cookie at all, as a browser opening the link for the first time."""
    return Client(url, verbose=False, download_files=False)


def read_link(client: Client, token: str) -> tuple[str, list[str]]:
    """What `shared_run` shows: its words and the URLs of its pictures."""
    shown = client.predict(token=token, api_name="/shared_run")
    return shown[0], urls_in(shown)


def token_of(link: str) -> str:
    return link.rsplit("?share=", 1)[1]


def test_a_link_is_read_without_a_cookie_and_ends_on_revoke_and_on_delete(
    tmp_path, deployment, picture
):
    env, options = deployment
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        alice = raw_visitor(app.url, issued_cookie(app.url))
        mallory = raw_visitor(app.url, issued_cookie(app.url))
        run_edit(alice, picture, "a shared harbour")
        run_id = newest_run_id(app.history_dir, **options)

        link = alice.predict(run_id=run_id, api_name="/history_share")
        assert link.startswith(f"{app.url}/?share=")
        text, urls = read_link(stranger(app.url), token_of(link))
        assert "a shared harbour" in text and len(urls) == 2  # the input and the result
        assert {status_without_cookie(url) for url in urls} == {200}

        with pytest.raises(AppError, match="Only your own runs can be shared"):
            mallory.predict(run_id=run_id, api_name="/history_share")
        with pytest.raises(AppError, match="Only your own runs' links can be revoked"):
            mallory.predict(token=token_of(link), api_name="/history_revoke")
        assert read_link(mallory, secrets.token_urlsafe(24)) == (f"**{GONE}**", [])
        assert "a shared harbour" in read_link(stranger(app.url), token_of(link))[0]

        assert "Revoked" in alice.predict(token=token_of(link), api_name="/history_revoke")
        assert read_link(stranger(app.url), token_of(link)) == (f"**{GONE}**", [])
        assert {url: status_without_cookie(url) for url in urls} == dict.fromkeys(urls, 404)
        assert any("a shared harbour" in c for c in history_captions(alice)), "the run stays"

        second = alice.predict(run_id=run_id, api_name="/history_share")
        urls = read_link(stranger(app.url), token_of(second))[1]
        assert {status_without_cookie(url) for url in urls} == {200}
        alice.predict(run_id=run_id, search="", model="All models", api_name="/history_delete")
        assert read_link(stranger(app.url), token_of(second)) == (f"**{GONE}**", [])
        assert {url: status_without_cookie(url) for url in urls} == dict.fromkeys(urls, 404)


def test_a_link_revoked_on_one_replica_stops_serving_on_the_other(tmp_path, replicated, picture):
    """The pictures a second replica served for a link live in that replica's cache, which the
    revoke on the first never touches: the database decides."""
    env, options = replicated
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        app_process(["python", "app.py"], tmp_path / "a", env=env) as first,
        app_process(["python", "app.py"], tmp_path / "b", env=env) as second,
    ):
        alice = raw_visitor(first.url, issued_cookie(first.url))
        run_edit(alice, picture, "two replicas")
        run_id = newest_run_id(first.history_dir, **options)
        token = token_of(alice.predict(run_id=run_id, api_name="/history_share"))
        text, urls = read_link(stranger(second.url), token)
        assert "two replicas" in text and all(url.startswith(second.url) for url in urls)
        urls += [url.replace("/gradio_api/file=", "/gradio_api/file/") for url in urls]
        assert {status_without_cookie(url) for url in urls} == {200}  # either spelling

        alice.predict(token=token, api_name="/history_revoke")
        assert {url: status_without_cookie(url) for url in urls} == dict.fromkeys(urls, 404)
        assert read_link(stranger(second.url), token) == (f"**{GONE}**", [])


def test_in_the_shared_scope_everyone_sees_the_run_but_only_its_owner_shares_it(tmp_path, picture):
    env = {"SIMULATOR_LATENCY": "0", "HISTORY_SCOPE": "shared", "APP_AUTH": "alice:pw-a,bob:pw-b"}
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        alice = Client(app.url, auth=("alice", "pw-a"), verbose=False, download_files=False)
        bob = Client(app.url, auth=("bob", "pw-b"), verbose=False, download_files=False)
        run_edit(alice, picture, "team lighthouse")
        run_id = newest_run_id(app.history_dir)
        assert any("team lighthouse" in caption for caption in history_captions(bob))

        with pytest.raises(AppError, match="Only your own runs can be shared"):
            bob.predict(run_id=run_id, api_name="/history_share")
        token = token_of(alice.predict(run_id=run_id, api_name="/history_share"))
        text, urls = read_link(bob, token)
        assert "team lighthouse" in text and len(urls) == 2
        assert "alice" not in text, "a link never names who shared it"
        with pytest.raises(AppError, match="Only your own runs' links can be revoked"):
            bob.predict(token=token, api_name="/history_revoke")
        alice.predict(token=token, api_name="/history_revoke")
        assert read_link(bob, token) == (f"**{GONE}**", [])
