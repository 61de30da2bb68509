"""Issue 21.1: one gate for every picture. Every kind of picture URL the page and the API hand
out (the Edit tab's results, restored inputs, History's thumbnails and detail, the slider, the
zip, a link's view and its zip, a comparison's cells) is fetched in every spelling Gradio's file
routes accept (absolute, relative to the app's working folder, with `..`, `//`, an encoded `/`,
the older `file/` route, through a symlink): its owner gets it, another visitor and a stranger
get 404; a link's pictures answer anyone until the link is revoked; nothing answers once the run
is deleted or a cap evicts it, on either of two replicas sharing PostgreSQL and S3. A run's
picture sent back as an input is read for its owner only.
"""

from __future__ import annotations

import http.client
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx2
import pytest
from gradio_client import Client, handle_file
from PIL import Image

from tests.app_process import ROOT, app_process
from tests.history_api import issued_cookie, newest_run_id, owner_cookie_name, raw_visitor, urls_in
from ui.core.picture_gate import Picture, PictureGate, parse

ROUTE = "/gradio_api/file="
MODELS = "qwen-image-2.0-pro,wan2.7-image-pro"


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (200, 120, 40)).save(path)
    return path


class Visitor:
    """Someone fetching picture URLs as a browser does: with their owner cookie, or none."""

    def __init__(self, url: str, token: str | None) -> None:
        self.host = urlsplit(url).netloc
        self.cookie = f"{owner_cookie_name(url)}={token}" if token else None

    def status(self, raw_path: str) -> int:
        """GET `raw_path` exactly as written (no client normalises its `..` or `//`)."""
        connection = http.client.HTTPConnection(self.host, timeout=30)
        try:
            connection.request("GET", raw_path, headers={"Cookie": self.cookie or ""})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def statuses(self, urls: list[str], symlink: Path | None = None) -> dict[str, int]:
        """The status of each URL in every spelling."""
        return {path: self.status(path) for url in urls for path in spellings(url, symlink)}

    def as_given(self, urls: list[str]) -> set[int]:
        """The statuses of the URLs as they were handed out."""
        return {self.status(urlsplit(url).path) for url in urls}


def served_path(url: str) -> str:
    """The local path a file URL asks Gradio for."""
    return unquote(urlsplit(url).path.split(ROUTE, 1)[1])


def spellings(url: str, symlink: Path | None = None) -> list[str]:
    """The request paths that ask Gradio's file routes for the same file as `url`."""
    target = served_path(url)
    folder, name = os.path.split(target)
    found = [
        ROUTE + target,
        ROUTE + os.path.relpath(target, ROOT),  # the app runs from the repository's root
        ROUTE + f"{folder}/../{os.path.basename(folder)}/{name}",
        ROUTE + "/" + target.replace("/gate/", "//gate//"),
        ROUTE + target.replace("/", "%2F"),
        "/gradio_api/file/" + target,
    ]
    cache = str(symlink.resolve()) if symlink is not None else None
    if cache and target.startswith(cache + "/"):  # through a link to the cache, named anywhere
        found.append(ROUTE + str(symlink) + target[len(cache) :])
    return found


def share_token(link: str) -> str:
    return link.rsplit("?share=", 1)[1]


def beside(url: str, name: str) -> str:
    """The URL of another picture of the same run (the slider's, the zip), named by the gate."""
    return url.rsplit("/", 1)[0] + "/" + name


def grid_urls(grid) -> list[str]:
    html = grid["value"] if isinstance(grid, dict) else str(grid)
    return sorted({ROUTE + path for path in re.findall(r'gradio_api/file=([^"]+)"', html)})


def edit_with(url: str, token: str, images: list[str], prompt: str) -> str:
    """/edit called with server paths as inputs (as a restored editor sends them back); the
    stream's last event."""
    endpoint = Client(url, verbose=False).view_api(print_info=False, return_format="dict")
    parameters = endpoint["named_endpoints"]["/edit"]["parameters"]
    files = [{"path": path, "meta": {"_type": "gradio.FileData"}} for path in images]
    data = [files, prompt, *(p.get("parameter_default") for p in parameters[2:])]
    cookies = {owner_cookie_name(url): token}
    started = httpx2.post(f"{url}/gradio_api/call/edit", json={"data": data}, cookies=cookies)
    event = started.json()["event_id"]
    return httpx2.get(f"{url}/gradio_api/call/edit/{event}", cookies=cookies, timeout=120).text


