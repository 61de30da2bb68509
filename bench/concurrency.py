"""Does the app serve many visitors at once, and what does it add to one edit?

Runs as deployed: the simulator (`python -m simulator`) and the app (`python app.py`, pointed at
it with POWERTOKENS_BASE_URL) each in their own process, driven by `gradio_client` as a script
user would. 16 concurrent `/edit` calls at 2 s simulated latency should take about as long as
one (target: ratio <= 1.5); one edit through the app at zero latency should cost at most 1.3x a
direct client call to the same simulator (three 1024x1024 inputs, n=4, b64_json), with matched
work: both sides take the inputs from a warm preparation cache. The direct call, the app and a
bare Gradio app of the same endpoint shape are alternated round by round in one run.

    python -m bench.concurrency [--rounds N] [--skip-fan-out]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from gradio_client import Client, handle_file
from gradio_client.client import Job
from PIL import Image

from bench.rounds import alternated, line, ratio_line
from client import ImageEditClient
from client.models import model_spec
from client.preparation import PreparationCache
from tests.app_process import app_process

CONCURRENT_CALLS = 16
LATENCY_S = 2.0
RATIO_TARGET = 1.5
OVERHEAD_TARGET = 1.3
ROUNDS = 7
MODEL = "qwen-image-2.0-pro"
INPUTS = 3
N = 4
SIDE = 1024
PROMPT = "turn the scene into a watercolour painting"


def make_inputs(directory: Path) -> list[Path]:
    """Photo-like 1024x1024 JPEGs: smooth colour plus grain, so they compress like pictures."""
    paths = []
    for index in range(INPUTS):
        base = Image.linear_gradient("L").resize((SIDE, SIDE)).rotate(40 * index)
        grain = Image.effect_noise((SIDE, SIDE), 24)
        picture = Image.merge("RGB", (base, grain, Image.blend(base, grain, 0.5)))
        path = directory / f"input-{index}.jpg"
        picture.save(path, quality=90)
        paths.append(path)
    return paths


@contextmanager
def deployment(root: Path, latency_s: float) -> Iterator[tuple[str, str]]:
    """(simulator origin, app URL): both started as their own processes."""
    simulator_command = [
        "python",
        "-m",
        "simulator",
        "--port",
        "{port}",
        "--latency",
        str(latency_s),
        "--enable-control",
    ]
    app_env = {"MAX_CONCURRENT_RUNS": str(CONCURRENT_CALLS), "POWERTOKENS_API_KEY": "bench"}
    with app_process(simulator_command, root) as simulator:
        app_env["POWERTOKENS_BASE_URL"] = simulator.url + "/v1"
        with app_process(["python", "app.py"], root, env=app_env) as app:
            yield simulator.url, app.url


def script_client(url: str, downloads: Path) -> Client:
    """A gradio_client as a script user makes one. Verification is off because the app is
    plain http on loopback, where it only adds the library's reloading of the CA bundle."""
    return Client(url, verbose=False, download_files=str(downloads), ssl_verify=False)


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def edit_job(client: Client, inputs: list[Path], n: int = 1) -> Job:
    return client.submit(
        images=[handle_file(str(path)) for path in inputs],
        prompt=PROMPT,
        n=n,
        response_format="b64_json",
        api_name="/edit",
    )


def concurrency(root: Path, inputs: list[Path]) -> tuple[float, float, int]:
    """(one call's wall time after a warm-up, all calls' wall time, peak edits in flight)."""
    with deployment(root, LATENCY_S) as (simulator, url):
        client = script_client(url, root / "downloads")
        edit_job(client, inputs[:1]).result()
        one = timed(lambda: edit_job(client, inputs[:1]).result())
        httpx2.delete(simulator + "/_simulator/requests").raise_for_status()

        def fan_out() -> None:
            jobs = [edit_job(client, inputs[:1]) for _ in range(CONCURRENT_CALLS)]
            for job in jobs:
                job.result()

        many = timed(fan_out)
        peak = httpx2.get(simulator + "/_simulator/requests").json()["max_in_flight"]
    return one, many, peak


