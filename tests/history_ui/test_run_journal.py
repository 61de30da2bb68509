"""Issue 21's run journal through the app, with real processes: runs in flight when the app is
killed (kill -9) come back after a restart as interrupted, with their prompt and inputs, and
restore; an answer that arrives while PostgreSQL is stopped reaches the visitor with a warning
and is in History exactly once when PostgreSQL is back.

The built-in simulator is slowed (SIMULATOR_LATENCY) so the runs are still at the service when
the app dies; each visitor has a cookie of their own (their runs are theirs alone).
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from history import HistoryStore
from tests.app_process import app_process
from tests.history_api import history_captions, issued_cookie, visitor
from tests.servers import (
    S3_BUCKET,
    create_database,
    postgres_answers,
    postgres_bin,
    postgres_server,
)

WAIT_S = 60.0
INTERRUPTED = "interrupted: the service may have billed it"
SPOOLED = "Saved locally; will be added to History when the database is back"


def eventually(check: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout_s:.0f} s"
        time.sleep(0.2)


def photo(tmp_path: Path, number: int) -> str:
    path = tmp_path / f"photo-{number}.png"
    Image.new("RGB", (400, 384), (40 * number, 90, 200)).save(path)
    return str(path)


def start_run(client, picture: str, prompt: str):
    return client.submit(
        images=[handle_file(picture)], prompt=prompt, model="qwen-image-2.0-pro", api_name="/edit"
    )


def shows(client, prompt: str, status: str) -> bool:
    return any(prompt in caption and status in caption for caption in history_captions(client))


def pg_s3_env(postgres_url: str, s3_settings: dict[str, str]) -> dict[str, str]:
    return {
        "HISTORY_DATABASE_URL": create_database(postgres_url),
        "HISTORY_BLOB_URL": f"s3://{S3_BUCKET}/journal-{uuid.uuid4().hex[:8]}",
        "HISTORY_SECRET": secrets.token_hex(32),
        **s3_settings,
    }


@pytest.fixture(params=["sqlite", "postgres+s3"])
def store_env(request, monkeypatch) -> dict[str, str]:
    if request.param == "sqlite":
        return {}
    s3_settings = request.getfixturevalue("s3_settings")
    for name, value in s3_settings.items():  # for the test's own look at the store
        monkeypatch.setenv(name, value)
    return pg_s3_env(request.getfixturevalue("postgres_url"), s3_settings)


def run_ids(history_dir: Path, env: dict[str, str]) -> dict[str, str]:
    """Every run's id by its prompt, read from the app's store (as an attacker who learnt the
    ids would: each visitor still opens only their own)."""
    options = {
        "database_url": env.get("HISTORY_DATABASE_URL"),
        "blob_url": env.get("HISTORY_BLOB_URL"),
    }
    store = HistoryStore(history_dir, **options)
    try:
        return {run.prompt: run.id for run in store.list_runs(None)}
    finally:
        store.close()


def test_runs_in_flight_when_the_app_is_killed_come_back_interrupted_and_restore(
    tmp_path, store_env
):
    env = {"SIMULATOR_LATENCY": "120", **store_env}
    prompts = [f"a journal test number {number}" for number in range(3)]
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        tokens = [issued_cookie(app.url) for _ in prompts]
        clients = [visitor(app.url, token) for token in tokens]
        jobs = [
            start_run(client, photo(tmp_path, number), prompt)
            for number, (client, prompt) in enumerate(zip(clients, prompts, strict=True))
        ]
        for client, prompt in zip(clients, prompts, strict=True):
            eventually(lambda c=client, p=prompt: shows(c, p, "sending"), f"{prompt} sending")
        os.killpg(app.process.pid, signal.SIGKILL)
        app.process.wait()
    for job in jobs:
        with pytest.raises(Exception):  # noqa: B017 - the app died under it: any error will do
            job.result(timeout=30)

    with app_process(["python", "app.py"], tmp_path, env=env) as restarted:
        ids = run_ids(restarted.history_dir, env)
        for number, (token, prompt) in enumerate(zip(tokens, prompts, strict=True)):
            client = visitor(restarted.url, token)
            captions = history_captions(client)
            assert len(captions) == 1 and prompt in captions[0] and INTERRUPTED in captions[0]
            check_opens_and_restores(client, ids[prompt], prompt, photo(tmp_path, number))
        other = visitor(restarted.url, tokens[0])
        assert other.predict(run_id=ids[prompts[1]], api_name="/history_open")[0] == ""


def check_opens_and_restores(client, run_id: str, prompt: str, picture: str) -> None:
    """The interrupted run opens with its inputs and parameters, and restores them."""
    text, inputs, outputs, params = client.predict(run_id=run_id, api_name="/history_open")[:4]
    assert "Interrupted: the service may have billed it" in text and prompt in text
    assert len(inputs) == 1 and outputs == []
    assert params["prompt"] == prompt and params["model"] == "qwen-image-2.0-pro"
    restored_inputs, *controls = client.predict(run_id=run_id, api_name="/history_restore")
    assert len(restored_inputs) == 1 and prompt in controls
    with Image.open(restored_inputs[0]["image"]) as restored, Image.open(picture) as sent:
        assert restored.size == sent.size


# -- PostgreSQL stopped while a run is at the service -----------------------------------------


@contextmanager
def stoppable_postgres() -> Iterator[tuple[str, Callable[[], None], Callable[[], None]]]:
    """A PostgreSQL of this test's own: (url, stop, start again on the same data and port)."""
    with postgres_server() as url:
        with psycopg.connect(f"{url}/postgres") as admin:
            data = Path(admin.execute("SHOW data_directory").fetchone()[0])
        port = url.rsplit(":", 1)[1]
        started: list[subprocess.Popen] = []

        def stop() -> None:
            pid = int((data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGINT)  # a fast shutdown: sessions are ended
            eventually(lambda: not (data / "postmaster.pid").exists(), "PostgreSQL stopping")

        def start() -> None:
            as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
            log = (data.parent / "restarted.log").open("ab")
            started.append(
                subprocess.Popen(
                    [
                        *as_postgres,
                        postgres_bin("postgres"),
                        "-D",
                        str(data),
                        "-p",
                        port,
                        "-k",
                        str(data.parent),
                        "-c",
                        "listen_addresses=127.0.0.1",
                        "-c",
                        "fsync=off",
                        "-c",
                        "max_connections=300",
                    ],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            log.close()
            eventually(lambda: postgres_answers(url), "PostgreSQL starting again")

        try:
            yield url, stop, start
        finally:
            for process in started:  # stopped here: postgres_server stops only its own
                if process.poll() is None:
                    stop()
                    process.wait(timeout=30)


def test_an_answer_that_arrives_while_postgres_is_stopped_is_shown_then_kept_once(
    tmp_path, s3_settings
):
    picture = photo(tmp_path, 1)
    prompt = "a run across a database outage"
    with stoppable_postgres() as (url, stop_postgres, start_postgres):
        env = {"SIMULATOR_LATENCY": "3", **pg_s3_env(url, s3_settings)}
        with app_process(["python", "app.py"], tmp_path, env=env) as app:
            client = visitor(app.url, issued_cookie(app.url))
            job = start_run(client, picture, prompt)
            eventually(lambda: shows(client, prompt, "sending"), "the run sending")
            stop_postgres()

            results, status, _metadata, _run_id = job.result(timeout=WAIT_S)

            assert len(results) == 1 and SPOOLED in status
            with Image.open(results[0]["image"]) as result:
                assert result.size[0] > 0
            with pytest.raises(AppError, match="the run was not sent and nothing was billed"):
                start_run(client, picture, "a run while the database is down").result(WAIT_S)
            start_postgres()
            eventually(lambda: shows(client, prompt, "done"), "the spooled run saved")
            captions = history_captions(client)
            assert sum(prompt in caption for caption in captions) == 1
            assert not any("while the database is down" in caption for caption in captions)
            assert not any((app.history_dir / "spool").iterdir()), "the spool is empty"
