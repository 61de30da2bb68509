"""How heavy is the page to open: bytes, requests, config and the time until Run shows.

The app (`python app.py`, on its built-in simulator, with a temporary history) and a bare Gradio
page (a gr.Blocks with a textbox and a Run button, on the same Gradio and the same theme, Soft,
so only what the app adds is counted) run as processes of their own. Debian's Chromium opens
each in a fresh context (no cache), app and bare in turn for several rounds, and the median and
spread of each figure is printed with the ratio app/bare. Target: at most 2x the bytes and 1.3x
the time until Run is visible.

    python -m bench.page_weight [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx2

from tests.app_process import AppProcess, app_process
from tests.chromium import chromium

ROUNDS = 7
SETTLE_S = 1.5
"""A load has ended when no request has started or finished for this long after Run shows."""
RATIOS = {"bytes": 2.0, "header_bytes": None, "requests": None, "run_visible_s": 1.3}
"""The ratios app/bare printed, with their targets."""
BARE_NAME = "bare Gradio page (Blocks, textbox, button; Soft theme)"

BARE_APP = """
import gradio as gr
with gr.Blocks(title="bare") as demo:
    prompt = gr.Textbox(label="Prompt")
    run = gr.Button("Run", elem_id="run-button")
    run.click(lambda text: text, prompt, prompt)
demo.queue().launch(theme=gr.themes.Soft())
"""


@dataclass(frozen=True)
class Load:
    bytes: int
    """The responses' bodies as they travelled (compressed where they were)."""
    header_bytes: int
    requests: int
    run_visible_s: float


def open_once(browser, url: str) -> Load:
    """One visit in a fresh context: the time from navigation until Run is visible, then the
    size of every response, body (encoded) and headers apart, until the page has been quiet
    for SETTLE_S."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    finished = []
    last_activity = [time.monotonic()]

    def done(request) -> None:
        finished.append(request)
        last_activity[0] = time.monotonic()

    page.on("request", lambda _: last_activity.__setitem__(0, time.monotonic()))
    page.on("requestfinished", done)
    page.on("requestfailed", done)
    started = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.locator("#run-button").wait_for(state="visible", timeout=60_000)
    run_visible = time.perf_counter() - started
    while time.monotonic() - last_activity[0] < SETTLE_S:
        page.wait_for_timeout(100)
    bodies = headers = 0
    for request in finished:
        sizes = request.sizes()
        bodies += max(sizes["responseBodySize"], 0)
        headers += max(sizes["responseHeadersSize"], 0)
    context.close()
    return Load(bodies, headers, len(finished), run_visible)


def config_size(url: str) -> tuple[int, int, int]:
    """The bytes of Gradio's /config, and how many components and events it holds."""
    response = httpx2.get(url + "/config", timeout=30)
    config = response.json()
    return len(response.content), len(config["components"]), len(config["dependencies"])


FIGURES = {
    "bytes": ("bytes (bodies)", "{:,.0f}"),
    "header_bytes": ("bytes (headers)", "{:,.0f}"),
    "requests": ("requests", "{:.0f}"),
    "run_visible_s": ("Run visible (s)", "{:.3f}"),
}
"""Each figure of a Load, as printed: its name and format."""


def report(name: str, loads: list[Load], config: tuple[int, int, int]) -> dict[str, float]:
    """Prints each figure's median and spread (min..max) and returns the medians."""
    print(f"{name}:")
    medians = {}
    for field_name, (title, form) in FIGURES.items():
        values = [getattr(load, field_name) for load in loads]
        medians[field_name] = statistics.median(values)
        low, high = form.format(min(values)), form.format(max(values))
        print(f"  {title:<16}: {form.format(medians[field_name]):>10}  ({low}..{high})")
    size, components, events = config
    print(f"  {'config':<16}: {size:>10,} bytes, {components} components, {events} events")
    return medians


def measure(app: AppProcess, bare: AppProcess, rounds: int) -> None:
    loads: dict[str, list[Load]] = {"app": [], "bare": []}
    with chromium() as browser:
        open_once(browser, app.url)  # both servers warm (their first answers build caches)
        open_once(browser, bare.url)
        for _ in range(rounds):
            loads["app"].append(open_once(browser, app.url))
            loads["bare"].append(open_once(browser, bare.url))
    print(f"Opening the page in Chromium, a fresh context each time, median of {rounds} rounds")
    app_medians = report("app", loads["app"], config_size(app.url))
    bare_medians = report(BARE_NAME, loads["bare"], config_size(bare.url))
    print("ratios app/bare:")
    for field_name, target in RATIOS.items():
        ratio = app_medians[field_name] / bare_medians[field_name]
        goal = f"  (target <= {target}: {verdict(ratio, target)})" if target else ""
        print(f"  {FIGURES[field_name][0]:<16}: {ratio:5.2f}x{goal}")


def verdict(ratio: float, target: float) -> str:
    return "met" if ratio <= target else "NOT met"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS
    work = Path(tempfile.mkdtemp(prefix="bench-page-weight-"))
    (work / "app").mkdir()
    (work / "bare").mkdir()
    with (
        app_process(["python", "app.py"], work / "app") as app,
        app_process(["python", "-c", BARE_APP], work / "bare") as bare,
    ):
        measure(app, bare, rounds)


if __name__ == "__main__":
    main()
