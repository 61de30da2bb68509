"""The history of runs: one SQLite row per run, its images stored once by keyed content hash.

Design (after simonw/llm): WAL mode, numbered migrations, each run written in one transaction
after its image files are safely on disk, so a crash at any moment leaves a database that opens
and no row pointing at a missing file. Every query is filtered by owner (None only in the shared
scope). Listing reads one indexed table, so the first page stays fast at 10,000 runs.

Caps are enforced in the transaction that saves a run and never evict that run: `max_runs` and
`max_bytes` hold per owner, who loses their own oldest runs first; `max_total_bytes` guards the
disk for the whole store, taking the oldest run of the owner using the most bytes, repeatedly.
The database, its -wal/-shm files, the folders and every image are private (permissions.py).
"""

from __future__ import annotations

import json
import logging
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.validation import key_like_path

from .blobs import BlobStore, StoredImage
from .migrations import migrate
from .permissions import FILE_MODE, private_file, private_folder, tighten

logger = logging.getLogger(__name__)

DATABASE_NAME = "history.sqlite3"
STATUSES = ("ok", "partial", "failed")


COLUMN_PARAMS = ("model", "prompt", "negative_prompt", "seed")
"""Parameters kept in columns of their own (listed, searched, filtered); the others are stored
together as JSON. Each is stored once; `RunDetail.params` puts them back together."""


@dataclass(frozen=True)
class NewRun:
    """A finished run as the editor hands it over; never holds an API key.

    `params` are the edit's parameters by name (client.params.EditParams.as_dict())."""

    owner: str
    params: dict[str, Any]
    input_images: Sequence[bytes]
    output_images: Sequence[bytes]
    status: str
    backend: str
    owner_label: str | None = None
    revised_prompts: Sequence[str] = ()
    error: str | None = None
    elapsed_s: float | None = None
    request_id: str | None = None
    notes: Sequence[str] = ()
    stopped: bool = False
    """The visitor pressed Stop; the service answered anyway, and the answer is kept."""

    @property
    def stored_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.params.items() if k not in COLUMN_PARAMS}


@dataclass(slots=True)
class RunSummary:
    """One line of the history list; `thumbnail_path` is a plain string, cheap to build."""

    id: str
    created_at: float
    model: str
    prompt: str
    status: str
    owner_label: str | None
    thumbnail_path: str | None
    stopped: bool = False


@dataclass(slots=True)
class RunDetail(RunSummary):
    owner: str = ""
    negative_prompt: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    seed: int | None = None
    error: str | None = None
    elapsed_s: float | None = None
    request_id: str | None = None
    backend: str = ""
    requested_n: int = 0
    revised_prompts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    input_paths: list[Path] = field(default_factory=list)
    output_paths: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Freed:
    """What evicting one run released: its images' digests (to drop after the commit if unused)
    and the bytes that stopped counting for its owner and for the whole store."""

    digests: list[str]
    owner_bytes: int
    store_bytes: int


_last_millisecond = 0
_id_lock = threading.Lock()


def new_run_id() -> str:
    """Sorts by creation time (milliseconds first, strictly increasing within this process) and
    cannot be guessed (80 random bits)."""
    global _last_millisecond
    with _id_lock:
        _last_millisecond = max(int(time.time() * 1000), _last_millisecond + 1)
        return f"{_last_millisecond:013x}{secrets.token_hex(10)}"


