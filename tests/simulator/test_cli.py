"""`python -m simulator` runs the simulator as a standalone server, e.g. for POWERTOKENS_BASE_URL.

Its --help documents every option, and its log names the base URL but never the key. The CLI
(`python -m client edit`) runs against it with no key set, and a taken port is one line.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest
from PIL import Image

from tests.app_process import ROOT, free_port
from tests.simulator.helpers import body

OPTIONS = [
    "--host",
    "--port",
    "--latency",
    "--per-image-latency",
    "--api-key",
    "--url-lifetime",
    "--enable-control",
]


def test_help_documents_every_option():
    result = subprocess.run(
        [sys.executable, "-m", "simulator", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    for option in OPTIONS:
        assert option in result.stdout


@contextmanager
def simulator_process(log_path: Path, *options: str) -> Iterator[str]:
    """`python -m simulator --port <free> OPTIONS` until it stops; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "simulator", "--port", str(port), *options]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx2.get(f"http://127.0.0.1:{port}/health").raise_for_status()
                break
            except httpx2.TransportError:
                assert process.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def cli_server(tmp_path):
    log_path = tmp_path / "simulator.log"
    with simulator_process(log_path, "--api-key", "sk-cli-secret") as base_url:
        yield base_url, log_path


def test_the_server_serves_edits_and_logs_its_url_but_not_its_key(cli_server):
    base_url, log_path = cli_server

    accepted = httpx2.post(
        base_url + "/images/edits",
        json=body(),
        headers={"authorization": "Bearer sk-cli-secret"},
        timeout=30,
    )
    refused = httpx2.post(
        base_url + "/images/edits", json=body(), headers={"authorization": "Bearer other"}
    )

    assert accepted.status_code == 200
    assert refused.status_code == 401
    log = log_path.read_text()
    assert base_url in log
    assert "sk-cli-secret" not in log


def without_key() -> dict[str, str]:
    """The environment of a shell with no POWERTOKENS_* variable set."""
    return {k: v for k, v in os.environ.items() if not k.startswith("POWERTOKENS_")}


def test_the_client_cli_edits_on_the_simulator_with_no_key_set(tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (30, 120, 200)).save(picture)
    out = tmp_path / "out"
    with simulator_process(tmp_path / "simulator.log") as base_url:
        result = subprocess.run(
            [sys.executable, "-m", "client", "edit", "-p", "make it a watercolour",
             "-i", str(picture), "-n", "2", "-o", str(out)],
            cwd=ROOT, env={**without_key(), "POWERTOKENS_BASE_URL": base_url},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    saved = [Path(line) for line in result.stdout.split()]
    assert len(saved) == 2 and all(path.parent == out for path in saved)
    for path in saved:
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width > 0


@contextmanager
def taken_port() -> Iterator[int]:
    """A loopback port another program is listening on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def run_simulator_on(port: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "--port", str(port)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_a_taken_port_stops_the_simulator_in_one_line_without_a_traceback():
    with taken_port() as port:
        result = run_simulator_on(port)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert f"{port}" in output.strip().splitlines()[-1]
    assert "in use" in output.strip().splitlines()[-1]


def test_a_taken_port_is_the_friendly_line_and_status_1():
    with taken_port() as port:
        result = run_simulator_on(port)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        f"Port {port} is in use: stop the other program or pass --port <a free port>."
    )
