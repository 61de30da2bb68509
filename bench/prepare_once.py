"""Upload to request, in Chromium, with three 6000x4000 photos: are they prepared only once?

The app runs in this process against a small recording upstream (also in this process, so both
clocks are one). Chromium uploads three camera-sized JPEGs (new bytes every round, so nothing is
cached), the time until the page has named what it will do to them (they are prepared then) is
measured, then Run is clicked and the time until the upstream sees the request is added. The
baseline, alternated round by round in the same run, is the best plain-Pillow preparation of the
same three photos and its JSON body (bench/client_prep.py's `plain_pillow_body`). Preparing once
costs about one baseline plus the upload; preparing twice would cost two. Target: ≤ 1.5x.

    python -m bench.prepare_once [--rounds N]
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import re
import socket
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from PIL import Image
from playwright.sync_api import Page

from bench.client_prep import PHOTO_SIZE, make_photos, plain_pillow_body
from bench.memory import distinct_copies
from bench.rounds import alternated, line, ratio_line, seconds
from tests.chromium import chromium
from ui.app import build_app
from ui.core.config import AppConfig

MODEL = "qwen-image-2.0-pro"
ROUNDS = 3
PARTS: list[tuple[float, float]] = []
"""Each round's (upload until prepared, Run click until the request), for the printed split."""


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


def upload_to_request(page: Page, url: str, paths: list[Path]) -> float:
    """Seconds of the app's work from the upload to the request at the API: the upload and its
    preparation (until the page names what it will do to the photos), then the Run click until
    the upstream sees the request. The typing of the prompt between the two is left out."""
    page.goto(url)
    uploaded = time.perf_counter()
    page.locator("#input-images input[type=file]").set_input_files([str(p) for p in paths])
    page.locator("#input-notes").get_by_text("Image 3 was").wait_for(timeout=120_000)
    prepared = time.perf_counter() - uploaded
    page.get_by_label("Prompt", exact=True).fill("make it autumn")
    run = page.locator("#run-button")
    run.hover()  # scrolled into view and steady: the click below is the person's click
    before = len(RecordingUpstream.arrivals)
    clicked = time.perf_counter()
    run.click()
    deadline = time.monotonic() + 120
    while len(RecordingUpstream.arrivals) == before and time.monotonic() < deadline:
        time.sleep(0.002)
    if len(RecordingUpstream.arrivals) == before:
        page.screenshot(path=str(Path(tempfile.gettempdir()) / "bench-prepare-once.png"))
        raise SystemExit("no request reached the upstream: see bench-prepare-once.png in tmp")
    page.get_by_text(re.compile(r"1 image in [\d.]+ s")).wait_for(timeout=60_000)  # run over
    PARTS.append((prepared, RecordingUpstream.arrivals[before] - clicked))
    return sum(PARTS[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-prepare-once-"))
    photos_dir = Path(tempfile.gettempdir()) / "bench-client-prep"
    photos_dir.mkdir(exist_ok=True)
    photos = make_photos(photos_dir)
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), RecordingUpstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    config = AppConfig(
        api_key="bench-not-a-key",
        base_url=f"http://127.0.0.1:{upstream.server_port}/v1",
        history_dir=work / "history",
    )
    app = build_app(config)
    app.launch(prevent_thread_lock=True, server_port=free_port(), quiet=True)
    rounds = iter(range(options.rounds))

    def fresh_photos() -> list[Path]:  # new bytes each round: the app's cache is cold, as Pillow's
        number = next(rounds)
        return [distinct_copies(photo, number + 1, work)[number] for photo in photos]

    try:
        with chromium() as browser:

            def in_a_new_page() -> float:  # its own context: nothing kept from the last round
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                try:
                    return upload_to_request(page, app.demo.local_url, fresh_photos())
                finally:
                    page.close()

            ours, plain = alternated(
                in_a_new_page,
                lambda: seconds(lambda: plain_pillow_body(photos)),
                rounds=options.rounds,
            )
    finally:
        app.close()
        upstream.shutdown()
    print(
        f"three {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG photos, {MODEL}, Chromium, "
        f"{options.rounds} rounds alternated"
    )
    print(line("upload + Run click -> request at the API", ours, "s", 1))
    print(line("  of which upload until prepared", [part[0] for part in PARTS], "s", 1))
    print(line("  of which Run click -> request", [part[1] for part in PARTS], "s", 1))
    print(line("one plain-Pillow preparation and body", plain, "s", 1))
    print(ratio_line("app ÷ plain", ours, plain, "≤ 1.5x: prepared once, not twice"))


if __name__ == "__main__":
    main()
