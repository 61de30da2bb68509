"""`python app.py` for the tests, forked from a server that has already imported the app.

Every app process of the suite used to import Gradio and the app afresh: about 5 s of CPU each,
some 80 times a run. A multiprocessing fork server per test worker imports them once (with the
environment an app process gets, less its own settings, which Gradio and the app read only when
they run); each app process is then forked from it and runs app.py as `__main__`, in a session
of its own (so a test can kill its group with -9), its output in its log. `ForkedApp` answers as
subprocess.Popen does for what the tests use: pid, poll, wait, returncode.
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRELOADED = ["gradio", "ui.app", "tests.forked_app"]
_LOCK = threading.Lock()
_CONTEXT: multiprocessing.context.ForkServerContext | None = None


def forked_app(argv: list[str], env: Mapping[str, str], log_path: Path) -> ForkedApp:
    """Starts `python app.py *argv[2:]` with exactly `env`, its output to `log_path`."""
    process = _context().Process(
        target=_run_app, args=(list(argv[1:]), dict(env), str(log_path)), daemon=False
    )
    process.start()
    return ForkedApp(process)


def _context() -> multiprocessing.context.ForkServerContext:
    """The fork server, started once per test worker with an app process's environment."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOADED)
            saved = dict(os.environ)
            try:
                os.environ.update(GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
                from multiprocessing import forkserver

                forkserver.ensure_running()
            finally:
                os.environ.clear()
                os.environ.update(saved)
            _CONTEXT = context
        return _CONTEXT


def _run_app(args: list[str], env: dict[str, str], log_path: str) -> None:
    """In the forked process: a session of its own, the log as stdout and stderr, the app's
    environment and folder, then app.py as `python app.py` runs it."""
    os.setsid()
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(ROOT)
    sys.argv = args
    runpy.run_path(str(ROOT / args[0]), run_name="__main__")


class ForkedApp:
    """A forked app process, handled as a subprocess.Popen."""

    def __init__(self, process: multiprocessing.Process) -> None:
        self._process = process
        self.pid = process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired("app.py", timeout or 0)
        return self._process.exitcode
