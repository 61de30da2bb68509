"""`python -m simulator` runs the simulator as a standalone server, e.g. for POWERTOKENS_BASE_URL.

Its --help documents every option, and its log names the base URL but never the key.
"""

from __future__ import annotations

import subprocess
import sys
import time

import httpx2
import pytest

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


@pytest.fixture
def cli_server(tmp_path):
    port = free_port()
    log_path = tmp_path / "simulator.log"
    command = [sys.executable, "-m", "simulator", "--port", str(port), "--api-key", "sk-cli-secret"]
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
        yield f"http://127.0.0.1:{port}/v1", log_path
    finally:
        process.terminate()
        process.wait(timeout=10)


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
