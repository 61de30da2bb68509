"""Run-click to request, in Chromium, with three 6000x4000 photos: are they prepared only once?

The app runs in this process against a small recording upstream (also in this process, so both
clocks are one). Chromium uploads three camera-sized JPEGs, waits until the page has named what
it will do to them (they are prepared then), clicks Run, and the time until the upstream sees the
request is measured. The baseline, in the same run, is one plain Pillow preparation of the same
three photos (full decode, resize to the model's 3072 px, JPEG encode). Target: at most 0.5x.

    python -m bench.prepare_once
"""

from __future__ import annotations

import base64
import io
import json
import socket
import statistics
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from PIL import Image

from bench.client_prep import PHOTO_SIZE, make_photos
from client.models import model_spec
from tests.chromium import chromium
from ui.app import build_app
from ui.core.config import AppConfig

MODEL = "qwen-image-2.0-pro"
REPEATS = 3


class RecordingUpstream(BaseHTTPRequestHandler):
    """Notes when each edit request arrives, then answers with one small PNG."""

    arrivals: ClassVar[list[float]] = []

    def do_POST(self) -> None:
        RecordingUpstream.arrivals.append(time.perf_counter())
        self.rfile.read(int(self.headers.get("content-length") or 0))
        buffer = io.BytesIO()
        Image.new("RGB", (1024, 1024), "teal").save(buffer, "PNG")
        body = json.dumps(
            {"created": 1, "data": [{"b64_json": base64.b64encode(buffer.getvalue()).decode()}]}
        ).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def plain_preparation(paths: list[Path]) -> float:
    started = time.perf_counter()
    max_side = model_spec(MODEL).max_side
    for path in paths:
        with Image.open(path) as image:
            image.load()
            scale = max_side / max(image.size)
            resized = image.resize((round(image.width * scale), round(image.height * scale)))
            resized.save(io.BytesIO(), "JPEG", quality=90)
    return time.perf_counter() - started


def click_to_request(url: str, paths: list[Path]) -> float:
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url)
        page.locator("#input-images input[type=file]").set_input_files([str(p) for p in paths])
        page.locator("#input-notes").get_by_text("Image 3 was").wait_for(timeout=120_000)
        page.get_by_label("Prompt", exact=True).fill("make it autumn")
        run = page.locator("#run-button")
        run.hover()  # scrolled into view and steady: the click below is the person's click
        before = len(RecordingUpstream.arrivals)
        clicked = time.perf_counter()
        run.click()
        deadline = time.monotonic() + 120
        while len(RecordingUpstream.arrivals) == before and time.monotonic() < deadline:
            time.sleep(0.002)
        page.get_by_text("1 of 1 images").wait_for(timeout=60_000)
        return RecordingUpstream.arrivals[before] - clicked


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-prepare-once-"))
    photos_dir = Path(tempfile.gettempdir()) / "bench-client-prep"
    photos_dir.mkdir(exist_ok=True)
    paths = make_photos(photos_dir)
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), RecordingUpstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    config = AppConfig(
        api_key="bench-not-a-key",
        base_url=f"http://127.0.0.1:{upstream.server_port}/v1",
        history_dir=work / "history",
    )
    app = build_app(config)
    app.launch(prevent_thread_lock=True, server_port=free_port(), quiet=True)
    try:
        url = app.demo.local_url
        plain = statistics.median(plain_preparation(paths) for _ in range(REPEATS))
        clicks = [click_to_request(url, paths) for _ in range(REPEATS)]
    finally:
        app.close()
        upstream.shutdown()
    click = statistics.median(clicks)
    ratio = click / plain
    photos = f"three {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG photos"
    print(f"{photos}, {MODEL}, Chromium (median of {REPEATS})")
    print(
        f"  Run click -> request at the API : {click:6.3f} s  (each: "
        f"{', '.join(f'{c:.3f}' for c in clicks)})"
    )
    print(f"  one plain Pillow preparation    : {plain:6.3f} s")
    verdict = "met" if ratio <= 0.5 else "NOT met"
    print(f"  ratio click/plain = {ratio:.2f}  (target <= 0.50: {verdict})")


if __name__ == "__main__":
    main()
