"""The history caps, enforced inside the transaction that saves a run (store.py).

`max_runs` and `max_bytes` hold per owner, who loses their own oldest runs first;
`max_total_bytes` guards the disk (or the bucket) for the whole store, taking the oldest run of
the owner using the most bytes, repeatedly. The run just saved is never evicted. Every writer
holds the store's one write lock (sql.py), so concurrent savers, on one machine or several,
never each remove a run for the same excess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Caps:
    max_runs: int | None = None
    max_bytes: int | None = None
    max_total_bytes: int | None = None


@dataclass(frozen=True)
class Freed:
    """What evicting one run released: its images' digests (to drop after the commit if unused)
    and the bytes that stopped counting for its owner and for the whole store."""

    digests: list[str]
    owner_bytes: int
    store_bytes: int


def delete_rows(db: Any, owner: str, run_id: str) -> tuple[bool, list[str]]:
    """Deletes a run's rows inside a write transaction; returns whether it was there and the
    digests of its images, which the store removes after the commit if no run uses them.

    Images are never removed in this transaction: were it to roll back (a crash before the
    commit), the run would come back pointing at images already gone."""
    digests = [
        row[0]
        for row in db.execute(
            "SELECT DISTINCT i.digest FROM run_images i JOIN runs r ON r.id = i.run_id"
            " WHERE r.id = ? AND r.owner = ?",
            (run_id, owner),
        )
    ]
    deleted = db.execute("DELETE FROM runs WHERE id = ? AND owner = ?", (run_id, owner))
    return deleted.rowcount > 0, digests


def enforce(db: Any, caps: Caps, owner: str, keep: str) -> list[str]:
    """Deletes runs until the caps hold, never `keep`; returns the deleted runs' digests. First
    `owner`'s own oldest runs for the per-owner caps, then the disk guard."""
    digests = enforce_owner_caps(db, caps, owner, keep)
    if caps.max_total_bytes is not None:
        digests += enforce_total_cap(db, caps.max_total_bytes, keep)
    return digests


def enforce_owner_caps(db: Any, caps: Caps, owner: str, keep: str) -> list[str]:
    """`owner`'s oldest runs go until they have at most `max_runs` runs and `max_bytes` bytes of
    images; a single run over `max_bytes` stays when it is the one just saved."""
    if caps.max_runs is None and caps.max_bytes is None:
        return []
    max_runs = caps.max_runs if caps.max_runs is not None else float("inf")
    max_bytes = caps.max_bytes if caps.max_bytes is not None else float("inf")
    runs = count_runs(db, owner)
    used = owner_bytes(db, owner) if caps.max_bytes is not None else 0
    digests: list[str] = []
    while runs > max_runs or used > max_bytes:
        victim = oldest_run(db, owner, keep)
        if victim is None:
            break
        freed = evict(db, owner, victim)
        digests += freed.digests
        runs -= 1
        used -= freed.owner_bytes
    return digests


def enforce_total_cap(db: Any, cap: int, keep: str) -> list[str]:
    """While the store's images exceed `cap`, the owner using the most bytes loses their
    oldest run (never `keep`); an owner with nothing left to give is passed over."""
    total = referenced_bytes(db)
    if total <= cap:
        return []
    usage = bytes_by_owner(db)
    digests: list[str] = []
    while total > cap and usage:
        owner = max(usage, key=lambda name: (usage[name], name))
        victim = oldest_run(db, owner, keep)
        if victim is None:
            del usage[owner]
            continue
        freed = evict(db, owner, victim)
        digests += freed.digests
        usage[owner] -= freed.owner_bytes
        total -= freed.store_bytes
    return digests


def oldest_run(db: Any, owner: str, keep: str) -> str | None:
    """The owner's oldest run a cap may evict: never `keep`, nor a run still sending (its
    answer, on its way, completes that row: journal.py)."""
    row = db.execute(
        "SELECT id FROM runs WHERE owner = ? AND id != ? AND status != 'sending'"
        " ORDER BY id LIMIT 1",
        (owner, keep),
    ).fetchone()
    return row[0] if row else None


def evict(db: Any, owner: str, run_id: str) -> Freed:
    """Deletes a run for a cap; returns its digests and the bytes that stopped counting for
    its owner and for the whole store (an image another run still uses frees nothing)."""
    digests = delete_rows(db, owner, run_id)[1]
    freed_owner = freed_store = 0
    for digest in digests:
        size = db.execute("SELECT size FROM blobs WHERE digest = ?", (digest,)).fetchone()[0]
        if not db.execute("SELECT 1 FROM run_images WHERE digest = ?", (digest,)).fetchone():
            freed_owner += size
            freed_store += size
        elif not db.execute(
            "SELECT 1 FROM run_images i JOIN runs r ON r.id = i.run_id"
            " WHERE i.digest = ? AND r.owner = ?",
            (digest, owner),
        ).fetchone():
            freed_owner += size
    return Freed(digests, freed_owner, freed_store)


def count_runs(db: Any, owner: str) -> int:
    return db.execute("SELECT COUNT(*) FROM runs WHERE owner = ?", (owner,)).fetchone()[0]


def owner_bytes(db: Any, owner: str) -> int:
    return int(
        db.execute(
            "SELECT COALESCE(SUM(size), 0) FROM blobs WHERE digest IN (SELECT i.digest"
            " FROM runs r JOIN run_images i ON i.run_id = r.id WHERE r.owner = ?)",
            (owner,),
        ).fetchone()[0]
    )


def bytes_by_owner(db: Any) -> dict[str, int]:
    rows = db.execute(
        "SELECT used.owner, SUM(b.size) FROM (SELECT DISTINCT r.owner, i.digest FROM runs r"
        " JOIN run_images i ON i.run_id = r.id) AS used JOIN blobs b USING (digest)"
        " GROUP BY used.owner"
    )
    return {owner: int(size) for owner, size in rows}


def referenced_bytes(db: Any) -> int:
    """Bytes of the images some run still uses (blobs of runs deleted in this transaction
    are not dropped until it commits)."""
    return int(
        db.execute(
            "SELECT COALESCE(SUM(size), 0) FROM blobs b"
            " WHERE EXISTS (SELECT 1 FROM run_images i WHERE i.digest = b.digest)"
        ).fetchone()[0]
    )
