"""Starts the app as a user does, `python app.py ...` in its own process, for end-to-end tests.

`python app.py` is forked from a server that has imported the app already (tests/forked_app.py);
any other command (README lines, the Dockerfile's) runs as given.

The process gets a free loopback port and its own HISTORY_DIR; the key variables of the
developer's shell are removed so a test runs on the built-in simulator unless it sets one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2

from tests.forked_app import ForkedApp, forked_app

ROOT = Path(__file__).resolve().parents[1]
STARTUP_TIMEOUT_S = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppProcess:
    url: str
    process: subprocess.Popen | ForkedApp
    log_path: Path
    history_dir: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def app_process(
    command: list[str] | str,
    tmp_path: Path,
    env: Mapping[str, str] | None = None,
) -> Iterator[AppProcess]:
    """Runs `command` (argv, or a shell line) from the repo root until the page answers.

    The process listens on GRADIO_SERVER_PORT; a command that takes its port as an argument
    writes `{port}` where it goes.
    """
    port = free_port()
    if isinstance(command, list):
        command = [part.replace("{port}", str(port)) for part in command]
    child_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("POWERTOKENS_", "GRADIO_", "HISTORY_", "APP_AUTH"))
    }
    child_env.update(
        GRADIO_SERVER_NAME="127.0.0.1",
        GRADIO_SERVER_PORT=str(port),
        HISTORY_DIR=str(tmp_path / "history"),
        GRADIO_ANALYTICS_ENABLED="False",
        PYTHONUNBUFFERED="1",
    )
    child_env.update(env or {})
    log_path = tmp_path / f"app-{port}.log"
    if isinstance(command, list) and command[:2] == ["python", "app.py"]:
        process = forked_app(command, child_env, log_path)  # the app already imported
    else:
        process = _popen(command, child_env, log_path)
    running = AppProcess(
        f"http://127.0.0.1:{port}", process, log_path, Path(child_env["HISTORY_DIR"])
    )
    try:
        wait_until_serving(running)
        yield running
    finally:
        stop(process)


def _popen(command: list[str] | str, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Any other command, as a shell or `python` would run it."""
    if isinstance(command, list) and command and command[0] == "python":
        command = [sys.executable, *command[1:]]
    with log_path.open("wb") as log:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            shell=isinstance(command, str),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


@contextmanager
def app_on_simulator(simulator: Any, tmp_path: Path, **settings: str) -> Iterator[AppProcess]:
    """The app sending its runs to a running simulator (`simulator.base_url`, with a dummy
    key), whose request log a test reads; `settings` are more of the app's variables."""
    env = {"POWERTOKENS_API_KEY": "dummy-key", "POWERTOKENS_BASE_URL": simulator.base_url}
    with app_process(["python", "app.py"], tmp_path, env={**env, **settings}) as running:
        yield running


def wait_until_serving(running: AppProcess) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if running.process.poll() is not None:
            raise AssertionError(
                f"the app exited with {running.process.returncode}:\n{running.log()}"
            )
        try:
            if httpx2.get(running.url + "/", timeout=2).status_code < 500:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.25)
    raise AssertionError(
        f"the app did not answer within {STARTUP_TIMEOUT_S:.0f} s:\n{running.log()}"
    )


def stop(process: subprocess.Popen | ForkedApp) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()
