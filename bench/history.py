"""Does the history stay fast at 10,000 runs and 30,000 images?

Fills a store (one visitor's 10,000 runs, one input and two results each), then times what the
History tab does: the first page of 50 thumbnails (store query, captions, and Gradio's gallery
postprocessing), a prompt search, and opening one run. Each is timed against one bare SELECT of
the same rows, the two alternated round by round in the same run (median, spread and ratio).
Targets: the first page under 100 ms server-side; the store's own
overhead at most 3x the bare query (the median of the rounds' ratios).

    python -m bench.history [--quick]
"""

from __future__ import annotations

import argparse
import io
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from bench.rounds import alternated, line, ratio_line, seconds
from client.params import EditParams
from history import HistoryStore, NewRun

RUNS = 10_000
QUICK_RUNS = 2_000
OWNER = "anon:bench"
REPEATS = 30
ROUNDS = 15
BATCH = 50
WORDS = ["lighthouse", "fox", "neon", "harbour", "desert", "forest", "city", "portrait", "snow"]


def tiny_png(seed: int) -> bytes:
    image = Image.new("RGB", (32, 32), (seed % 256, seed // 256 % 256, seed // 65536 % 256))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def fill(directory: Path, runs: int) -> None:
    store = HistoryStore(directory, durable=False)
    started = time.perf_counter()
    for i in range(runs):
        store.save_run(
            NewRun(
                owner=OWNER,
                params=EditParams(
                    model="qwen-image-2.0-pro" if i % 3 else "wan2.7-image-pro",
                    prompt=f"a {WORDS[i % len(WORDS)]} at dusk, variation {i}",
                    n=2,
                    seed=i,
                ).as_dict(),
                input_images=[tiny_png(3 * i)],
                output_images=[tiny_png(3 * i + 1), tiny_png(3 * i + 2)],
                status="ok",
                backend="simulator",
            )
        )
        if i % 2000 == 1999:
            print(f"  filled {i + 1} runs ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    store.close()


def median_ms(function) -> float:
    function()
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def batch(function) -> Callable[[], float]:
    """One round's figure: the mean seconds of BATCH calls in a row."""

    def one_round() -> float:
        return seconds(lambda: [function() for _ in range(BATCH)]) / BATCH

    return one_round


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs, not {RUNS}")
    runs = QUICK_RUNS if parser.parse_args().quick else RUNS
    import gradio as gr
    from gradio import processing_utils

    from ui.history.handlers import caption

    directory = Path(tempfile.mkdtemp(prefix="bench-history-"))
    print(f"filling {directory} with {runs} runs and {3 * runs} images ...", file=sys.stderr)
    fill(directory, runs)
    store = HistoryStore(directory)
    bare = sqlite3.connect(directory / "history.sqlite3")
    images = bare.execute("SELECT COUNT(*) FROM run_images").fetchone()[0]
    middle = store.list_runs(OWNER, limit=runs // 2)[-1]
    some_run = store.list_runs(OWNER, limit=1, before=middle.id)[0]
    gallery = gr.Gallery()

    def first_page():
        runs = store.list_runs(OWNER, limit=50)
        store.ensure_thumbnails(runs)
        shapes = store.tree_shapes(OWNER, runs)  # the entries' tree words: one grouped read
        entries = [(str(r.thumbnail_path), caption(r, "en", shapes.get(r.root))) for r in runs]
        value = gallery.postprocess(entries)
        processing_utils.move_files_to_cache(value, gallery, postprocess=True)

    measures = [
        (
            "first page of 50",
            lambda: store.list_runs(OWNER, limit=50),
            lambda: bare.execute(
                "SELECT id, created_at, model, prompt, status, owner_label, cover FROM runs"
                " WHERE owner = ? ORDER BY id DESC LIMIT 50",
                (OWNER,),
            ).fetchall(),
        ),
        (
            "prompt search",
            lambda: store.list_runs(OWNER, limit=50, search="lighthouse"),
            lambda: bare.execute(
                "SELECT id, created_at, model, prompt, status, owner_label, cover FROM runs"
                " WHERE owner = ? AND rowid IN (SELECT rowid FROM runs_search WHERE runs_search"
                " MATCH ?) ORDER BY id DESC LIMIT 50",
                (OWNER, '"lighthouse"*'),
            ).fetchall(),
        ),
        (
            "open one run",
            lambda: store.get_run(OWNER, some_run.id),
            lambda: (
                bare.execute(
                    "SELECT * FROM runs WHERE id = ? AND owner = ?", (some_run.id, OWNER)
                ).fetchone(),
                bare.execute(
                    "SELECT i.role, i.digest, b.ext FROM run_images i JOIN blobs b USING (digest)"
                    " WHERE i.run_id = ? ORDER BY i.role, i.position",
                    (some_run.id,),
                ).fetchall(),
            ),
        ),
    ]
    print(
        f"history: {store.count_runs()} runs, {images} images; {ROUNDS} rounds of {BATCH} calls,"
        " store and bare SELECT alternated"
    )
    worst = 0.0
    for name, measured, baseline in measures:
        measured(), baseline()  # warm both
        ours, bare_times = alternated(batch(measured), batch(baseline), rounds=ROUNDS)
        print(line(f"{name}: store", ours))
        print(line(f"{name}: bare SELECT", bare_times))
        print(ratio_line(f"{name}: store ÷ bare", ours, bare_times, "≤ 3x"))
        worst = max(worst, statistics.median(a / b for a, b in zip(ours, bare_times, strict=True)))
    page_ms = median_ms(first_page)
    print(
        f"  History tab first page, server-side (query, captions, files): {page_ms:.1f} ms"
        f"  (target < 100 ms: {'met' if page_ms < 100 else 'NOT met'})"
    )
    print(
        f"  worst store overhead {worst:.1f}x (target <= 3x: {'met' if worst <= 3 else 'NOT met'})"
    )
    store.close()
    bare.close()
    shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
