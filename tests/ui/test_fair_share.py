"""The sending slots shared fairly between visitors (ui/core/fair_share.py), with real threads.

Each request is a thread that enters `slot()`, writes its name down once it holds a slot, and
holds it until the test lets it go; the test waits (on the scheduler's own count, or on events)
until each request is in line before the next arrives, so the order is the scheduler's alone.
"""

from __future__ import annotations

import threading
import time

import pytest

from ui.core.fair_share import FairSlots

PATIENCE_S = 10.0
"""Only a bound for a broken scheduler: a correct one hands each slot over at once."""


class Witness(threading.Event):
    """An event that remembers whether it was ever set (a wait may set and clear it)."""

    def __init__(self) -> None:
        super().__init__()
        self.ever_set = False

    def set(self) -> None:
        self.ever_set = True
        super().set()


class Request:
    """One request of `owner`: waits for a slot in a thread, records when it got one, and
    keeps it until `finish()`. `waiting` is the flag the page reads to say it waits."""

    def __init__(self, slots: FairSlots, owner: str, name: str, served: list[str]) -> None:
        self.owner, self.name = owner, name
        self.stopped = threading.Event()
        self.waiting = Witness()
        self.holding = threading.Event()
        self.done = threading.Event()
        self.granted: bool | None = None
        self._finish = threading.Event()
        self._slots, self._served = slots, served
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Request:
        self._thread.start()
        return self

    def _run(self) -> None:
        with self._slots.slot(self.owner, self.stopped, self.waiting) as granted:
            self.granted = granted
            if granted:
                self._served.append(self.name)
                self.holding.set()
                self._finish.wait(PATIENCE_S)
        self.done.set()

    def finish(self) -> None:
        assert self.holding.wait(PATIENCE_S), f"{self.name} never got a slot"
        self._finish.set()
        assert self.done.wait(PATIENCE_S)


def until(condition, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.005)


class Line:
    """Requests arriving one after another, each in line before the next comes."""

    def __init__(self, slots: FairSlots) -> None:
        self.slots = slots
        self.served: list[str] = []
        self.requests: dict[str, Request] = {}

    def holding(self, owner: str, name: str) -> Request:
        request = self._start(owner, name)
        assert request.holding.wait(PATIENCE_S), f"{name} should get a free slot at once"
        return request

    def waiting(self, owner: str, name: str) -> Request:
        before = self.slots.waiting()
        request = self._start(owner, name)
        until(lambda: self.slots.waiting() == before + 1, f"{name} never queued")
        return request

    def _start(self, owner: str, name: str) -> Request:
        request = Request(self.slots, owner, name, self.served)
        self.requests[name] = request
        return request.start()

    def finish_in_turn(self, first: str) -> None:
        """Finishes `first`, then whoever got its slot, and so on, until no one waits."""
        current = first
        while True:
            served = len(self.served)
            self.requests[current].finish()
            if served == len(self.requests):
                return
            until(lambda before=served: len(self.served) > before, "no one got the slot")
            current = self.served[-1]


def test_a_visitors_single_edit_goes_before_another_visitors_queued_cells():
    line = Line(FairSlots(1))
    line.holding("alice", "a0")
    for name in ("a1", "a2", "a3"):
        line.waiting("alice", name)
    line.waiting("bob", "b1")
    line.finish_in_turn("a0")
    assert line.served == ["a0", "b1", "a1", "a2", "a3"]


def test_two_visitors_queued_cells_take_turns():
    line = Line(FairSlots(1))
    line.holding("carol", "c0")
    for name in ("a1", "a2", "a3"):
        line.waiting("alice", name)
    for name in ("b1", "b2"):
        line.waiting("bob", name)
    line.finish_in_turn("c0")
    assert line.served == ["c0", "a1", "b1", "a2", "b2", "a3"]


def test_a_freed_slot_goes_to_the_visitor_with_fewest_requests_at_the_service():
    line = Line(FairSlots(2))
    alices = line.holding("alice", "a0")
    line.holding("carol", "c0")
    line.waiting("alice", "a1")  # first in line, but alice already sends one
    line.waiting("bob", "b1")
    line.requests["c0"].finish()
    until(lambda: len(line.served) == 3, "the freed slot was not handed over")
    assert line.served[-1] == "b1"
    alices.finish()
    until(lambda: len(line.served) == 4, "alice's second request never got a slot")
    assert line.served[-1] == "a1"


def test_requests_within_the_slots_never_wait():
    line = Line(FairSlots(3))
    for name in ("a1", "a2", "b1"):
        line.holding(name[0], name)
    assert line.slots.waiting() == 0


@pytest.mark.parametrize("slots", [1, 2])
def test_a_request_stopped_while_waiting_ends_its_wait_and_takes_no_slot(slots):
    line = Line(FairSlots(slots))
    holders = [line.holding("alice", f"a{index}") for index in range(slots)]
    stopped = line.waiting("bob", "b1")
    later = line.waiting("carol", "c1")
    stopped.stopped.set()
    assert stopped.done.wait(PATIENCE_S), "Stop did not end the wait"
    assert stopped.granted is False and line.slots.waiting() == 1
    holders[0].finish()
    assert later.holding.wait(PATIENCE_S), "the slot went to the stopped request"
    assert "b1" not in line.served


def test_without_a_bound_every_request_is_granted_at_once():
    line = Line(FairSlots(None))
    for index in range(5):
        line.holding("alice", f"a{index}")
    assert line.served == [f"a{index}" for index in range(5)]


def test_a_request_that_finds_a_free_slot_never_says_it_waits():
    line = Line(FairSlots(2))
    first, second = line.holding("alice", "a0"), line.holding("bob", "b0")
    assert not first.waiting.ever_set and not second.waiting.ever_set


def test_a_request_says_it_waits_only_until_it_holds_a_slot():
    line = Line(FairSlots(1))
    holder = line.holding("alice", "a0")
    queued = line.waiting("bob", "b1")
    until(queued.waiting.is_set, "b1 waits without saying so")
    holder.finish()
    assert queued.holding.wait(PATIENCE_S), "b1 never got the freed slot"
    assert not queued.waiting.is_set()


def test_a_request_stopped_while_waiting_no_longer_says_it_waits():
    line = Line(FairSlots(1))
    line.holding("alice", "a0")
    queued = line.waiting("bob", "b1")
    until(queued.waiting.is_set, "b1 waits without saying so")
    queued.stopped.set()
    assert queued.done.wait(PATIENCE_S), "Stop did not end the wait"
    assert not queued.waiting.is_set()


def test_the_slots_an_owner_holds_are_counted_until_released():
    line = Line(FairSlots(3))
    alices = [line.holding("alice", "a0"), line.holding("alice", "a1")]
    line.holding("bob", "b0")
    assert (line.slots.sending("alice"), line.slots.sending("carol")) == (2, 0)
    alices[0].finish()
    assert line.slots.sending("alice") == 1
