"""How long does a 50-image batch take, against 50 sequential `/edit` calls and against one?

Runs as deployed: the simulator (`python -m simulator`, LATENCY_S per request) and the app
(`python app.py`, MAX_CONCURRENT_RUNS=16) each in their own process, driven by `gradio_client` as a
script user would. Each round times, on the same app, one `/edit`, 50 `/edit` calls one after the
other, and one `/batch` of the same 50 images; the figures are the ratios of each round, as a
median with their spread (min-max) over ROUNDS rounds. A batch runs 16 at a time, so it should
take about 50/16 latencies: far below the sequential calls, a few times one call.

    python -m bench.batch [rounds]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gradio_client import handle_file
from PIL import Image

from bench.concurrency import deployment, script_client

IMAGES = 50
ROUNDS = 3
LATENCY_S = 0.5
SIDE = 512
PROMPT = "product on white, soft shadow"


def make_inputs(directory: Path) -> list[Path]:
    """IMAGES small photo-like JPEGs, each a little different (none is prepared twice)."""
    paths = []
    for index in range(IMAGES):
        base = Image.linear_gradient("L").resize((SIDE, SIDE)).rotate(7 * index)
        grain = Image.effect_noise((SIDE, SIDE), 20)
        picture = Image.merge("RGB", (base, grain, Image.blend(base, grain, 0.4)))
        path = directory / f"item-{index:02d}.jpg"
        picture.save(path, quality=88)
        paths.append(path)
    return paths


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def one_round(client, inputs: list[Path]) -> tuple[float, float, float]:
    """(one /edit, IMAGES sequential /edit calls, one /batch of IMAGES) in seconds."""

    def edit(path: Path) -> None:
        client.predict(images=[handle_file(str(path))], prompt=PROMPT, api_name="/edit")

    def batch() -> None:
        _, run_ids, _, _ = client.predict(
            images=[handle_file(str(path)) for path in inputs], prompt=PROMPT, api_name="/batch"
        )
        assert len(run_ids) == len(inputs), run_ids

    one = timed(lambda: edit(inputs[0]))
    sequential = timed(lambda: [edit(path) for path in inputs])
    return one, sequential, timed(batch)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f}  ({min(values):.2f}-{max(values):.2f})"


def main(rounds: int = ROUNDS) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        inputs = make_inputs(root)
        with deployment(root, LATENCY_S) as (_simulator, url):
            client = script_client(url, root / "downloads")
            one_round(client, inputs[:2])  # warm-up: the app's first calls, the caches
            figures = [one_round(client, inputs) for _ in range(rounds)]
    ones, sequentials, batches = (list(column) for column in zip(*figures, strict=True))
    print(f"{IMAGES} images, {LATENCY_S} s simulated latency, {rounds} rounds (median, min-max)")
    print(f"one /edit                      {spread(ones)} s")
    print(f"{IMAGES} sequential /edit calls      {spread(sequentials)} s")
    print(f"one /batch of {IMAGES}               {spread(batches)} s")
    sequential_ratio = [s / b for s, b in zip(sequentials, batches, strict=True)]
    one_ratio = [b / o for b, o in zip(batches, ones, strict=True)]
    print(f"sequential / batch             {spread(sequential_ratio)} x")
    print(f"batch / one /edit              {spread(one_ratio)} x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS)
