"""Does the app serve many visitors at once, and what does it add to one edit?

Runs the app in-process on the offline simulator and drives it through `gradio_client`, as a
script user would: 16 concurrent `/edit` calls at 2 s simulated latency should take about as
long as one (target: ratio <= 1.5), and one edit through the app at zero latency should cost at
most 1.5x a direct client call (three 1024x1024 inputs, n=4, b64_json).
"""

from __future__ import annotations

import logging
import random
import socket
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import httpx2
from gradio_client import Client, handle_file
from gradio_client.client import Job
from PIL import Image

from client import ImageEditClient
from client.models import SEED_MAX
from simulator import SimulatorConfig, create_app, serve
from ui.config import AppConfig
from ui.editor import EditParams
from ui.layout import App, build_app
from ui.owner import Owner

CONCURRENT_CALLS = 16
LATENCY_S = 2.0
RATIO_TARGET = 1.5
OVERHEAD_TARGET = 1.5
OVERHEAD_REPEATS = 5
INPUTS = 3
N = 4
SIDE = 1024
PROMPT = "turn the scene into a watercolour painting"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
def running_app(config: AppConfig) -> Iterator[tuple[App, str]]:
    app = build_app(config)
    port = free_port()
    app.launch(prevent_thread_lock=True, server_port=port, quiet=True)
    try:
        yield app, f"http://127.0.0.1:{port}/"
    finally:
        app.close()


def script_client(url: str, config: AppConfig) -> Client:
    """A gradio_client as a script user makes one, minus a cost that is the library's own.

    gradio_client opens a new httpx client for every upload and download, and with verification
    on each one loads the CA bundle (tens of ms of CPU). The app is plain http on loopback here,
    so verification does nothing but add that client-side cost to the numbers.
    """
    downloads = config.history_dir / "downloads"
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


def concurrency(config: AppConfig, inputs: list[Path]) -> tuple[float, float, int]:
    """(one call's wall time after a warm-up, CONCURRENT_CALLS calls' wall time, peak in flight).

    The simulator runs in this process as the app's would, with its control routes on so the
    peak number of edits it served at once shows whether the app let them all through.
    """
    simulator_config = SimulatorConfig(latency_s=LATENCY_S, enable_control=True)
    with serve(create_app(simulator_config)) as simulator:
        backend = replace(config, api_key="bench", base_url=simulator.base_url)
        with running_app(backend) as (_app, url):
            client = script_client(url, config)
            edit_job(client, inputs[:1]).result()
            one = timed(lambda: edit_job(client, inputs[:1]).result())
            httpx2.delete(simulator.origin + "/_simulator/requests").raise_for_status()

            def fan_out() -> None:
                jobs = [edit_job(client, inputs[:1]) for _ in range(CONCURRENT_CALLS)]
                for job in jobs:
                    job.result()

            many = timed(fan_out)
            log = httpx2.get(simulator.origin + "/_simulator/requests").json()
    return one, many, log["max_in_flight"]


@dataclass
class Overhead:
    """Median seconds of one edit: direct client call, the app's own run, the whole app path."""

    direct: float
    handler: float
    through_app: float


def overhead(config: AppConfig, inputs: list[Path]) -> Overhead:
    """One edit three ways: a direct client call, the app's run alone, and through gradio_client.

    The app's run (validation, the client call, saving to history) separates the app's own work
    from Gradio's (upload, queue, result files and their download by gradio_client).
    """
    with running_app(replace(config, simulator_latency_s=0.0)) as (app, url):
        simulator = app.context.backend.simulator
        client = script_client(url, config)
        with ImageEditClient(api_key="bench", base_url=simulator.base_url) as direct:

            def direct_call() -> None:
                direct.edit(
                    model="qwen-image-2.0-pro",
                    prompt=PROMPT,
                    images=[str(path) for path in inputs],
                    n=N,
                    response_format="b64_json",
                )

            def handler_call() -> None:
                params = EditParams(prompt=PROMPT, n=N, seed=random.randint(0, SEED_MAX))
                app.context.runner.run(params, paths, Owner("anon:bench"), None)

            def app_call() -> None:
                edit_job(client, inputs, n=N).result()

            paths = [str(path) for path in inputs]
            calls = (direct_call, handler_call, app_call)
            for call in calls:
                call()
            medians = [
                statistics.median(timed(call) for _ in range(OVERHEAD_REPEATS)) for call in calls
            ]
    return Overhead(*medians)


def verdict(holds: bool) -> str:
    return "target holds" if holds else "TARGET MISSED"


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        root = Path(scratch)
        inputs = make_inputs(root)
        config = AppConfig(
            history_dir=root / "history",
            max_concurrent_runs=CONCURRENT_CALLS,
            history_secret="bench",
        )
        one, many, peak = concurrency(config, inputs)
        ratio = many / one
        print(f"{CONCURRENT_CALLS} concurrent /edit calls at {LATENCY_S:.0f} s simulated latency:")
        print(f"  one call {one:.2f} s, all {CONCURRENT_CALLS} {many:.2f} s, ratio {ratio:.2f}")
        print(f"  edits in flight at the simulator at once: {peak} of {CONCURRENT_CALLS}")
        print(f"  target ratio <= {RATIO_TARGET}: {verdict(ratio <= RATIO_TARGET)}")
        cost = overhead(config, inputs)
        factor = cost.through_app / cost.direct
        print(f"One edit ({INPUTS} x {SIDE}x{SIDE} inputs, n={N}, b64_json) at zero latency:")
        print(f"  direct client call          {cost.direct:.3f} s")
        print(f"  the app's run, with history {cost.handler:.3f} s")
        print(f"  through the app (Gradio)    {cost.through_app:.3f} s, {factor:.2f}x direct")
        print(f"  target <= {OVERHEAD_TARGET}x: {verdict(factor <= OVERHEAD_TARGET)}")


if __name__ == "__main__":
    main()
