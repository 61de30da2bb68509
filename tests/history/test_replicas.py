"""Issue 15 at the store: replicas (stores in other folders, or other processes) sharing one
PostgreSQL database and one S3 bucket, as several app servers behind a load balancer do."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid

import psycopg
import pytest

from history import HistoryStore
from history.migrations import MIGRATIONS
from tests.app_process import ROOT
from tests.history.support import image_bytes, new_run
from tests.servers import S3_BUCKET, bucket_keys, create_database


@pytest.fixture
def shared(postgres_url, s3_settings, monkeypatch) -> dict[str, str]:
    """One database and one bucket prefix, as every replica of a deployment is configured."""
    for name, value in s3_settings.items():
        monkeypatch.setenv(name, value)
    prefix = f"replicas-{uuid.uuid4().hex[:8]}"
    return {"database_url": create_database(postgres_url), "blob_url": f"s3://{S3_BUCKET}/{prefix}"}


def objects(s3_settings, shared) -> set[str]:
    """The digests that have an object (an image or its thumbnail) under the prefix."""
    prefix = shared["blob_url"].removeprefix(f"s3://{S3_BUCKET}/")
    return {key.rsplit("/", 1)[-1].split(".")[0] for key in bucket_keys(s3_settings, prefix)}


def test_a_run_saved_on_one_replica_is_opened_and_deleted_on_another(tmp_path, shared, s3_settings):
    one = HistoryStore(tmp_path / "one", **shared)
    two = HistoryStore(tmp_path / "two", **shared)
    run = new_run(input_images=[image_bytes(11)], output_images=[image_bytes(12)])
    run_id = one.save_run(run).id

    [listed] = two.list_runs("anon:alice")
    two.ensure_thumbnails([listed])
    assert listed.id == run_id and listed.thumbnail_path.startswith(str(tmp_path / "two"))
    detail = two.get_run("anon:alice", run_id)
    assert [path.read_bytes() for path in detail.output_paths] == [image_bytes(12)]
    assert all(str(path).startswith(str(tmp_path / "two")) for path in detail.input_paths)
    digests = {path.name.split(".")[0] for path in detail.input_paths + detail.output_paths}
    assert digests <= objects(s3_settings, shared)

    assert two.delete_run("anon:alice", run_id)
    assert objects(s3_settings, shared).isdisjoint(digests), "a deleted run's objects are gone"
    assert not any(path.exists() for path in detail.input_paths + detail.output_paths)
    assert one.get_run("anon:alice", run_id) is None and one.list_runs("anon:alice") == []
    one.close()
    two.close()


def test_writers_on_two_replicas_keep_each_visitors_newest_runs_under_the_cap(tmp_path, shared):
    replicas = [HistoryStore(tmp_path / name, max_runs=3, **shared) for name in ("a", "b")]
    saved: list[str] = []
    lock = threading.Lock()

    def writer(store: HistoryStore, number: int) -> None:
        for i in range(4):
            run_id = store.save_run(new_run(output_images=[image_bytes(500 + number * 10 + i)])).id
            with lock:
                saved.append(run_id)

    threads = [threading.Thread(target=writer, args=(replicas[n % 2], n)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for store in replicas:
        assert [run.id for run in store.list_runs("anon:alice")] == sorted(saved)[-3:][::-1]
        store.close()


WRITER = """
import sys
from tests.history.support import image_bytes, new_run
from history import HistoryStore

store = HistoryStore(sys.argv[1], database_url=sys.argv[2], blob_url=sys.argv[3], max_runs=20)
start = int(sys.argv[4])
print("ready", flush=True)
for i in range(start, start + 10_000):
    images = {"input_images": [image_bytes(i, 96)], "output_images": [image_bytes(i + 7, 96)]}
    store.save_run(new_run(**images))
"""


def test_a_replica_killed_mid_run_loses_at_most_that_run_and_strays_are_swept(
    tmp_path, shared, s3_settings
):
    survivor = HistoryStore(tmp_path / "survivor", **shared)
    rng = random.Random(15)
    for round_number in range(4):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path / f"killed-{round_number}"),
             shared["database_url"], shared["blob_url"], str(round_number * 10_000)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True, env=os.environ.copy(),
        )  # fmt: skip
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.3, 1.2))
        before = survivor.count_runs()
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()
        assert survivor.count_runs() - before <= 1, "nothing but the run in flight can change"
        assert survivor.list_runs(None, limit=5), "the other replica keeps serving"

    runs = survivor.list_runs(None, limit=1000)
    assert runs, "the writers saved some runs before they were killed"
    for summary in runs:
        detail = survivor.get_run(None, summary.id)
        assert all(path.is_file() for path in detail.input_paths + detail.output_paths)
    with psycopg.connect(shared["database_url"]) as db:
        known = {row[0] for row in db.execute("SELECT digest FROM blobs")}
        used = {row[0] for row in db.execute("SELECT digest FROM run_images")}
    survivor.sweep_strays(older_than=0)  # a crash's objects without a row; none is in flight now
    assert used <= objects(s3_settings, shared) <= known, "no image lost, no stray left"
    survivor.close()


def test_replicas_starting_together_migrate_the_database_once(tmp_path, shared):
    errors: list[Exception] = []

    def start(name: str) -> None:
        try:
            HistoryStore(tmp_path / name, database_url=shared["database_url"]).close()
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=start, args=(f"r{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with psycopg.connect(shared["database_url"]) as db:
        names = [row[0] for row in db.execute("SELECT name FROM _migrations")]
        tables = {row[0] for row in db.execute("SELECT tablename FROM pg_tables")}
    assert sorted(names) == sorted(migration.__name__ for migration in MIGRATIONS)
    assert {"runs", "run_images", "blobs", "settings", "shares", "_migrations"} <= tables


def test_an_unreachable_database_is_named_without_its_password(tmp_path):
    from tests.app_process import free_port

    url = f"postgresql://history:hunter2@127.0.0.1:{free_port()}/playground"
    with pytest.raises(ConnectionError, match=r"PostgreSQL at 127\.0\.0\.1:\d+/playground") as info:
        HistoryStore(tmp_path, database_url=url)
    assert "hunter2" not in str(info.value)


def test_a_replicas_local_copies_are_private_and_age_out(tmp_path, shared):
    """The images a replica fetched to serve are no permanent copy: private, dropped after a
    day (and fetched again from the bucket when a page needs them)."""
    store = HistoryStore(tmp_path / "replica", **shared)
    run_id = store.save_run(new_run(output_images=[image_bytes(31)])).id
    [result] = store.get_run("anon:alice", run_id).output_paths
    cache = store.blob_folder
    modes = {path.stat().st_mode & 0o777 for path in cache.rglob("*")}
    assert modes <= {0o600, 0o700} and cache.stat().st_mode & 0o777 == 0o700

    a_day_ago = time.time() - 25 * 3600
    os.utime(result, (a_day_ago, a_day_ago))
    store._blobs.prune()
    assert not result.exists(), "a copy older than a day is dropped"
    assert store.get_run("anon:alice", run_id).output_paths[0].read_bytes() == image_bytes(31)
    store.close()
