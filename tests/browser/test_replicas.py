"""Issue 15 in a real Chromium: two replicas behind nginx (deploy/nginx.conf, sticky by the owner
cookie) sharing PostgreSQL and S3. A run made through one replica shows on the other, and after
the first is killed (SIGKILL) the page, through nginx, still serves the run and its images.
"""

from __future__ import annotations

import os
import secrets
import signal
import uuid
from pathlib import Path

import pytest
from PIL import Image

from tests.app_process import app_process
from tests.chromium import chromium
from tests.servers import S3_BUCKET, create_database, nginx_server

pytestmark = pytest.mark.browser

PROMPT = "a lighthouse kept by two replicas"


def replica_env(postgres_url: str, s3_settings: dict[str, str]) -> dict[str, str]:
    return {
        "HISTORY_DATABASE_URL": create_database(postgres_url),
        "HISTORY_BLOB_URL": f"s3://{S3_BUCKET}/replicas-{uuid.uuid4().hex[:8]}",
        "HISTORY_SECRET": secrets.token_hex(32),
        "SIMULATOR_LATENCY": "0.2",
        **s3_settings,
    }


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def run_an_edit(page, front: str, picture: Path) -> None:
    page.goto(front)
    page.get_by_text("Offline simulator").wait_for()
    page.locator("#input-images input[type=file]").set_input_files([str(picture)])
    page.locator("#input-images img").first.wait_for()
    page.get_by_label("Prompt", exact=True).fill(PROMPT)
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator("#results img").first.wait_for(timeout=60_000)


def history_shows_the_run(page) -> None:
    """The History tab lists the run with a picture that loaded, and opening it shows its
    result (fetched from the bucket by whichever replica serves the page)."""
    page.get_by_role("tab", name="History").click()
    page.locator("#history-gallery").get_by_text(PROMPT).wait_for(timeout=30_000)
    thumbnail = page.locator("#history-gallery img").first
    thumbnail.wait_for()
    page.wait_for_function(
        "document.querySelector('#history-gallery img')?.naturalWidth > 0", timeout=30_000
    )
    thumbnail.click()
    page.get_by_text("1 image in").wait_for(timeout=30_000)
    page.wait_for_function(
        "[...document.querySelectorAll('#run-detail ~ div img, .gallery img')]"
        ".some(img => img.naturalWidth > 0)",
        timeout=30_000,
    )


def test_a_run_made_through_one_replica_shows_on_the_other_and_outlives_it(
    tmp_path, postgres_url, s3_settings
):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (200, 120, 40)).save(picture)
    env = replica_env(postgres_url, s3_settings)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        app_process(["python", "app.py"], tmp_path / "a", env=env) as first,
        app_process(["python", "app.py"], tmp_path / "b", env=env) as second,
        nginx_server([port_of(first.url), port_of(second.url)], tmp_path / "nginx") as front,
        chromium() as browser,
    ):
        visitor = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = visitor.new_page()
        run_an_edit(page, front, picture)
        served_by = visitor.request.get(front + "/").headers["x-replica"]
        replicas = {f"127.0.0.1:{port_of(app.url)}": app for app in (first, second)}
        assert served_by in replicas, served_by
        used = replicas.pop(served_by)
        [(_address, other)] = replicas.items()

        # the same visitor (cookie) on the other replica, straight to its port
        [cookie] = [c for c in visitor.cookies() if c["name"].startswith("playground_owner_")]
        elsewhere = browser.new_context(viewport={"width": 1400, "height": 1000})
        elsewhere.add_cookies(
            [{"name": cookie["name"], "value": cookie["value"], "url": other.url}]
        )
        other_page = elsewhere.new_page()
        other_page.goto(other.url)
        history_shows_the_run(other_page)

        os.killpg(used.process.pid, signal.SIGKILL)  # a replica lost mid-flight
        used.process.wait()
        page.goto(front)
        page.get_by_text("Offline simulator").wait_for()
        assert visitor.request.get(front + "/").headers["x-replica"] != served_by
        history_shows_the_run(page)
        screenshot = tmp_path / "replicas.png"
        page.screenshot(path=str(screenshot), full_page=True)
        assert screenshot.stat().st_size > 0
