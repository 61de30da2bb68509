"""Daily image budgets (BUDGET_IMAGES_PER_DAY): how many images one person may make per UTC day,
in all and per model, checked and reserved inside the transaction that journals a run.

A run is journalled as SENDING before its request leaves (journal.py). In that same write
transaction, under the store's one write lock (sql.py: on every replica writers take turns),
the person's images of the day are summed and, if the run's n still fits, the n are reserved in
a ledger row of its own; otherwise OverBudget is raised and nothing is written, so nothing is
sent. Two replicas sending at once take turns at the lock: the second sees the first's
reservation, and the budget is never passed. When the run's answer completes its row, the
ledger keeps the images it actually made (a failed run that made nothing stops counting); a run
whose process died keeps its n, since the service may have billed it.

The ledger (`budget_use`, migration m012) is not the runs table: deleting a run, or a history cap
evicting it, gives no images back. The day is the UTC calendar day; it resets at 00:00 UTC.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BUDGET_ENV = "BUDGET_IMAGES_PER_DAY"
EXAMPLE = "20,wan2.7-image-pro=5"
DAY_S = 24 * 3600


class BudgetError(ValueError):
    """BUDGET_IMAGES_PER_DAY cannot be read; the message says what is wrong."""


@dataclass(frozen=True)
class Budget:
    """Images per person per UTC day: `per_day` in all (None: no cap) and per model."""

    per_day: int | None = None
    per_model: tuple[tuple[str, int], ...] = ()

    @property
    def configured(self) -> bool:
        return self.per_day is not None or bool(self.per_model)

    def of_model(self, model: str) -> int | None:
        return dict(self.per_model).get(model)


@dataclass(frozen=True)
class Left:
    """What one person may still make today of one model, and what limits it."""

    budget: Budget
    model: str
    used: int
    """Images counted today, every model."""
    model_used: int
    """... of `model`."""
    reset_at: float
    """When the day ends (00:00 UTC next), as a Unix time."""

    @property
    def total_left(self) -> int | None:
        per_day = self.budget.per_day
        return None if per_day is None else max(per_day - self.used, 0)

    @property
    def model_left(self) -> int | None:
        limit = self.budget.of_model(self.model)
        return None if limit is None else max(limit - self.model_used, 0)

    @property
    def images_left(self) -> int | None:
        """The images `model` may still make today (None: no cap)."""
        bounds = [left for left in (self.total_left, self.model_left) if left is not None]
        return min(bounds) if bounds else None

    @property
    def by_model(self) -> bool:
        """The model's own cap is the tighter one (what the words name)."""
        model_left = self.model_left
        total_left = self.total_left
        return model_left is not None and (total_left is None or model_left < total_left)

    @property
    def limit(self) -> int | None:
        """The cap that binds (the model's or the day's)."""
        return self.budget.of_model(self.model) if self.by_model else self.budget.per_day

    def allows(self, images: int) -> bool:
        left = self.images_left
        return left is None or images <= left


class OverBudget(ValueError):
    """A run would pass its owner's budget of the day: nothing was recorded nor sent."""

    def __init__(self, left: Left, asked: int) -> None:
        super().__init__(
            f"{asked} image(s) asked, {left.images_left} of {left.limit} {left.model} images"
            " left today"
        )
        self.left = left
        self.asked = asked


def parse_budget(value: str) -> Budget:
    """`20`, `wan2.7-image-pro=5`, or both comma-separated (`20,wan2.7-image-pro=5`); empty: no
    budget. Raises BudgetError."""
    per_day: int | None = None
    per_model: dict[str, int] = {}
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        model, sep, count = (side.strip() for side in entry.rpartition("="))
        if sep and not model:
            raise BudgetError(f"must be a count and model=count pairs, like {EXAMPLE}.")
        number = _count(count, entry)
        if not sep:
            if per_day is not None:
                raise BudgetError(f"has two counts for every model; got {entry!r}.")
            per_day = number
        elif model in per_model:
            raise BudgetError(f"names {model} twice.")
        else:
            per_model[model] = number
    return Budget(per_day, tuple(sorted(per_model.items())))


def _count(text: str, entry: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise BudgetError(
            f"must be a count and model=count pairs, like {EXAMPLE}; got {entry!r}."
        ) from None
    if number < 0:
        raise BudgetError(f"cannot be negative; got {entry!r}.")
    return number


def utc_day(now: float) -> str:
    """The UTC calendar day of `now`, as the ledger stores it: 2026-12-03."""
    return time.strftime("%Y-%m-%d", time.gmtime(now))


def reset_at(now: float) -> float:
    """The next 00:00 UTC after `now`: when the day's budget starts again."""
    return (int(now) // DAY_S + 1) * DAY_S


def used_by_model(db: Any, owner: str, day: str) -> Mapping[str, int]:
    """`owner`'s images of `day`, per model (reserved by runs in flight, made by the others)."""
    rows = db.tuples(
        "SELECT model, SUM(images) FROM budget_use WHERE owner = ? AND day = ? GROUP BY model",
        (owner, day),
    ).fetchall()
    return {model: int(images or 0) for model, images in rows}


def left_of(db: Any, budget: Budget, owner: str, model: str, now: float) -> Left:
    used = used_by_model(db, owner, utc_day(now))
    return Left(budget, model, sum(used.values()), used.get(model, 0), reset_at(now))


def reserve(db: Any, budget: Budget, run: Any, run_id: str, now: float) -> None:
    """Inside the write transaction that journals `run` (a store.NewRun): raises OverBudget when
    its n images would pass its owner's budget of the day, else reserves them."""
    model, asked = run.params["model"], int(run.params.get("n") or 1)
    left = left_of(db, budget, run.owner, model, now)
    if not left.allows(asked):
        raise OverBudget(left, asked)
    db.execute(
        "INSERT INTO budget_use (run_id, owner, owner_label, model, day, images, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (run_id, run.owner, run.owner_label, model, utc_day(now), asked, now),
    )


def settle(db: Any, run_id: str, made: int) -> None:
    """A journalled run's answer is in: it counts the images it made instead of its n."""
    db.execute("UPDATE budget_use SET images = ? WHERE run_id = ?", (made, run_id))


@dataclass(frozen=True)
class Use:
    """One person's images of one model today (the admins' list)."""

    owner: str
    owner_label: str | None
    model: str
    images: int
    runs: int


def use_of_day(db: Any, day: str) -> list[Use]:
    """Everyone's images of `day` per person and model, most images first."""
    rows = db.tuples(
        "SELECT owner, MAX(owner_label), model, SUM(images), COUNT(*) FROM budget_use"
        " WHERE day = ? GROUP BY owner, model ORDER BY SUM(images) DESC, owner, model",
        (day,),
    ).fetchall()
    return [Use(row[0], row[1], row[2], int(row[3] or 0), int(row[4])) for row in rows]