def pictures_of_a_run(alice: Client, run_id: str, edited=None) -> dict[str, list[str]]:
    """Every picture URL the API hands out for `run_id` (with the Edit tab's, `edited`, when
    given), by kind, plus those only the page's own events hand out (the slider, the zip),
    named beside the run's result."""
    opened = alice.predict(run_id=run_id, api_name="/history_open")
    restored = alice.predict(run_id=run_id, api_name="/history_restore")
    listed = alice.predict(search="", model="All models", api_name="/history_list")
    result = urls_in(opened)[-1]
    return {
        "edit results": urls_in(edited) if edited is not None else [result],
        "detail": urls_in(opened),
        "restored inputs": urls_in(restored),
        "thumbnail": urls_in(listed)[:1],  # the newest run's
        "slider": [beside(result, "slider-1.jpg")],
        "zip": [beside(result, f"run-{run_id}.zip")],
    }


NAMED_BESIDE = ("slider", "zip")


def flat(kinds: dict[str, list[str]], skip: tuple[str, ...] = ()) -> list[str]:
    """The URLs of every kind but those in `skip` (each kind was handed out)."""
    assert all(kinds.values()), kinds
    return [url for kind, urls in kinds.items() if kind not in skip for url in urls]


def test_every_picture_answers_its_owner_alone_in_every_spelling_until_revoke_and_delete(
    tmp_path, deployment, picture
):
    env, options = deployment
    symlink = tmp_path / "cache-alias"
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        symlink.symlink_to(app.history_dir / "gradio-cache")
        token = issued_cookie(app.url)
        alice_api = raw_visitor(app.url, token)
        edited = alice_api.predict(
            images=[handle_file(str(picture))], prompt="a gated harbour", api_name="/edit"
        )
        run_id = newest_run_id(app.history_dir, **options)
        kinds = pictures_of_a_run(alice_api, run_id, edited)
        owned = flat(kinds)
        compared = alice_api.predict(
            images=[handle_file(str(picture))], prompt="a gated grid",
            models=MODELS, seeds="3", api_name="/compare",
        )  # fmt: skip
        cell_id = newest_run_id(app.history_dir, **options)
        grid = alice_api.predict(run_id=cell_id, api_name="/history_comparison")
        cells = urls_in(compared) + grid_urls(grid)
        assert len(urls_in(compared)) == 2 and grid_urls(grid), cells  # two cells, and the grid
        link = alice_api.predict(run_id=run_id, api_name="/history_share")
        shown = Client(app.url, verbose=False, download_files=False).predict(
            token=share_token(link), api_name="/shared_run"
        )
        linked = [*urls_in(shown), beside(urls_in(shown)[0], f"run-{run_id}.zip")]
        assert len(linked) == 3, linked

        bob_token = issued_cookie(app.url)
        alice, bob, stranger = (Visitor(app.url, t) for t in (token, bob_token, None))
        mine = owned + cells
        assert set(bob.statuses(mine, symlink).values()) == {404}
        assert set(stranger.statuses(mine, symlink).values()) == {404}
        assert set(alice.statuses(mine, symlink).values()) == {200}
        assert set(stranger.statuses(linked, symlink).values()) == {200}

        # a run's picture sent back as an input: read for its owner, refused to anyone else
        restored = [
            unquote(urlsplit(url).path.split(ROUTE, 1)[1]) for url in kinds["restored inputs"]
        ]
        assert "event: complete" in edit_with(app.url, token, restored, "again, from History")
        refused = edit_with(app.url, bob_token, restored, "someone else's")
        assert "event: error" in refused and "no longer on the server" in refused

        alice_api.predict(token=share_token(link), api_name="/history_revoke")
        assert set(stranger.statuses(linked, symlink).values()) == {404}
        assert set(alice.statuses(linked).values()) == {404}
        assert set(alice.statuses(owned).values()) == {200}, "the run stays its owner's"

        relink = alice_api.predict(run_id=run_id, api_name="/history_share")
        again = urls_in(
            Client(app.url, verbose=False, download_files=False).predict(
                token=share_token(relink), api_name="/shared_run"
            )
        )
        assert set(stranger.statuses(again).values()) == {200}
        alice_api.predict(run_id=run_id, search="", model="All models", api_name="/history_delete")
        assert set(alice.statuses(owned, symlink).values()) == {404}
        assert set(stranger.statuses(again, symlink).values()) == {404}
        alice_api.predict(run_id=cell_id, search="", model="All models", api_name="/history_delete")
        gone = [url for url in cells if cell_id in url]
        assert gone and set(alice.statuses(gone).values()) == {404}
        kept = [url for url in cells if cell_id not in url]
        assert kept and set(alice.statuses(kept).values()) == {200}


