"""Does the app serve many visitors at once, and what does it add to one edit?

Runs as deployed: the simulator (`python -m simulator`) and the app (`python app.py`, pointed at
it with POWERTOKENS_BASE_URL) each in their own process, driven by `gradio_client` as a script
user would. 16 concurrent `/edit` calls at 2 s simulated latency should take about as long as
one (target: ratio <= 1.5); one edit through the app at zero latency should cost at most 1.5x a
direct client call to the same simulator (three 1024x1024 inputs, n=4, b64_json).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
from gradio_client import Client, handle_file
from gradio_client.client import Job
from PIL import Image

from client import ImageEditClient
from tests.app_process import app_process

CONCURRENT_CALLS = 16
LATENCY_S = 2.0
RATIO_TARGET = 1.5
OVERHEAD_TARGET = 1.5
OVERHEAD_REPEATS = 5
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


def overhead(root: Path, inputs: list[Path]) -> tuple[float, float, list[bytes]]:
    """Median seconds of one edit: a direct client call, and the same edit through the app;
    and the result images, for the Gradio floor."""
    with deployment(root, 0.0) as (simulator, url):
        client = script_client(url, root / "downloads")
        with ImageEditClient(api_key="bench", base_url=simulator + "/v1") as direct:

            def direct_call() -> list[bytes]:
                return direct.edit(
                    model="qwen-image-2.0-pro",
                    prompt=PROMPT,
                    images=[str(path) for path in inputs],
                    n=N,
                    response_format="b64_json",
                ).images

            def app_call() -> None:
                edit_job(client, inputs, n=N).result()

            results = [image.data for image in direct_call()]
            app_call()
            direct_s, app_s = (
                statistics.median(timed(call) for _ in range(OVERHEAD_REPEATS))
                for call in (direct_call, app_call)
            )
    return direct_s, app_s, results


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


def gradio_floor(root: Path, inputs: list[Path], results: list[bytes]) -> float:
    """Median seconds of one call to BARE_GRADIO_APP returning the given result files."""
    paths = []
    for position, data in enumerate(results):
        path = root / f"floor-result-{position}.png"
        path.write_bytes(data)
        paths.append(str(path))
    with app_process(["python", "-c", BARE_GRADIO_APP, *paths], root) as bare:
        client = script_client(bare.url, root / "downloads")
        edit_job(client, inputs, n=N).result()
        return statistics.median(
            timed(lambda: edit_job(client, inputs, n=N).result()) for _ in range(OVERHEAD_REPEATS)
        )


def verdict(holds: bool) -> str:
    return "target holds" if holds else "TARGET MISSED"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = Path(scratch)
        inputs = make_inputs(root)
        one, many, peak = concurrency(root, inputs)
        ratio = many / one
        print(f"{CONCURRENT_CALLS} concurrent /edit calls at {LATENCY_S:.0f} s simulated latency:")
        print(f"  one call {one:.2f} s, all {CONCURRENT_CALLS} {many:.2f} s, ratio {ratio:.2f}")
        print(f"  edits in flight at the simulator at once: {peak} of {CONCURRENT_CALLS}")
        print(f"  target ratio <= {RATIO_TARGET}: {verdict(ratio <= RATIO_TARGET)}")
        direct_s, app_s, results = overhead(root, inputs)
        floor_s = gradio_floor(root, inputs, results)
        factor = app_s / direct_s
        print(f"One edit ({INPUTS} x {SIDE}x{SIDE} inputs, n={N}, b64_json) at zero latency:")
        print(f"  direct client call          {direct_s:.3f} s")
        print(f"  through the app (Gradio)    {app_s:.3f} s, {factor:.2f}x direct")
        print(f"  Gradio alone, same files    {floor_s:.3f} s (a handler that does nothing)")
        print(
            f"  the app's own work          {app_s - floor_s:.3f} s over Gradio's floor, "
            f"{(app_s - floor_s) / direct_s:.2f}x direct"
        )
        print(f"  target <= {OVERHEAD_TARGET}x: {verdict(factor <= OVERHEAD_TARGET)}")


if __name__ == "__main__":
    main()
