"""A writer killed at any moment leaves a history that opens, with no row missing its files."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from history import HistoryStore
from tests.app_process import ROOT

WRITER = """
import sys
from tests.history.support import image_bytes, new_run
from history import HistoryStore

store = HistoryStore(sys.argv[1], max_runs=20)  # so kills also land in cap deletions
start = int(sys.argv[2])
print("ready", flush=True)
for i in range(start, start + 10_000):
    images = {"input_images": [image_bytes(i, 96)], "output_images": [image_bytes(i + 7, 96)]}
    store.save_run(new_run(**images))
"""


def test_killing_a_writer_mid_run_never_leaves_a_dangling_row(tmp_path):
    directory = tmp_path / "history"
    rng = random.Random(7)
    for round_number in range(6):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(directory), str(round_number * 10_000)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait()
        writer.stdout.close()

    db = sqlite3.connect(directory / "history.sqlite3")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    store = HistoryStore(directory)
    runs = store.list_runs(None, limit=100_000)
    assert runs, "the writers saved some runs before they were killed"
    for summary in runs:
        detail = store.get_run(None, summary.id)
        assert all(path.is_file() for path in detail.input_paths + detail.output_paths)
    store.ensure_thumbnails(runs)  # derived files: made again where a kill lost them
    for summary in runs:
        assert Path(summary.thumbnail_path).is_file()
    store.close()