def test_a_cap_that_evicts_a_run_ends_its_pictures_and_its_links(tmp_path, picture):
    env = {"SIMULATOR_LATENCY": "0", "HISTORY_MAX_RUNS": "1"}
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        token = issued_cookie(app.url)
        alice_api = raw_visitor(app.url, token)
        edited = alice_api.predict(
            images=[handle_file(str(picture))], prompt="soon evicted", api_name="/edit"
        )
        run_id = newest_run_id(app.history_dir)
        kinds = pictures_of_a_run(alice_api, run_id, edited)
        link = alice_api.predict(run_id=run_id, api_name="/history_share")
        linked = urls_in(
            Client(app.url, verbose=False, download_files=False).predict(
                token=share_token(link), api_name="/shared_run"
            )
        )
        alice, stranger = Visitor(app.url, token), Visitor(app.url, None)
        assert alice.as_given(flat(kinds, skip=NAMED_BESIDE)) == {200}
        assert stranger.as_given(linked) == {200}

        alice_api.predict(images=[handle_file(str(picture))], prompt="the newer", api_name="/edit")
        assert newest_run_id(app.history_dir) != run_id
        assert set(alice.statuses(flat(kinds)).values()) == {404}
        assert set(stranger.statuses(linked).values()) == {404}


def test_a_delete_on_one_replica_ends_the_pictures_the_other_serves(tmp_path, replicated, picture):
    env, options = replicated
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        app_process(["python", "app.py"], tmp_path / "a", env=env) as first,
        app_process(["python", "app.py"], tmp_path / "b", env=env) as second,
    ):
        token = issued_cookie(first.url)  # one secret: the same visitor on both
        on_a, on_b = raw_visitor(first.url, token), raw_visitor(second.url, token)
        on_a.predict(images=[handle_file(str(picture))], prompt="two replicas", api_name="/edit")
        run_id = newest_run_id(first.history_dir, **options)
        served_by_b = pictures_of_a_run(on_b, run_id)
        handed_out = flat(served_by_b, skip=NAMED_BESIDE)
        assert all(url.startswith(second.url) for url in handed_out)
        alice_on_b = Visitor(second.url, token)
        assert alice_on_b.as_given(handed_out) == {200}

        on_a.predict(run_id=run_id, search="", model="All models", api_name="/history_delete")
        assert set(alice_on_b.statuses(flat(served_by_b)).values()) == {404}


@contextmanager
def logged_in(url: str, user: str, password: str) -> Iterator[httpx2.Client]:
    """A browser logged in through Gradio's own form (its access-token cookie)."""
    with httpx2.Client(timeout=30) as browser:
        browser.post(url + "/login", data={"username": user, "password": password})
        yield browser


@pytest.mark.parametrize("scope", ["private", "shared"])
def test_with_logins_a_picture_answers_who_may_see_its_run(tmp_path, picture, scope):
    """APP_AUTH: the Gradio login is the owner; the shared scope shows every run to everyone
    logged in; nobody who is not logged in gets anything."""
    env = {"SIMULATOR_LATENCY": "0", "APP_AUTH": "alice:pw-a,bob:pw-b", "HISTORY_SCOPE": scope}
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        alice_api = Client(app.url, auth=("alice", "pw-a"), verbose=False, download_files=False)
        edited = alice_api.predict(images=[handle_file(str(picture))], prompt="x", api_name="/edit")
        urls = urls_in(edited)
        with logged_in(app.url, "alice", "pw-a") as alice, logged_in(app.url, "bob", "pw-b") as bob:
            assert {alice.get(url).status_code for url in urls} == {200}
            shown = {bob.get(url).status_code for url in urls}
        assert shown == {200 if scope == "shared" else 404}
        assert {httpx2.get(url).status_code for url in urls} == {404}


def test_the_gate_takes_every_route_and_prefix_that_reach_its_folder(tmp_path):
    """Which requests the gate answers itself: any of Gradio's file routes, behind a root path
    too, in any spelling that reaches its folder; nothing else."""
    root = tmp_path / "cache" / "gate"
    gate = PictureGate(store=None, root=root, secret=b"s", shared_scope=False)
    picture = f"{root}/run/abc/output-1.png"
    for path in (
        ROUTE + picture,
        "/prefix" + ROUTE + picture,
        "/gradio_api/file/" + picture,
        ROUTE + f"{tmp_path}/cache/x/../gate/run/abc/output-1.png",
        ROUTE + "//" + picture.lstrip("/").replace("/gate/", "//gate///"),
    ):
        assert gate.requested(path) == Path(picture), path
    for path in (ROUTE + f"{tmp_path}/cache/other.png", "/gradio_api/upload", f"/{picture}"):
        assert gate.requested(path) is None, path
    assert parse(Path("run/abc/output-1.png")) == Picture("abc", "output", 1)
    assert parse(Path("link/abc/" + "0" * 32 + "/run-abc.zip")) == Picture(
        "abc", "zip", 0, "0" * 32
    )
    for name in ("run/abc/output-0.png", "run/abc/secret.txt", "run/abc/run-other.zip", "x/y/z"):
        assert parse(Path(name)) is None, name
