"""Images made, counted from what the history holds: the gateway bills per image returned.

A run's images are the results the service sent back (a failed run made none, a partial run
counts what came), summed per model in one SQL statement both databases share. Runs that were
deleted or evicted by a cap leave the sums: the history's usage is what the history holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


@dataclass(frozen=True)
class Usage:
    """Runs and the images they made, per model."""

    runs: int = 0
    images_by_model: Mapping[str, int] = field(default_factory=dict)

    @property
    def images(self) -> int:
        return sum(self.images_by_model.values())

    def plus(self, model: str, images: int) -> Usage:
        """This usage and one more run of `model` that made `images`."""
        counts = dict(self.images_by_model)
        counts[model] = counts.get(model, 0) + images
        return Usage(self.runs + 1, MappingProxyType(counts))


def usage_of(db: Any, owner: str | None) -> Usage:
    """`owner`'s runs and their result images per model (everyone's when None), in a read
    connection of the store's database."""
    mine, values = ("WHERE r.owner = ?", (owner,)) if owner is not None else ("", ())
    rows = db.execute(
        "SELECT r.model, COUNT(*), SUM((SELECT COUNT(*) FROM run_images i"
        " WHERE i.run_id = r.id AND i.role = 'output')) FROM runs r"
        f" {mine} GROUP BY r.model ORDER BY r.model",
        values,
    ).fetchall()
    return Usage(
        runs=sum(int(row[1]) for row in rows),
        images_by_model=MappingProxyType({row[0]: int(row[2] or 0) for row in rows}),
    )
