"""Runs in flight, by owner: a run goes on when its page goes away, and the page can ask about it.

Each run of the page works in a thread of its own, so a reload, a closed tab or Stop never loses
what the service answers (the runner records it). The page polls here after a reload to learn
when its owner's run finished, and Stop marks the run so it is recorded as stopped. A session
has one job going at a time (a run, or a comparison): a second click that reaches the server
before the button turns busy is refused here, so it is never sent and billed twice.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FORGET_AFTER_S = 600.0
"""A finished run is remembered this long, for a page that reloaded while it ran."""


@dataclass
class Job:
    owner: str
    session: str
    prompt: str
    model: str
    kind: str = "run"
    """ "run", or "comparison" (ui/comparison/handlers.py)."""
    started: float = field(default_factory=time.monotonic)
    stopped: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    outcome: Any = None
    error: BaseException | None = None
    finished: float | None = None

    @property
    def elapsed_s(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def result(self) -> Any:
        """The outcome, or the error the work raised (after `done`)."""
        if self.error is not None:
            raise self.error
        return self.outcome


class AlreadyRunning(Exception):
    """The session has a job going; `running` is that job."""

    def __init__(self, running: Job) -> None:
        super().__init__(f"a {running.kind} of this session is still going")
        self.running = running


class Jobs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: list[Job] = []

    def claim(self, job: Job) -> Job:
        """Registers `job` as its session's job going; raises AlreadyRunning when the session
        has one. The caller ends it with `finish`."""
        with self._lock:
            now = time.monotonic()
            self._jobs = [j for j in self._jobs if not _expired(j, now)]
            for other in self._jobs:
                if other.session == job.session and not other.done.is_set():
                    raise AlreadyRunning(other)
            self._jobs.append(job)
        return job

    @staticmethod
    def finish(job: Job, outcome: Any = None, error: BaseException | None = None) -> None:
        job.outcome, job.error = outcome, error
        job.finished = time.monotonic()
        job.done.set()

    def start(self, job: Job, work: Callable[[threading.Event], Any]) -> Job:
        """Runs `work(job.stopped)` in a thread of its own; returns the job at once, or raises
        AlreadyRunning (nothing is run) when the session has a job going."""
        self.claim(job)

        def target() -> None:
            try:
                outcome = work(job.stopped)
            except BaseException as error:  # handed to whoever waits for the result
                self.finish(job, error=error)
            else:
                self.finish(job, outcome)

        threading.Thread(target=target, name=f"run-{job.session[:8]}", daemon=True).start()
        return job

    def stop(self, session: str) -> bool:
        """Marks the session's running job as stopped; False when it has none."""
        with self._lock:
            running = [j for j in self._jobs if j.session == session and not j.done.is_set()]
        for job in running:
            job.stopped.set()
        return bool(running)

    def running(self, owner: str) -> list[Job]:
        with self._lock:
            return [j for j in self._jobs if j.owner == owner and not j.done.is_set()]

    def finished_since(self, owner: str, since: float) -> list[Job]:
        """The owner's runs that finished after `since` (a time.monotonic() value)."""
        with self._lock:
            return [j for j in self._jobs if j.owner == owner and j.finished and j.finished > since]


def _expired(job: Job, now: float) -> bool:
    return job.finished is not None and now - job.finished > FORGET_AFTER_S
