"""One rate limit per gateway key (RATE_LIMIT_PER_MINUTE), shared by every replica on a database.

The gateway limits each account per model. Each replica throttling alone would let N replicas
send N times the rate, so the turns live in the history's database, which the replicas share
(PostgreSQL; one SQLite file is shared the same way by the processes that open it): a row per
model holds `next_at`, the earliest time its next request may leave. A send takes its turn
inside a write transaction, under the store's one write lock (sql.py: writers on every replica
take turns), so two replicas never take one turn: when `next_at` has passed, the turn is taken
and `next_at` moves one spacing (60 s / the limit) on; else the caller learns how long to wait.
Spacing the sends evenly keeps any minute at or under the limit (no bursts).

A 429 from the gateway moves `next_at` on by its Retry-After (or BACK_OFF_S): every replica holds
its sends of that model until then, limited or not.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Protocol

logger = logging.getLogger(__name__)

RATE_ENV = "RATE_LIMIT_PER_MINUTE"
EXAMPLE = "60,wan2.7-image-pro=20"
BACK_OFF_S = 10.0
"""How long every replica holds a model's sends after a 429 that names no Retry-After."""
MINUTE_S = 60.0


class RateLimitError(ValueError):
    """RATE_LIMIT_PER_MINUTE cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class RateLimit:
    """Requests per minute to the gateway: `per_minute` for each model (None: no limit) and
    per model; a fraction is allowed (0.5: one every two minutes; 120: one every half second)."""

    per_minute: float | None = None
    per_model: tuple[tuple[str, float], ...] = ()

    def of_model(self, model: str) -> float | None:
        return dict(self.per_model).get(model, self.per_minute)

    def spacing(self, model: str) -> float | None:
        """Seconds between two sends of `model` (None: no limit)."""
        limit = self.of_model(model)
        return None if limit is None else MINUTE_S / limit


def parse_rate_limit(value: str) -> RateLimit:
    """`60`, `wan2.7-image-pro=20`, or both comma-separated; empty: no limit. Raises
    RateLimitError."""
    per_minute: float | None = None
    per_model: dict[str, float] = {}
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        model, sep, count = (side.strip() for side in entry.rpartition("="))
        if sep and not model:
            raise RateLimitError(f"must be a number and model=number pairs, like {EXAMPLE}.")
        number = _rate(count, entry)
        if not sep:
            if per_minute is not None:
                raise RateLimitError(f"has two numbers for every model; got {entry!r}.")
            per_minute = number
        elif model in per_model:
            raise RateLimitError(f"names {model} twice.")
        else:
            per_model[model] = number
    return RateLimit(per_minute, tuple(sorted(per_model.items())))


def _rate(text: str, entry: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if not number > 0 or number == float("inf"):
        raise RateLimitError(
            f"must be numbers above 0 and model=number pairs, like {EXAMPLE}; got {entry!r}."
        )
    return number


def next_turn(db: Any, model: str) -> float:
    """When `model`'s next request may leave (0: at once)."""
    row = db.tuples("SELECT next_at FROM rate_turns WHERE model = ?", (model,)).fetchone()
    return float(row[0]) if row else 0.0


def _set_next(db: Any, model: str, next_at: float) -> None:
    db.execute(
        "INSERT INTO rate_turns (model, next_at) VALUES (?, ?)"
        " ON CONFLICT (model) DO UPDATE SET next_at = excluded.next_at",
        (model, next_at),
    )


def take_turn(db: Any, model: str, spacing: float | None, now: float) -> float:
    """Inside a write transaction: 0 when `model` may send now (its turn is taken: the next one
    is `spacing` later), else the seconds until its next turn (nothing taken)."""
    next_at = next_turn(db, model)
    if now < next_at:
        return next_at - now
    if spacing is not None:
        _set_next(db, model, now + spacing)
    return 0.0


def hold(db: Any, model: str, until: float) -> None:
    """Inside a write transaction: no send of `model` before `until` (a 429's back-off)."""
    if next_turn(db, model) < until:
        _set_next(db, model, until)


class Transactions(Protocol):
    def read(self) -> Any: ...
    def write(self) -> Any: ...


class Limiter:
    """The turns of one app process, kept in `database` (the history's), under `limit`."""

    def __init__(self, database: Transactions, limit: RateLimit | None = None) -> None:
        self.database = database
        self.limit = limit or RateLimit()
        self._known: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, model: str, now: float | None = None) -> float:
        """0 when `model`'s request may leave now (its turn taken), else the seconds to wait
        before asking again. A database that cannot be reached holds nothing back: the run's
        journalling then refuses it anyway."""
        now = time.time() if now is None else now
        spacing = self.limit.spacing(model)
        try:
            if spacing is None:  # no limit: only a 429's back-off holds it, read without the lock
                with self.database.read() as db:
                    next_at = next_turn(db, model)
                wait = max(next_at - now, 0.0)
            else:
                with self.database.write() as db:
                    wait = take_turn(db, model, spacing, now)
        except Exception as error:
            logger.warning("cannot read the rate limit's turns: %s", type(error).__name__)
            return 0.0
        self._remember(model, now + (wait or spacing or 0.0))
        return wait

    def back_off(self, model: str, seconds: float | None, now: float | None = None) -> None:
        """A 429 for `model`: every replica sends none before `seconds` (or BACK_OFF_S) pass."""
        until = (time.time() if now is None else now) + (seconds or BACK_OFF_S)
        try:
            with self.database.write() as db:
                hold(db, model, until)
        except Exception as error:
            logger.warning("cannot record the rate limit's back-off: %s", type(error).__name__)
        self._remember(model, until)

    def seconds_left(self, model: str, now: float | None = None) -> float:
        """How long `model`'s waiting runs here still wait, as last learnt (for the page)."""
        with self._lock:
            until = self._known.get(model, 0.0)
        return max(until - (time.time() if now is None else now), 0.0)

    def _remember(self, model: str, until: float) -> None:
        with self._lock:
            self._known[model] = until
