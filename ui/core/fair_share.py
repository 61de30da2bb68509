"""The sending slots (MAX_CONCURRENT_RUNS), shared fairly between visitors; no gradio.

A first-come-first-served semaphore let one visitor's comparisons fill the queue for the slots,
so everyone else's single edit waited behind all of their cells. Here a freed slot is handed to
the waiting visitor (owner id) with the fewest requests at the service, and between equals to
the one served longest ago: round robin by owner, so a visitor's cells wait behind their own
cells. A wait ends when the run is stopped, and a stopped waiter never takes a slot. A request
already sent keeps its slot until it ends, stopped or not: the service is working on it.
"""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

STOP_CHECK_S = 0.05
"""How often a waiting request looks at its `stopped` event (threading has no wait-for-either)."""


@dataclass
class _Waiter:
    owner: str
    arrival: int
    granted: threading.Event = field(default_factory=threading.Event)


class FairSlots:
    """At most `slots` requests at the service at once (None or 0: no bound, as the Runner's
    `max_sending` always meant), handed out fairly."""

    def __init__(self, slots: int | None) -> None:
        self.slots = slots or None
        self._lock = threading.Lock()
        self._free = slots or 0
        self._waiting: list[_Waiter] = []
        self._sending: Counter[str] = Counter()
        self._served: dict[str, int] = {}
        self._turns = itertools.count()

    @contextmanager
    def slot(
        self, owner: str, stopped: threading.Event, waiting: threading.Event | None = None
    ) -> Iterator[bool]:
        """Waits for a slot for `owner`'s request and holds it for the body; yields True. When
        `stopped` is set first the wait ends without a slot and it yields False: the caller
        must then send nothing. `waiting` is set only while the request really waits (no slot
        was free when it came), so a page can say so truthfully."""
        if self.slots is None:
            yield True
            return
        waiter = self._enqueue(owner)
        if waiting is not None and not waiter.granted.is_set():
            waiting.set()
        try:
            granted = self._wait(waiter, stopped)
        finally:
            if waiting is not None:
                waiting.clear()
        try:
            yield granted
        finally:
            if granted:
                self._release(owner)

    def waiting(self) -> int:
        """How many requests wait for a slot now."""
        with self._lock:
            return len(self._waiting)

    def sending(self, owner: str) -> int:
        """How many of the slots `owner`'s requests hold now (a stopped run's among them)."""
        with self._lock:
            return self._sending[owner]

    def _enqueue(self, owner: str) -> _Waiter:
        with self._lock:
            waiter = _Waiter(owner, next(self._turns))
            self._waiting.append(waiter)
            self._hand_out()
        return waiter

    def _wait(self, waiter: _Waiter, stopped: threading.Event) -> bool:
        while not waiter.granted.wait(STOP_CHECK_S):
            if stopped.is_set():
                with self._lock:
                    if waiter.granted.is_set():  # handed a slot as Stop came: the caller,
                        break  # seeing `stopped`, sends nothing and frees it
                    self._waiting.remove(waiter)
                    return False
        return True

    def _release(self, owner: str) -> None:
        with self._lock:
            self._sending[owner] -= 1
            if not self._sending[owner]:
                del self._sending[owner]
            self._free += 1
            self._hand_out()

    def _hand_out(self) -> None:
        """Gives each free slot to the next waiter in fair order (the lock is held)."""
        while self._free and self._waiting:
            chosen = min(self._waiting, key=self._order)
            self._waiting.remove(chosen)
            self._free -= 1
            self._sending[chosen.owner] += 1
            self._served[chosen.owner] = next(self._turns)
            chosen.granted.set()
        for owner in [owner for owner in self._served if not self._is_known(owner)]:
            del self._served[owner]

    def _order(self, waiter: _Waiter) -> tuple[int, int, int]:
        """Fewest requests at the service first, then the owner served longest ago (never
        served: first of all), then the earliest arrival."""
        return (self._sending[waiter.owner], self._served.get(waiter.owner, -1), waiter.arrival)

    def _is_known(self, owner: str) -> bool:
        return owner in self._sending or any(w.owner == owner for w in self._waiting)
