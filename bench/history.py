"""Does the history stay fast at 10,000 runs and 30,000 images?

Fills a store (one visitor's 10,000 runs, one input and two results each), then times what the
History tab does: the first page of 50 thumbnails (store query, captions, and Gradio's gallery
postprocessing), a prompt search, and opening one run. Each is printed beside one bare SELECT of
the same rows in the same run. Targets: the first page under 100 ms server-side; the store's own
overhead at most 3x the bare query.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from client.params import EditParams
from history import HistoryStore, NewRun

RUNS = 10_000
OWNER = "anon:bench"
REPEATS = 30
WORDS = ["lighthouse", "fox", "neon", "harbour", "desert", "forest", "city", "portrait", "snow"]


def tiny_png(seed: int) -> bytes:
    image = Image.new("RGB", (32, 32), (seed % 256, seed // 256 % 256, seed // 65536 % 256))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def fill(directory: Path) -> None:
    store = HistoryStore(directory, durable=False)
    started = time.perf_counter()
    for i in range(RUNS):
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


def main() -> None:
    import gradio as gr
    from gradio import processing_utils

    from ui.history.handlers import caption

    directory = Path(tempfile.mkdtemp(prefix="bench-history-"))
    print(f"filling {directory} with {RUNS} runs and {3 * RUNS} images ...", file=sys.stderr)
    fill(directory)
    store = HistoryStore(directory)
    bare = sqlite3.connect(directory / "history.sqlite3")
    images = bare.execute("SELECT COUNT(*) FROM run_images").fetchone()[0]
    some_run = store.list_runs(OWNER, limit=1, before=store.list_runs(OWNER, limit=5000)[-1].id)[0]
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
    print(f"history: {store.count_runs()} runs, {images} images (median of {REPEATS})")
    worst = 0.0
    for name, measured, baseline in measures:
        store_ms, bare_ms = median_ms(measured), median_ms(baseline)
        worst = max(worst, store_ms / bare_ms)
        print(
            f"  {name:18} store {store_ms:7.2f} ms   bare SELECT {bare_ms:7.2f} ms   "
            f"ratio {store_ms / bare_ms:4.1f}x"
        )
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