@contextmanager
def bare_gradio(root: Path, results: list[bytes]) -> Iterator[str]:
    """The URL of BARE_GRADIO_APP, in its own process, returning the given result files."""
    paths = []
    for position, data in enumerate(results):
        path = root / f"floor-result-{position}.png"
        path.write_bytes(data)
        paths.append(str(path))
    with app_process(["python", "-c", BARE_GRADIO_APP, *paths], root) as bare:
        yield bare.url


def overhead(
    root: Path, inputs: list[Path], rounds: int
) -> tuple[list[float], list[float], list[float]]:
    """Seconds of one edit per round, alternated: a direct client call, the same edit through
    the app, and the bare Gradio app. Matched work: the direct call takes its inputs from a warm
    preparation cache of its own (hashing each file and looking it up, as the app does), so
    neither side prepares an image again during the rounds."""
    spec = model_spec(MODEL)
    cache = PreparationCache()
    with deployment(root, 0.0) as (simulator, url):
        client = script_client(url, root / "downloads")
        with ImageEditClient(api_key="bench", base_url=simulator + "/v1") as direct:

            def direct_call() -> list[bytes]:
                prepared = [
                    cache.prepare(path, spec, index=position)
                    for position, path in enumerate(inputs, start=1)
                ]
                return direct.edit(
                    model=MODEL, prompt=PROMPT, images=prepared, n=N, response_format="b64_json"
                ).images

            def app_call() -> None:
                edit_job(client, inputs, n=N).result()

            results = [image.data for image in direct_call()]  # warms the direct side's cache
            app_call()  # and the app's
            with bare_gradio(root, results) as bare_url:
                bare = script_client(bare_url, root / "downloads")
                edit_job(bare, inputs, n=N).result()
                return alternated(
                    lambda: timed(direct_call),
                    lambda: timed(app_call),
                    lambda: timed(lambda: edit_job(bare, inputs, n=N).result()),
                    rounds=rounds,
                )


BARE_GRADIO_APP = """
import os, sys
import gradio as gr

results = sys.argv[1:]

def edit(images: list[str], prompt: str, n: int = 1, response_format: str = "b64_json"):
    for path in images or []:
        with open(path, "rb") as upload:
            upload.read()
    return results[: int(n)], "done", {}

with gr.Blocks() as demo:
    inputs = [gr.File(file_count="multiple"), gr.Textbox(), gr.Number(value=1), gr.Textbox()]
    outputs = [gr.Gallery(), gr.Markdown(), gr.JSON()]
    gr.Button().click(edit, inputs, outputs, api_name="edit")
demo.queue().launch(allowed_paths=[os.path.dirname(results[0])])
"""
"""The same endpoint shape (three uploads in, four result files out) with a handler that does
nothing: Gradio's own cost per call, which no handler can go below."""


def verdict(holds: bool) -> str:
    return "target holds" if holds else "TARGET MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--skip-fan-out", action="store_true", help="only the one-edit figures")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = Path(scratch)
        inputs = make_inputs(root)
        if not options.skip_fan_out:
            one, many, peak = concurrency(root, inputs)
            ratio = many / one
            print(f"{CONCURRENT_CALLS} concurrent /edit calls at {LATENCY_S:.0f} s latency:")
            print(f"  one call {one:.2f} s, all {CONCURRENT_CALLS} {many:.2f} s, ratio {ratio:.2f}")
            print(f"  edits in flight at the simulator at once: {peak} of {CONCURRENT_CALLS}")
            print(f"  target ratio <= {RATIO_TARGET}: {verdict(ratio <= RATIO_TARGET)}")
        direct, app, floor = overhead(root, inputs, options.rounds)
        print(
            f"One edit ({INPUTS} x {SIDE}x{SIDE} inputs prepared once on both sides, n={N}, "
            f"b64_json) at zero latency, {options.rounds} rounds alternated:"
        )
        print(line("direct client call", direct))
        print(line("through the app (Gradio)", app))
        print(line("bare Gradio app (does nothing)", floor))
        print(ratio_line("app ÷ direct", app, direct, f"≤ {OVERHEAD_TARGET}x"))
        print(ratio_line("bare Gradio ÷ direct", floor, direct, "none: Gradio's own floor"))
        own = [a - f for a, f in zip(app, floor, strict=True)]
        print(
            ratio_line("the app's own work (app - bare) ÷ direct", own, direct, "as low as can be")
        )


if __name__ == "__main__":
    main()
