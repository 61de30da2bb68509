"""Does the History tab's first page stay fast at 100,000 runs, on SQLite and on PostgreSQL?

For each database: a store with one visitor's 100,000 runs (a few real runs saved through the
store, then their rows copied in bulk, with fresh ids, in the store's own schema), then the
first page of 50 as the History tab asks for it (`list_runs`, the visitor's and the shared
scope's) and a prompt search, each timed beside a bare SELECT of the same rows through a plain
connection of the same driver, in the same run. Target: the store at most 2x the bare query.
PostgreSQL is a throwaway server started here (tests/servers.py); images stay files (the page's
thumbnails are local files with either blob backend).

    python -m bench.history_scale
"""

from __future__ import annotations

import secrets
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.history import WORDS, tiny_png
from client.params import EditParams
from history import HistoryStore, NewRun

RUNS = 100_000
OWNER = "anon:bench"
REPEATS = 200
TARGET = 2.0
COLUMNS = (
    "id, owner, owner_label, created_at, model, prompt, negative_prompt, params, seed, status,"
    " error, elapsed_s, request_id, backend, requested_n, revised_prompts, notes, cover"
)
PAGE = "SELECT id, created_at, model, prompt, status, owner_label, cover FROM runs"


def seed_runs(store: HistoryStore) -> None:
    """Three real runs, whose images every copied row shares."""
    for i in range(3):
        store.save_run(
            NewRun(
                owner=OWNER,
                params=EditParams(prompt=f"seed run {i}", n=2, seed=i).as_dict(),
                input_images=[tiny_png(3 * i)],
                output_images=[tiny_png(3 * i + 1), tiny_png(3 * i + 2)],
                status="ok",
                backend="simulator",
            )
        )


def bulk_rows(template: dict[str, Any], images: list[tuple]) -> Iterator[tuple[tuple, list]]:
    """(run row, its image rows) for RUNS runs after the seeds, ids in creation order."""
    start = int(time.time() * 1000) - RUNS - 10_000
    for i in range(RUNS):
        run_id = f"{start + i:013x}{secrets.token_hex(10)}"
        row = dict(
            template,
            id=run_id,
            seed=i,
            created_at=time.time() - RUNS + i,
            prompt=f"a {WORDS[i % len(WORDS)]} at dusk, variation {i}",
            model="qwen-image-2.0-pro" if i % 3 else "wan2.7-image-pro",
        )
        yield (
            tuple(row[name.strip()] for name in COLUMNS.split(",")),
            [(run_id, role, position, digest) for _old, role, position, digest in images],
        )


def fill(store: HistoryStore, write_rows: Callable[[Any, Iterator], None]) -> None:
    seed_runs(store)
    with store._sql.write() as db:
        template = dict(
            zip(
                [n.strip() for n in COLUMNS.split(",")],
                db.execute(f"SELECT {COLUMNS} FROM runs LIMIT 1").fetchone(),
                strict=True,
            )
        )
        images = list(db.execute("SELECT * FROM run_images WHERE run_id = ?", (template["id"],)))
        write_rows(db, bulk_rows(template, [tuple(image) for image in images]))


def sqlite_rows(db: sqlite3.Connection, rows: Iterator) -> None:
    marks = ", ".join("?" * len(COLUMNS.split(",")))
    for run, images in rows:
        db.execute(f"INSERT INTO runs ({COLUMNS}) VALUES ({marks})", run)
        db.executemany("INSERT INTO run_images VALUES (?, ?, ?, ?)", images)
    db.execute("ANALYZE")


def postgres_rows(db: Any, rows: Iterator) -> None:
    conn = db._conn
    pending_images = []
    with conn.cursor().copy(f"COPY runs ({COLUMNS}) FROM STDIN") as copy:
        for run, images in rows:
            copy.write_row(run)
            pending_images += images
    with conn.cursor().copy("COPY run_images (run_id, role, position, digest) FROM STDIN") as copy:
        for image in pending_images:
            copy.write_row(image)
    conn.execute("ANALYZE")


def medians_ms(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[float, float]:
    """Median times of two calls measured in alternation, so both see the same machine."""
    for _ in range(5):  # warm up (and let both drivers prepare their statements)
        first()
        second()
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEATS):
        for function, spent in zip((first, second), times, strict=True):
            started = time.perf_counter()
            function()
            spent.append(time.perf_counter() - started)
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def measures(store: HistoryStore, bare: Any, marker: str) -> list:
    """(name, the store's call, the bare SELECT of the same rows); `bare` is a plain connection
    of the same driver, whose placeholder is `marker`."""
    mine = f"{PAGE} WHERE owner = ? ORDER BY id DESC LIMIT 50"
    everyone = f"{PAGE} ORDER BY id DESC LIMIT 50"
    found = f"{PAGE} WHERE owner = ? AND {store._sql.search_clause} ORDER BY id DESC LIMIT 50"
    term = store._sql.search_term("lighthouse")
    mine, everyone, found = (sql.replace("?", marker) for sql in (mine, everyone, found))
    return [
        (
            "first page (visitor)",
            lambda: store.list_runs(OWNER),
            lambda: bare.execute(mine, (OWNER,)).fetchall(),
        ),
        (
            "first page (shared)",
            lambda: store.list_runs(None),
            lambda: bare.execute(everyone, ()).fetchall(),
        ),
        (
            "prompt search",
            lambda: store.list_runs(OWNER, search="lighthouse"),
            lambda: bare.execute(found, (OWNER, term)).fetchall(),
        ),
    ]


def report(name: str, store: HistoryStore, bare: Any, marker: str) -> float:
    print(f"{name}: {store.count_runs():,} runs of one visitor (median of {REPEATS})")
    worst = 0.0
    for label, measured, baseline in measures(store, bare, marker):
        assert [run.id for run in measured()] == [row[0] for row in baseline()], label
        store_ms, bare_ms = medians_ms(measured, baseline)
        worst = max(worst, store_ms / bare_ms)
        print(
            f"  {label:22} store {store_ms:7.3f} ms   bare SELECT {bare_ms:7.3f} ms   "
            f"ratio {store_ms / bare_ms:4.2f}x"
        )
    return worst


@contextmanager
def timed(what: str) -> Iterator[None]:
    started = time.perf_counter()
    print(f"  {what} ...", file=sys.stderr)
    yield
    print(f"  {what}: {time.perf_counter() - started:.0f} s", file=sys.stderr)


def bench_sqlite(folder: Path) -> float:
    store = HistoryStore(folder / "sqlite", durable=False)
    with timed(f"filling SQLite with {RUNS:,} runs"):
        fill(store, sqlite_rows)
    bare = sqlite3.connect(folder / "sqlite" / "history.sqlite3")
    try:
        return report("SQLite", store, bare, "?")
    finally:
        bare.close()
        store.close()


def bench_postgres() -> float:
    import psycopg

    from tests.servers import create_database, postgres_server

    with postgres_server() as server, tempfile.TemporaryDirectory() as folder:
        url = create_database(server)
        store = HistoryStore(Path(folder), database_url=url)
        with timed(f"filling PostgreSQL with {RUNS:,} runs"):
            fill(store, postgres_rows)
        with psycopg.connect(url, autocommit=True) as bare:
            try:
                return report("PostgreSQL", store, bare, "%s")
            finally:
                store.close()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-history-scale-"))
    try:
        worst = max(bench_sqlite(folder), bench_postgres())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    verdict = "met" if worst <= TARGET else "NOT met"
    print(f"worst store overhead {worst:.2f}x (target <= {TARGET:.0f}x: {verdict})")


if __name__ == "__main__":
    main()
