"""Does a version tree stay as fast to open as a run? (issue 24)

Fills a store with 2,000 unrelated runs and one edit thread of 201 runs (a root and 200
descendants: a main line of 100 turns with a branch of one to ten turns off every tenth), then
times, alternated round by round, the server's work when History opens a run: the run's detail
(its row and images, the detail's words, the pictures' gate names, and Gradio's postprocessing of
the two galleries) against the run's whole tree (one indexed read of the root's runs, drawn as
HTML with every run's picture address, and Gradio's postprocessing of it). Prints the median and
spread of each, and the ratio tree ÷ run, on SQLite and, with `--postgres URL`, on PostgreSQL.
Target: the tree ≤ 1x the run.

    python -m bench.tree [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image

from client.params import EditParams
from history import HistoryStore, NewRun
from ui.core.gallery import numbered
from ui.core.picture_gate import PictureGate
from ui.core.run_words import detail_markdown
from ui.threads.tree_view import tree_html

OWNER = "anon:bench"
OTHER_RUNS = 2_000
MAIN_LINE = 100
ROUNDS = 15
REPEATS = 20


def tiny_png(seed: int) -> bytes:
    image = Image.new("RGB", (32, 32), (seed % 256, seed // 256 % 256, 90))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def a_run(seed: int, parent: str | None = None) -> NewRun:
    return NewRun(
        owner=OWNER,
        params=EditParams(prompt=f"turn {seed}: make it bluer", seed=seed).as_dict(),
        input_images=[tiny_png(2 * seed)],
        output_images=[tiny_png(2 * seed + 1)],
        status="ok",
        backend="simulator",
        parent=parent,
        result_index=1 if parent else None,
    )


def fill(store: HistoryStore) -> tuple[str, int]:
    """The unrelated runs and the thread; returns the thread's last main-line run and its size."""
    for seed in range(OTHER_RUNS):
        store.save_run(a_run(100_000 + seed))
    made = 1
    line = store.save_run(a_run(0)).id
    for turn in range(1, MAIN_LINE + 1):
        line = store.save_run(a_run(turn, line)).id
        made += 1
        if turn % 10 == 0:
            branch = line
            for step in range(turn // 10):
                branch = store.save_run(a_run(10_000 + turn * 100 + step, branch)).id
                made += 1
    while made < 201:  # top up to exactly 200 descendants
        line = store.save_run(a_run(20_000 + made, line)).id
        made += 1
    return line, made


def timed(function, repeats: int = REPEATS) -> float:
    started = time.perf_counter()
    for _ in range(repeats):
        function()
    return (time.perf_counter() - started) / repeats * 1000


def measure(store: HistoryStore, run_id: str) -> tuple[list[float], list[float]]:
    import gradio as gr

    gate = PictureGate(store, store.directory / "gate-root", b"bench-secret", False)
    inputs, outputs, drawing = gr.Gallery(), gr.Gallery(), gr.HTML()

    def open_run() -> None:  # what History's open does (ui/history/handlers.py `_shown`)
        run = store.get_run(OWNER, run_id)
        detail_markdown(run, "en")
        inputs.postprocess(numbered(gate.inputs(run)))
        outputs.postprocess(gate.outputs(run.id, run.output_paths))

    def open_tree() -> None:  # what the tree's draw does (ui/threads/handlers.py `show_tree`)
        tree = store.tree(OWNER, run_id)
        drawing.postprocess(tree_html(tree, run_id, gate.thumbnail))

    open_run(), open_tree()  # warm both
    runs, trees = [], []
    for round_number in range(ROUNDS):  # alternated, the first of each pair swapped every round
        pair = [(runs, open_run), (trees, open_tree)]
        for times, function in pair if round_number % 2 == 0 else pair[::-1]:
            times.append(timed(function))
    return runs, trees


def report(name: str, runs: list[float], trees: list[float], nodes: int) -> None:
    def line(label: str, times: list[float]) -> str:
        spread = f"{min(times):.2f}-{max(times):.2f}"
        return f"  {label:<38} median {statistics.median(times):7.2f} ms  (spread {spread})"

    ratios = [tree / run for run, tree in zip(runs, trees, strict=True)]
    print(f"{name}: one thread of {nodes} runs among {OTHER_RUNS} others, {ROUNDS} rounds")
    print(line("open one run (its detail)", runs))
    print(line(f"open its tree of {nodes} runs, drawn", trees))
    print(
        f"  tree ÷ run: median {statistics.median(ratios):.2f}x"
        f"  (spread {min(ratios):.2f}-{max(ratios):.2f}x; target ≤ 1x)"
    )


def bench(name: str, database_url: str | None) -> None:
    directory = Path(tempfile.mkdtemp(prefix="bench-tree-"))
    try:
        store = HistoryStore(directory, durable=False, database_url=database_url)
        last, nodes = fill(store)
        runs, trees = measure(store, last)
        report(name, runs, trees, nodes)
        store.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="a PostgreSQL database URL to measure there too")
    options = parser.parse_args()
    bench("SQLite", None)
    if options.postgres:
        bench("PostgreSQL", options.postgres)


if __name__ == "__main__":
    main()
