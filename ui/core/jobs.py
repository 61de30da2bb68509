"""Runs in flight, by owner: a run goes on when its page goes away, and the page can ask about it.

Each run of the page works in a thread of its own, so a reload, a closed tab or Stop never loses
what the service answers (the runner records it). The page polls here after a reload to learn
when its owner's run finished, and Stop marks the run so it is recorded as stopped. A session
has one job going at a time (a run, or a comparison): a second click that reaches the server
before the button turns busy is refused here, so it is never sent and billed twice. Stop ends
the job for its page at once: its request, already at the service, finishes in the background
(recorded, still counted for its owner) while the session's next job starts.

An owner (a visitor, over all their tabs and API sessions) has at most MAX_RUNS_PER_VISITOR
requests admitted and not yet ended, through every door (Run, Compare, `/edit`, `/compare`, MCP):
one visitor cannot queue the whole service. Each door admits its requests here before sending.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
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
    admission: Admission | None = None
    """Its requests, counted against the owner's bound (`Jobs.claim`)."""
    started: float = field(default_factory=time.monotonic)
    stopped: threading.Event = field(default_factory=threading.Event)
    waiting: threading.Event = field(default_factory=threading.Event)
    """Set while its request waits for a sending slot (ui/core/fair_share.py), so the page
    says it waits only when it does."""
    done: threading.Event = field(default_factory=threading.Event)
    over: threading.Event = field(default_factory=threading.Event)
    """Set once it is done or stopped (`wait`): a page waiting on it leaves at once."""
    outcome: Any = None
    error: BaseException | None = None
    finished: float | None = None

    @property
    def elapsed_s(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def going(self) -> bool:
        """Still its session's job: neither done nor stopped (a stopped job's request may
        still be at the service, but the page is done with it)."""
        return not (self.done.is_set() or self.stopped.is_set())

    def wait(self, timeout: float) -> bool:
        """Waits up to `timeout` for the job to be done or stopped, whichever comes first;
        True when it is no longer going (threading has no wait-for-either)."""
        return self.over.wait(timeout)

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


class TooManyInFlight(Exception):
    """The owner already has `in_flight` requests admitted; `asked` more would pass `most`."""

    def __init__(self, in_flight: int, asked: int, most: int) -> None:
        super().__init__(f"{in_flight} requests in flight, {asked} more asked, at most {most}")
        self.in_flight, self.asked, self.most = in_flight, asked, most

    @property
    def values(self) -> dict[str, int]:
        """The numbers the refusal's words name (ui/core/texts.py "too_many_in_flight")."""
        return {"in_flight": self.in_flight, "asked": self.asked, "most": self.most}


class Admission:
    """Requests of one owner counted as in flight until each ends (`release`) or all the rest
    do (`close`, also on leaving a `with` block)."""

    def __init__(self, jobs: Jobs, owner: str, requests: int) -> None:
        self._jobs, self.owner, self._left = jobs, owner, requests
        self._lock = threading.Lock()

    def release(self, requests: int = 1) -> None:
        with self._lock:
            ended = min(requests, self._left)
            self._left -= ended
        self._jobs._ended(self.owner, ended)

    def close(self) -> None:
        self.release(self._left)

    def __enter__(self) -> Admission:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class Jobs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: list[Job] = []
        self._in_flight: Counter[str] = Counter()

    def admit(self, owner: str, requests: int, most: int | None) -> Admission:
        """Counts `requests` of `owner` as in flight, or raises TooManyInFlight (nothing is
        counted) when the owner's requests would then pass `most` (None: no bound)."""
        with self._lock:
            return self._admit(owner, requests, most)

    def _admit(self, owner: str, requests: int, most: int | None) -> Admission:
        in_flight = self._in_flight[owner]
        if most is not None and in_flight + requests > most:
            raise TooManyInFlight(in_flight, requests, most)
        self._in_flight[owner] += requests
        return Admission(self, owner, requests)

    def _ended(self, owner: str, requests: int) -> None:
        if not requests:
            return
        with self._lock:
            self._in_flight[owner] -= requests
            if self._in_flight[owner] <= 0:
                del self._in_flight[owner]

    def claim(self, job: Job, requests: int = 0, most: int | None = None) -> Job:
        """Registers `job` as its session's job going, its `requests` admitted for its owner
        (`job.admission`); raises AlreadyRunning when the session has one going (a stopped one
        is not: Stop frees the page), else TooManyInFlight when the owner's bound `most` would
        be passed (a stopped job's requests count until they end). The caller ends it with
        `finish`."""
        with self._lock:
            now = time.monotonic()
            self._jobs = [j for j in self._jobs if not _expired(j, now)]
            for other in self._jobs:
                if other.session == job.session and other.going:
                    raise AlreadyRunning(other)
            job.admission = self._admit(job.owner, requests, most)
            self._jobs.append(job)
        return job

    @staticmethod
    def finish(job: Job, outcome: Any = None, error: BaseException | None = None) -> None:
        job.outcome, job.error = outcome, error
        job.finished = time.monotonic()
        if job.admission is not None:
            job.admission.close()
        job.done.set()
        job.over.set()

    def start(
        self,
        job: Job,
        work: Callable[[threading.Event], Any],
        requests: int = 1,
        most: int | None = None,
    ) -> Job:
        """Runs `work(job.stopped)` in a thread of its own; returns the job at once, or raises
        AlreadyRunning or TooManyInFlight (`claim`; nothing is run)."""
        self.claim(job, requests, most)

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
        """Marks the session's job going as stopped, which ends it for the page (`going`);
        False when it has none."""
        with self._lock:
            running = [j for j in self._jobs if j.session == session and j.going]
        for job in running:
            job.stopped.set()
            job.over.set()
        return bool(running)

    def running(self, owner: str) -> list[Job]:
        """The owner's jobs not done yet, stopped ones included: their answers are still to
        be recorded (History waits for them after a reload)."""
        with self._lock:
            return [j for j in self._jobs if j.owner == owner and not j.done.is_set()]

    def finished_since(self, owner: str, since: float) -> list[Job]:
        """The owner's runs that finished after `since` (a time.monotonic() value)."""
        with self._lock:
            return [j for j in self._jobs if j.owner == owner and j.finished and j.finished > since]


def _expired(job: Job, now: float) -> bool:
    return job.finished is not None and now - job.finished > FORGET_AFTER_S