class HistoryStore:
    def __init__(
        self,
        directory: Path,
        *,
        max_runs: int | None = None,
        max_bytes: int | None = None,
        max_total_bytes: int | None = None,
        durable: bool = True,
    ) -> None:
        """`max_runs` and `max_bytes` cap each owner's history, `max_total_bytes` the whole
        store's images (None: no cap); `owner_bytes` and `total_bytes` say what the byte caps
        count."""
        self.directory = Path(directory)
        private_folder(self.directory)
        self.max_runs = max_runs
        self.max_bytes = max_bytes
        self.max_total_bytes = max_total_bytes
        self._local = threading.local()
        self._synchronous = "FULL" if durable else "OFF"
        private_file(self.directory / DATABASE_NAME)  # before SQLite makes it with the umask's mode
        db = self._db()
        migrate(db)
        for suffix in ("-wal", "-shm"):  # SQLite makes new ones with the database's mode
            tighten(f"{self.directory / DATABASE_NAME}{suffix}", FILE_MODE)
        self._blobs = BlobStore(self.directory / "blobs", self._blob_key(db), durable=durable)
        self._sweep()

    # -- connections ----------------------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.directory / DATABASE_NAME, isolation_level=None, timeout=30.0)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(f"PRAGMA synchronous={self._synchronous}")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def _blob_key(self, db: sqlite3.Connection) -> bytes:
        with self._write() as tx:
            row = tx.execute("SELECT value FROM settings WHERE name = 'blob_key'").fetchone()
            if row is None:
                key = secrets.token_hex(32)
                tx.execute("INSERT INTO settings VALUES ('blob_key', ?)", (key,))
                return bytes.fromhex(key)
        return bytes.fromhex(row["value"])

    # -- writing --------------------------------------------------------------------------------

    def save_run(self, run: NewRun) -> str:
        """Stores the run and its images; returns its id. The caps are enforced in the same
        transaction, and never evict this run: it is there to be shown and kept."""
        if run.status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        if carries_key(run.params):
            raise ValueError("a run's parameters must never carry a key")
        images = [("output", position, data) for position, data in enumerate(run.output_images)]
        images += [("input", position, data) for position, data in enumerate(run.input_images)]
        stored = [(role, position, self._blobs.write(data)) for role, position, data in images]
        with self._write() as db:
            # made under the write lock, so ids grow in commit order and a run committed after
            # a page was read never lands behind that page's `before` cursor
            run_id = new_run_id()
            self._insert_run(db, run_id, run, stored)
            evicted = self._enforce_caps(db, run.owner, run_id)
        self._drop_unreferenced(evicted)
        return run_id

    def _insert_run(
        self,
        db: sqlite3.Connection,
        run_id: str,
        run: NewRun,
        stored: Sequence[tuple[str, int, StoredImage]],
    ) -> None:
        """The run's rows, inside the saving transaction; its files are already on disk."""
        for _role, _position, image in stored:
            self._blobs.ensure(image)
            db.execute(
                "INSERT OR IGNORE INTO blobs (digest, ext, size, width, height)"
                " VALUES (?, ?, ?, ?, ?)",
                (image.digest, image.ext, len(image.data), image.width, image.height),
            )
        # the cover (first result, else first input) is the only image the list shows small
        cover = stored[0][2].file_name if stored else None
        params = run.params
        db.execute(
            """INSERT INTO runs (id, owner, owner_label, created_at, model, prompt,
                negative_prompt, params, seed, status, error, elapsed_s, request_id, backend,
                requested_n, revised_prompts, notes, cover, stopped)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                run_id, run.owner, run.owner_label, time.time(), params["model"],
                params["prompt"], params.get("negative_prompt") or None,
                json.dumps(run.stored_params), params.get("seed"), run.status, run.error,
                run.elapsed_s, run.request_id, run.backend, params.get("n", 1),
                json.dumps(list(run.revised_prompts)), json.dumps(list(run.notes)), cover,
                int(run.stopped),
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO run_images (run_id, role, position, digest) VALUES (?, ?, ?, ?)",
            [(run_id, role, position, image.digest) for role, position, image in stored],
        )

    def delete_run(self, owner: str, run_id: str) -> bool:
        """Deletes `owner`'s run and the images no other run uses; False if it is not theirs."""
        with self._write() as db:
            deleted, digests = self._delete(db, owner, run_id)
        self._drop_unreferenced(digests)
        return deleted

    @staticmethod
    def _delete(db: sqlite3.Connection, owner: str, run_id: str) -> tuple[bool, list[str]]:
        """Deletes a run's rows inside a write transaction; returns whether it was there and the
        digests of its images, which `_drop_unreferenced` removes after the commit.

        Files are never unlinked in this transaction: were it to roll back (a crash before the
        commit), the run would come back pointing at files already gone."""
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

    def _drop_unreferenced(self, digests: Sequence[str]) -> None:
        """Removes the blobs among `digests` that no run references any more.

        Decided and unlinked in a write transaction of its own, after the runs' deletion has
        committed: a concurrent save of the same image either committed first (the blob is
        referenced and stays) or checks its file under the same lock afterwards and writes it
        again. A crash here leaves only unreferenced blob rows, which the next open sweeps."""
        if not digests:
            return
        with self._write() as db:
            for digest in digests:
                if db.execute("SELECT 1 FROM run_images WHERE digest = ?", (digest,)).fetchone():
                    continue
                row = db.execute("SELECT ext FROM blobs WHERE digest = ?", (digest,)).fetchone()
                db.execute("DELETE FROM blobs WHERE digest = ?", (digest,))
                if row:
                    self._blobs.remove(digest, row["ext"])

    def _enforce_caps(self, db: sqlite3.Connection, owner: str, keep: str) -> list[str]:
        """Deletes runs until the caps hold, inside the saving transaction (so concurrent savers
        never each remove a run for the same excess), never the run `keep` just saved; returns
        the digests of the deleted runs' images, which `_drop_unreferenced` removes after the
        commit. First `owner`'s own oldest runs for the per-owner caps, then the disk guard."""
        digests = self._enforce_owner_caps(db, owner, keep)
        if self.max_total_bytes is not None:
            digests += self._enforce_total_cap(db, self.max_total_bytes, keep)
        return digests

    def _enforce_owner_caps(self, db: sqlite3.Connection, owner: str, keep: str) -> list[str]:
        """`owner`'s oldest runs go until they have at most `max_runs` runs and `max_bytes`
        bytes of images; a single run over `max_bytes` stays when it is the one just saved."""
        if self.max_runs is None and self.max_bytes is None:
            return []
        max_runs = self.max_runs if self.max_runs is not None else float("inf")
        max_bytes = self.max_bytes if self.max_bytes is not None else float("inf")
        runs = self._count_runs(db, owner)
        used = self._owner_bytes(db, owner) if self.max_bytes is not None else 0
        digests: list[str] = []
        while runs > max_runs or used > max_bytes:
            victim = self._oldest_run(db, owner, keep)
            if victim is None:
                break
            freed = self._evict(db, owner, victim)
            digests += freed.digests
            runs -= 1
            used -= freed.owner_bytes
        return digests

    def _enforce_total_cap(self, db: sqlite3.Connection, cap: int, keep: str) -> list[str]:
        """While the store's images exceed `cap`, the owner using the most bytes loses their
        oldest run (never `keep`); an owner with nothing left to give is passed over."""
        total = self._referenced_bytes(db)
        if total <= cap:
            return []
        usage = self._bytes_by_owner(db)
        digests: list[str] = []
        while total > cap and usage:
            owner = max(usage, key=lambda name: (usage[name], name))
            victim = self._oldest_run(db, owner, keep)
            if victim is None:
                del usage[owner]
                continue
            freed = self._evict(db, owner, victim)
            digests += freed.digests
            usage[owner] -= freed.owner_bytes
            total -= freed.store_bytes
        return digests

    @staticmethod
    def _oldest_run(db: sqlite3.Connection, owner: str, keep: str) -> str | None:
        row = db.execute(
            "SELECT id FROM runs WHERE owner = ? AND id != ? ORDER BY id LIMIT 1", (owner, keep)
        ).fetchone()
        return row[0] if row else None

    def _evict(self, db: sqlite3.Connection, owner: str, run_id: str) -> Freed:
        """Deletes a run for a cap; returns its digests and the bytes that stopped counting for
        its owner and for the whole store (an image another run still uses frees nothing)."""
        digests = self._delete(db, owner, run_id)[1]
        owner_bytes = store_bytes = 0
        for digest in digests:
            size = db.execute("SELECT size FROM blobs WHERE digest = ?", (digest,)).fetchone()[0]
            if not db.execute("SELECT 1 FROM run_images WHERE digest = ?", (digest,)).fetchone():
                owner_bytes += size
                store_bytes += size
            elif not db.execute(
                "SELECT 1 FROM run_images i JOIN runs r ON r.id = i.run_id"
                " WHERE i.digest = ? AND r.owner = ?",
                (digest, owner),
            ).fetchone():
                owner_bytes += size
        return Freed(digests, owner_bytes, store_bytes)

    @staticmethod
    def _owner_bytes(db: sqlite3.Connection, owner: str) -> int:
        return db.execute(
            "SELECT COALESCE(SUM(size), 0) FROM blobs WHERE digest IN (SELECT i.digest"
            " FROM runs r JOIN run_images i ON i.run_id = r.id WHERE r.owner = ?)",
            (owner,),
        ).fetchone()[0]

    @staticmethod
    def _bytes_by_owner(db: sqlite3.Connection) -> dict[str, int]:
        rows = db.execute(
            "SELECT used.owner, SUM(b.size) FROM (SELECT DISTINCT r.owner, i.digest FROM runs r"
            " JOIN run_images i ON i.run_id = r.id) AS used JOIN blobs b USING (digest)"
            " GROUP BY used.owner"
        )
        return {owner: size for owner, size in rows}

    @staticmethod
    def _referenced_bytes(db: sqlite3.Connection) -> int:
        """Bytes of the images some run still uses (blobs of runs deleted in this transaction
        are not dropped until it commits)."""
        return db.execute(
            "SELECT COALESCE(SUM(size), 0) FROM blobs b"
            " WHERE EXISTS (SELECT 1 FROM run_images i WHERE i.digest = b.digest)"
        ).fetchone()[0]

    def _sweep(self) -> None:
        """Clears what an interrupted delete or save may have left (unused blobs, stray files,
        empty folders) and makes every file private."""
        db = self._db()
        unused = [
            row["digest"]
            for row in db.execute(
                "SELECT digest FROM blobs WHERE digest NOT IN (SELECT digest FROM run_images)"
            )
        ]
        self._drop_unreferenced(unused)
        self._blobs.sweep({row["digest"] for row in db.execute("SELECT digest FROM blobs")})

    # -- reading --------------------------------------------------------------------------------

    def list_runs(
        self,
        owner: str | None,
        *,
        limit: int = 50,
        before: str | None = None,
        search: str | None = None,
        model: str | None = None,
    ) -> list[RunSummary]:
        """Newest first; `before` is the id of the last run of the previous page."""
        clauses, values = [], []
        if owner is not None:
            clauses.append("owner = ?")
            values.append(owner)
        if before:
            clauses.append("id < ?")
            values.append(before)
        if model:
            clauses.append("model = ?")
            values.append(model)
        if search and search.strip():
            clauses.append("rowid IN (SELECT rowid FROM runs_search WHERE runs_search MATCH ?)")
            values.append(fts_query(search))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        cursor = self._db().cursor()
        cursor.row_factory = None  # plain tuples: this is the History tab's hot path
        rows = cursor.execute(
            "SELECT id, created_at, model, prompt, status, owner_label, cover, stopped FROM runs"
            f" {where} ORDER BY id DESC LIMIT ?",
            (*values, limit),
        )
        thumbnail = self._blobs.thumbnail_name
        return [
            RunSummary(*row[:6], thumbnail(row[6]) if row[6] else None, bool(row[7]))
            for row in rows
        ]

    def ensure_thumbnails(self, runs: Sequence[RunSummary]) -> None:
        """Makes the thumbnails of `runs` that do not exist yet (new runs, or lost files). A run
        whose cover cannot be thumbnailed in bounded memory (or is unreadable), or that has no
        image at all, gets the path of a shared grey placeholder instead, so every run keeps a
        picture in the list and the list's positions match the runs."""
        for run in runs:
            if not run.thumbnail_path or not self._blobs.make_thumbnail(run.thumbnail_path):
                run.thumbnail_path = self._blobs.placeholder

    def get_run(self, owner: str | None, run_id: str) -> RunDetail | None:
        """The run if `owner` may see it (any owner when None, the shared scope)."""
        db = self._db()
        row = db.execute(
            "SELECT * FROM runs WHERE id = ? AND (? IS NULL OR owner = ?)", (run_id, owner, owner)
        ).fetchone()
        if row is None:
            return None
        paths: dict[str, list[Path]] = {"input": [], "output": []}
        for image in db.execute(
            "SELECT i.role, i.digest, b.ext FROM run_images i JOIN blobs b USING (digest)"
            " WHERE i.run_id = ? ORDER BY i.role, i.position",
            (run_id,),
        ):
            paths[image["role"]].append(self._blobs.path(image["digest"], image["ext"]))
        return RunDetail(
            id=row["id"],
            created_at=row["created_at"],
            model=row["model"],
            prompt=row["prompt"],
            status=row["status"],
            owner_label=row["owner_label"],
            thumbnail_path=self._blobs.thumbnail_name(row["cover"]) if row["cover"] else None,
            stopped=bool(row["stopped"]),
            owner=row["owner"],
            negative_prompt=row["negative_prompt"],
            params={**json.loads(row["params"]), **{name: row[name] for name in COLUMN_PARAMS}},
            seed=row["seed"],
            error=row["error"],
            elapsed_s=row["elapsed_s"],
            request_id=row["request_id"],
            backend=row["backend"],
            requested_n=row["requested_n"],
            revised_prompts=json.loads(row["revised_prompts"]),
            notes=json.loads(row["notes"]),
            input_paths=paths["input"],
            output_paths=paths["output"],
        )

    def typical_seconds(self, model: str, recent: int = 20) -> float | None:
        """The median time of the model's last `recent` successful runs (any visitor's), or None
        before it has any: what the page quotes while a run of it goes."""
        rows = self._db().execute(
            "SELECT elapsed_s FROM runs INDEXED BY runs_by_model WHERE model = ?"
            " AND status = 'ok' AND elapsed_s IS NOT NULL ORDER BY id DESC LIMIT ?",
            (model, recent),
        )
        times = sorted(row[0] for row in rows)
        return times[len(times) // 2] if times else None

    def total_bytes(self) -> int:
        """Bytes of every stored image (thumbnails aside), each counted once whoever uses it:
        what HISTORY_MAX_TOTAL_BYTES caps."""
        return self._referenced_bytes(self._db())

    def owner_bytes(self, owner: str) -> int:
        """Bytes of the distinct images `owner`'s runs use: what HISTORY_MAX_BYTES caps. An image
        two owners both use counts in full for each of them, so the owners' bytes can add up to
        more than `total_bytes`."""
        return self._owner_bytes(self._db(), owner)

    def count_runs(self, owner: str | None = None) -> int:
        """Runs of `owner`, or of everyone when None."""
        if owner is None:
            return self._db().execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        return self._count_runs(self._db(), owner)

    @staticmethod
    def _count_runs(db: sqlite3.Connection, owner: str) -> int:
        return db.execute("SELECT COUNT(*) FROM runs WHERE owner = ?", (owner,)).fetchone()[0]

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None


def carries_key(value: Any) -> bool:
    """True if a key-like field appears anywhere in `value`: the client's one rule
    (client.validation.key_like_path), which refuses such an `extra` before it is sent."""
    return key_like_path(value, "params") is not None


def fts_query(text: str) -> str:
    """The user's words as quoted FTS5 terms, the last one a prefix, so any input is safe."""
    words = [word.replace('"', '""') for word in text.split()]
    terms = [f'"{word}"' for word in words]
    if terms:
        terms[-1] += "*"
    return " ".join(terms)
