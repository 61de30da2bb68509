"""The history of runs: one database row per run, its images stored once by keyed content hash.

Design (after simonw/llm): migrations by name, each run written in one transaction after its
images are safely stored, so a crash at any moment leaves a database that opens and no row
pointing at a missing image. A run is first written as 'sending', before its request leaves,
and completed in place by its answer (journal.py). Every query is filtered by owner (None only
in the shared scope). Listing reads one indexed table, so the first page stays fast at 100,000
runs.

Embedded by default: SQLite and files in HISTORY_DIR. For several replicas, PostgreSQL
(HISTORY_DATABASE_URL) and S3 objects (HISTORY_BLOB_URL); sql.py and blobs.py hold the
differences, so this file is the same store for all of them. Caps: caps.py. The database, its
-wal/-shm files, the folders and every local image are private (permissions.py).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client.validation import key_like_path

from . import budgets as budget_rules
from . import caps as cap_rules
from . import lineage
from . import presets as preset_rows
from . import shares as share_rows
from . import tokens as token_rows
from .blobs import STALE_TEMP_S, BlobStore, FileBlobs, StoredImage
from .databases import open_database
from .lineage import LINEAGE, Tree, TreeShape
from .permissions import private_folder
from .rate_limit import Limiter, RateLimit
from .sql import Database
from .usage import Usage, usage_of

logger = logging.getLogger(__name__)

BLOB_CACHE_FOLDER = "blob-cache"
"""Where a store whose images are S3 objects keeps its local copies (s3_blobs.py)."""
STATUSES = ("ok", "partial", "failed")
"""How a finished run ended."""
SENDING = "sending"
"""A run recorded before its request left (journal.py): its answer has not been recorded yet."""
INTERRUPTED = "interrupted"
"""A run whose process died while it was sending: the service may have billed it."""
SAVED_STATUSES = (*STATUSES, INTERRUPTED)
"""What `save_run` stores besides SENDING (a copy keeps the status of what it copies)."""


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
    comparison: str | None = None
    """The comparison (models × seeds run together) this run is a cell of, if any."""
    batch: str | None = None
    """The batch (one edit over many images, ui/batch/) this run is an item of, if any."""
    sender: str | None = None
    """The process a SENDING run waits in (journal.py); None once the run is finished."""
    parent: str | None = None
    """The run this one continues (an edit thread, lineage.py), if any: one of the same owner's."""
    result_index: int | None = None
    """Which of the parent's results (1-based) this run edits."""
    joins: str | None = None
    """A run whose tree this run joins without continuing one of its runs (a replay's first
    step); not stored: it only places the run."""
    branch_label: str | None = None
    """What a replayed branch changed (model, seed), on its first step."""

    @property
    def stored_params(self) -> dict[str, Any]:
        return {k: v for k, v in self.params.items() if k not in COLUMN_PARAMS}

    @classmethod
    def copy_of(cls, run: RunDetail, owner: str, owner_label: str | None = None) -> NewRun:
        """`run` (someone's, opened through a link) as a run of `owner`'s own: the same
        parameters, images and outcome, with a note that it is a copy."""
        return cls(
            owner=owner,
            params=dict(run.params),
            input_images=[path.read_bytes() for path in run.input_paths],
            output_images=[path.read_bytes() for path in run.output_paths],
            # a copy made while the run is sending will never get its answer
            status=INTERRUPTED if run.status == SENDING else run.status,
            backend=run.backend,
            owner_label=owner_label,
            revised_prompts=list(run.revised_prompts),
            error=run.error,
            elapsed_s=run.elapsed_s,
            request_id=run.request_id,
            notes=[*(note for note in run.notes if note != COPY_NOTE), COPY_NOTE],
            stopped=run.stopped,
        )


COPY_NOTE = "Copied from a shared link."


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
    root: str = ""
    """The first run of its tree (lineage.py): itself for a run that continues none."""


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
    comparison: str | None = None
    parent: str | None = None
    result_index: int | None = None
    branch_label: str | None = None
    batch: str | None = None


_last_millisecond = 0
_id_lock = threading.Lock()


def new_run_id(after: str | None = None) -> str:
    """Sorts by creation time (milliseconds first, strictly increasing within this process and
    after `after`, the newest id committed by any process) and cannot be guessed (80 random
    bits)."""
    global _last_millisecond
    try:
        floor = int(after[:13], 16) + 1 if after else 0
    except ValueError:
        floor = 0
    with _id_lock:
        _last_millisecond = max(int(time.time() * 1000), _last_millisecond + 1, floor)
        return f"{_last_millisecond:013x}{secrets.token_hex(10)}"


class RunDeleted(Exception):
    """The run's owner deleted it while it was being made: its answer is not kept."""

    def __init__(self, run_id: str) -> None:
        super().__init__(f"run {run_id} was deleted while it was being made")
        self.run_id = run_id


class HistoryStore:
    def __init__(
        self,
        directory: Path,
        *,
        max_runs: int | None = None,
        max_bytes: int | None = None,
        max_total_bytes: int | None = None,
        durable: bool = True,
        database_url: str | None = None,
        blob_url: str | None = None,
        budget: budget_rules.Budget | None = None,
    ) -> None:
        """`max_runs` and `max_bytes` cap each owner's history, `max_total_bytes` the whole
        store's images (None: no cap); `owner_bytes` and `total_bytes` say what the byte caps
        count. `database_url` (postgresql://...) and `blob_url` (s3://bucket/prefix) move the
        rows and the images off `directory`, which then holds only a local cache. `budget`: the
        images each owner may make per UTC day, held when a run is journalled (budgets.py)."""
        self.directory = Path(directory)
        private_folder(self.directory)
        self.budget = budget or budget_rules.Budget()
        self.max_runs = max_runs
        self.max_bytes = max_bytes
        self.max_total_bytes = max_total_bytes
        self._sql: Database = open_database(self.directory, database_url, durable=durable)
        self._blobs = self._open_blobs(blob_url, durable)
        self._sweeper: threading.Thread | None = None
        self._sweep()

    @property
    def caps(self) -> cap_rules.Caps:
        return cap_rules.Caps(self.max_runs, self.max_bytes, self.max_total_bytes)

    @property
    def blob_folder(self) -> Path:
        """The local folder whose files the page may serve (the images, or their cache)."""
        return self._blobs.root

    def _open_blobs(self, blob_url: str | None, durable: bool) -> BlobStore:
        key = self._blob_key()
        if not blob_url:
            return FileBlobs(self.directory / "blobs", key, durable=durable)
        from .s3_blobs import S3Blobs

        return S3Blobs(blob_url, self.directory / BLOB_CACHE_FOLDER, key)

    def _blob_key(self) -> bytes:
        with self._sql.write() as db:
            row = db.execute("SELECT value FROM settings WHERE name = 'blob_key'").fetchone()
            if row is None:
                key = secrets.token_hex(32)
                db.execute("INSERT INTO settings VALUES ('blob_key', ?)", (key,))
                return bytes.fromhex(key)
        return bytes.fromhex(row["value"])

    # -- writing --------------------------------------------------------------------------------

    def save_run(self, run: NewRun, run_id: str | None = None) -> RunDetail:
        """Stores the run and its images; returns it as stored, what `get_run` gives back (built
        from what was written, not read again). The caps are enforced in the same transaction,
        and never evict this run: it is there to be shown and kept.

        With `run_id`, the run completes that row (a SENDING run's answer, journal.py): the same
        id, owner, prompt and creation time, its other columns and images replaced. Saving the
        same run under the same id again changes nothing (a replayed spool, spool.py). A row
        gone meanwhile was deleted by its owner (caps never evict a SENDING run): it stays gone,
        its new images are dropped, and RunDeleted says so.

        A new SENDING run (journalled before it is sent) reserves its n images of its owner's
        budget in the same transaction, or raises budgets.OverBudget and writes nothing; its
        answer then counts the images it made (budgets.py)."""
        check_savable(run)
        images = [("output", position, data) for position, data in enumerate(run.output_images)]
        images += [("input", position, data) for position, data in enumerate(run.input_images)]
        stored = [(role, position, self._blobs.write(data)) for role, position, data in images]
        with self._sql.write() as db:
            replaced: list[str] = []
            if run_id is None:
                # made under the write lock, after the newest committed id, so ids grow in
                # commit order on every replica and a run committed after a page was read never
                # lands behind that page's `before` cursor
                run_id = new_run_id(db.execute("SELECT MAX(id) FROM runs").fetchone()[0])
                if run.status == SENDING:
                    budget_rules.reserve(db, self.budget, run, run_id, time.time())
                row = self._insert_run(db, run_id, run, stored)
            else:
                row, replaced = self._complete_run(db, run_id, run, stored)
                budget_rules.settle(db, run_id, len(run.output_images))
            evicted = cap_rules.enforce(db, self.caps, run.owner, run_id) if row else []
        self._drop_unreferenced(evicted + replaced)
        if row is None:
            raise RunDeleted(run_id)
        images_by_role = [(role, image.digest, image.ext) for role, _position, image in stored]
        return self._detail(row, images_by_role)

    def _insert_run(
        self, db: Any, run_id: str, run: NewRun, stored: Sequence[tuple[str, int, StoredImage]]
    ) -> dict[str, Any]:
        """The run's rows, inside the saving transaction; its images are already stored. Returns
        its row of `runs` by column name."""
        self._image_rows(db, stored)
        # the cover (first result, else first input) is the only image the list shows small
        row = run_row(run_id, run, cover=stored[0][2].file_name if stored else None)
        lineage.place(db, row, run.joins)
        db.execute(INSERT_RUN, [row[name] for name in RUN_COLUMN_NAMES])
        self._link_images(db, run_id, stored)
        return row

    def _complete_run(
        self, db: Any, run_id: str, run: NewRun, stored: Sequence[tuple[str, int, StoredImage]]
    ) -> tuple[dict[str, Any] | None, list[str]]:
        """`_insert_run` for a run already recorded: its row updated in place (the prompt, which
        the search index follows, and the creation time kept), its images replaced. Returns the
        row and the digests it stopped using (dropped after the commit if unused); for a run
        deleted meanwhile, no row and the digests of the images just stored."""
        existing = db.execute(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", (run_id,))
        existing = existing.fetchone()
        if existing is None:
            self._image_rows(db, stored)
            return None, [image.digest for _role, _position, image in stored]
        if existing["owner"] != run.owner:
            raise ValueError("a run can only be completed by its own owner")
        old = [
            row[0]
            for row in db.execute("SELECT digest FROM run_images WHERE run_id = ?", (run_id,))
        ]
        db.execute("DELETE FROM run_images WHERE run_id = ?", (run_id,))
        self._image_rows(db, stored)
        row = run_row(run_id, run, cover=stored[0][2].file_name if stored else None)
        kept = ("created_at", "prompt", *LINEAGE)
        row.update({name: existing[name] for name in kept})
        db.execute(UPDATE_RUN, [*(row[name] for name in UPDATED_COLUMN_NAMES), run_id])
        self._link_images(db, run_id, stored)
        return row, old

    def _image_rows(self, db: Any, stored: Sequence[tuple[str, int, StoredImage]]) -> None:
        """The blob rows of a run's images, already stored (written again if a concurrent
        delete removed them)."""
        for _role, _position, image in stored:
            self._blobs.ensure(image)
            db.execute(
                "INSERT INTO blobs (digest, ext, size, width, height) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (digest) DO NOTHING",
                (image.digest, image.ext, len(image.data), image.width, image.height),
            )

    @staticmethod
    def _link_images(db: Any, run_id: str, stored: Sequence[tuple[str, int, StoredImage]]) -> None:
        db.executemany(
            "INSERT INTO run_images (run_id, role, position, digest) VALUES (?, ?, ?, ?)",
            [(run_id, role, position, image.digest) for role, position, image in stored],
        )

    # -- the journal (journal.py) ---------------------------------------------------------------

    def sending_runs(self) -> list[tuple[str, str | None, float]]:
        """Every SENDING run as (id, sender, created_at), whoever owns it."""
        with self._sql.read() as db:
            return [
                (row[0], row[1], row[2])
                for row in db.tuples(
                    "SELECT id, sender, created_at FROM runs WHERE status = ?", (SENDING,)
                )
            ]

    def mark_interrupted(self, run_ids: Sequence[str]) -> int:
        """Marks those of `run_ids` still SENDING as INTERRUPTED; returns how many it marked."""
        marked = 0
        with self._sql.write() as db:
            for run_id in run_ids:
                cursor = db.execute(
                    "UPDATE runs SET status = ?, sender = NULL WHERE id = ? AND status = ?",
                    (INTERRUPTED, run_id, SENDING),
                )
                marked += cursor.rowcount
        return marked

    def delete_run(self, owner: str, run_id: str, *, with_descendants: bool = False) -> bool:
        """Deletes `owner`'s run and the images no other run uses; False if it is not theirs.
        Its descendants (lineage.py) stay, their tree showing the gap, unless
        `with_descendants`: then every run that grew from it goes too, in the same
        transaction."""
        with self._sql.write() as db:
            doomed = [run_id]
            if with_descendants:
                tree = lineage.read_tree(db, owner, run_id)
                doomed += tree.descendants(run_id) if tree else []
            deleted, digests = False, []
            for one in doomed:
                gone, its_digests = cap_rules.delete_rows(db, owner, one)
                deleted = deleted or (gone and one == run_id)
                digests += its_digests
        self._drop_unreferenced(sorted(set(digests)))
        return deleted

    def _drop_unreferenced(self, digests: Sequence[str]) -> None:
        """Removes the blobs among `digests` that no run references any more.

        Decided and removed in a write transaction of its own, after the runs' deletion has
        committed: a concurrent save of the same image either committed first (the blob is
        referenced and stays) or checks its image under the same lock afterwards and writes it
        again. A crash here leaves only unreferenced blob rows, which the next open sweeps."""
        if not digests:
            return
        with self._sql.write() as db:
            for digest in digests:
                if db.execute("SELECT 1 FROM run_images WHERE digest = ?", (digest,)).fetchone():
                    continue
                row = db.execute("SELECT ext FROM blobs WHERE digest = ?", (digest,)).fetchone()
                db.execute("DELETE FROM blobs WHERE digest = ?", (digest,))
                if row:
                    self._blobs.remove(digest, row["ext"])

    def _sweep(self) -> None:
        """Clears what an interrupted delete or save may have left: unused blob rows at once,
        then stray images (for objects in a bucket, in the background: listing a bucket of
        100,000 runs takes a while, and nothing waits on it)."""
        with self._sql.read() as db:
            unused = [
                row[0]
                for row in db.execute(
                    "SELECT digest FROM blobs WHERE digest NOT IN (SELECT digest FROM run_images)"
                )
            ]
        self._drop_unreferenced(unused)
        if not self._blobs.remote:
            self.sweep_strays()
            return
        self._sweeper = threading.Thread(target=self._sweep_quietly, daemon=True)
        self._sweeper.start()

    def _sweep_quietly(self) -> None:
        try:
            self.sweep_strays()
        except Exception:
            logger.exception("sweeping stray images failed; the next start tries again")

    def sweep_strays(self, older_than: float = STALE_TEMP_S) -> None:
        """Removes images no row knows that are older than `older_than` seconds (younger ones
        may belong to a save in progress, whose images are stored before its row)."""
        with self._sql.read() as db:
            known = {row[0] for row in db.execute("SELECT digest FROM blobs")}
        self._blobs.sweep(known, self._unknown, older_than)

    @contextmanager
    def _unknown(self, digests: Sequence[str]) -> Iterator[set[str]]:
        """Inside a write transaction: those of `digests` no blob row knows."""
        with self._sql.write() as db:
            known = {
                row[0]
                for digest in digests
                for row in db.execute("SELECT digest FROM blobs WHERE digest = ?", (digest,))
            }
            yield set(digests) - known

    # -- links ----------------------------------------------------------------------------------

    def share_run(self, owner: str, run_id: str) -> str | None:
        """A new unguessable link token to `owner`'s run (in the shared scope too, only the
        owner may share it); None when the run is not theirs."""
        with self._sql.write() as db:
            return share_rows.create(db, owner, run_id)

    def revoke_share(self, owner: str, token: str) -> bool:
        """Ends a link to one of `owner`'s runs at once; False if it is not theirs or gone."""
        with self._sql.write() as db:
            return share_rows.revoke(db, owner, token)

    def shares_of(self, owner: str, run_id: str) -> list[share_rows.Share]:
        """The live links of `owner`'s run, oldest first (none for anybody else's run)."""
        with self._sql.read() as db:
            return share_rows.of_run(db, owner, run_id)

    def share_is_live(self, token: str) -> bool:
        with self._sql.read() as db:
            return share_rows.run_of(db, token) is not None

    def run_by_share(self, token: str) -> RunDetail | None:
        """The run a live link shows, whoever asks; None for a revoked or unknown token."""
        with self._sql.read() as db:
            run_id = share_rows.run_of(db, token)
        return self.get_run(None, run_id) if run_id else None

    def save_copy(self, run: RunDetail, owner: str, owner_label: str | None = None) -> RunDetail:
        """Saves `run` into `owner`'s own history (under their caps); returns the copy as
        stored."""
        return self.save_run(NewRun.copy_of(run, owner, owner_label))

    # -- personal API tokens (tokens.py) --------------------------------------------------------

    def create_token(self, identity: token_rows.TokenIdentity, name: str) -> str:
        """A new token acting for `identity`, named `name`: returned once, kept only hashed;
        raises TokenRefused (an empty or taken name, too many tokens)."""
        with self._sql.write() as db:
            return token_rows.create(db, identity, name)

    def tokens_of(self, owner: str) -> list[token_rows.ApiToken]:
        """`owner`'s live tokens by name and date, newest first (never the tokens themselves)."""
        with self._sql.read() as db:
            return token_rows.of_owner(db, owner)

    def revoke_token(self, owner: str, token_or_name: str) -> bool:
        """Ends one of `owner`'s tokens, given as itself or by name; False if there is none."""
        with self._sql.write() as db:
            return token_rows.revoke(db, owner, token_or_name)

    def token_identity(self, token: str) -> token_rows.TokenIdentity | None:
        """Whom a live token acts for; None for a wrong, revoked or malformed one."""
        if not token_rows.is_token(token):
            return None
        with self._sql.read() as db:
            return token_rows.identity_of(db, token)

    # -- team presets (presets.py) --------------------------------------------------------------

    def presets_for(self, viewer: str, *, everyone: bool = False) -> list[preset_rows.Preset]:
        """The presets `viewer` sees (their own, the team's; all when `everyone`), then the
        built-in ones."""
        with self._sql.read() as db:
            return preset_rows.visible(db, viewer, everyone)

    def save_preset(
        self,
        owner: str,
        owner_label: str | None,
        draft: preset_rows.PresetDraft,
        preset_id: str = "",
    ) -> preset_rows.Preset:
        """Saves `draft` as `owner`'s (over `preset_id`, or their preset of that name); raises
        PresetRefused (not theirs, read-only, a name taken, too many)."""
        with self._sql.write() as db:
            return preset_rows.save(db, owner, owner_label, draft, preset_id)

    def delete_preset(self, owner: str, preset_id: str) -> None:
        """Deletes `owner`'s preset; raises PresetRefused for anybody else's or a built-in."""
        with self._sql.write() as db:
            preset_rows.delete(db, owner, preset_id)

    def import_presets(
        self, owner: str, owner_label: str | None, text: str | bytes
    ) -> list[preset_rows.Preset]:
        """Saves every preset of an exported file as `owner`'s, all or none; raises
        PresetRefused saying what in the file is wrong."""
        drafts = preset_rows.read_export(text)
        with self._sql.write() as db:
            return preset_rows.import_drafts(db, owner, owner_label, drafts)

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
            clauses.append(self._sql.search_clause)
            values.append(self._sql.search_term(search))
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        thumbnail = self._blobs.thumbnail_name
        with self._sql.read() as db:
            rows = db.tuples(
                "SELECT id, created_at, model, prompt, status, owner_label, cover, stopped, root"
                f" FROM runs {where} ORDER BY id DESC LIMIT ?",
                (*values, limit),
            ).fetchall()
        return [
            RunSummary(*row[:6], thumbnail(row[6]) if row[6] else None, bool(row[7]), row[8])
            for row in rows
        ]

    def ensure_thumbnails(self, runs: Sequence[RunSummary]) -> None:
        """Makes the thumbnails of `runs` that do not exist yet (new runs, or lost files). A run
        whose cover cannot be thumbnailed in bounded memory (or is unreadable), or that has no
        image at all, gets the path of a shared grey placeholder instead, so every run keeps a
        picture in the list and the list's positions match the runs."""
        covered = [run for run in runs if run.thumbnail_path]
        made = self._blobs.make_thumbnails([run.thumbnail_path for run in covered])
        for run, ok in zip(covered, made, strict=True):
            if not ok:
                run.thumbnail_path = self._blobs.placeholder
        for run in runs:
            if not run.thumbnail_path:
                run.thumbnail_path = self._blobs.placeholder

    def get_run(self, owner: str | None, run_id: str) -> RunDetail | None:
        """The run if `owner` may see it (any owner when None, the shared scope); its images
        are local files (fetched from the bucket when they live in one)."""
        mine, values = ("", (run_id,)) if owner is None else (" AND owner = ?", (run_id, owner))
        with self._sql.read() as db:
            row = db.execute(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?{mine}", values)
            row = row.fetchone()
            if row is None:
                return None
            images = db.execute(
                "SELECT i.role, i.digest, b.ext FROM run_images i JOIN blobs b USING (digest)"
                " WHERE i.run_id = ? ORDER BY i.role, i.position",
                (run_id,),
            ).fetchall()
        return self._detail(row, images)

    def _detail(self, row: Any, images: Sequence[tuple[str, str, str]]) -> RunDetail:
        """The run as the store gives it back, from its row of `runs` (read, or just written)
        and its images' (role, digest, ext) in order; the images as local files."""
        paths: dict[str, list[Path]] = {"input": [], "output": []}
        for role, digest, ext in images:
            paths[role].append(self._blobs.fetch(digest, ext))
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
            comparison=row["comparison"],
            root=row["root"],
            parent=row["parent"],
            result_index=row["result_index"],
            branch_label=row["branch_label"],
            batch=row["batch"],
        )

    def tree(self, owner: str | None, run_id: str) -> Tree | None:
        """The tree of runs `run_id` belongs to (lineage.py), only the runs `owner` may see;
        None if they may not see `run_id`."""
        with self._sql.read() as db:
            return lineage.read_tree(db, owner, run_id)

    def tree_shapes(self, owner: str | None, runs: Sequence[RunSummary]) -> dict[str, TreeShape]:
        """How many runs and branches the tree of each of `runs` holds, by root."""
        with self._sql.read() as db:
            return lineage.read_shapes(db, owner, [run.root for run in runs])

    def comparison_runs(self, owner: str | None, comparison: str) -> list[RunDetail]:
        """The runs of one comparison that `owner` may see (any owner's when None, the shared
        scope, as in get_run), oldest first; none for a comparison that is not theirs."""
        mine, values = (
            ("", (comparison,)) if owner is None else (" AND owner = ?", (comparison, owner))
        )
        with self._sql.read() as db:
            ids = db.tuples(
                f"SELECT id FROM runs WHERE comparison = ?{mine} ORDER BY id", values
            ).fetchall()
        found = (self.get_run(owner, run_id) for (run_id,) in ids)
        return [run for run in found if run is not None]  # one deleted meanwhile is left out

    def batch_runs(self, owner: str | None, batch: str) -> list[RunDetail]:
        """The runs of one batch that `owner` may see (any owner's when None, the shared scope),
        oldest first; none for a batch that is not theirs."""
        mine, values = ("", (batch,)) if owner is None else (" AND owner = ?", (batch, owner))
        with self._sql.read() as db:
            ids = db.tuples(f"SELECT id FROM runs WHERE batch = ?{mine} ORDER BY id", values)
            found = [row[0] for row in ids.fetchall()]
        runs = (self.get_run(owner, run_id) for run_id in found)
        return [run for run in runs if run is not None]  # one deleted meanwhile is left out

    def typical_seconds(self, model: str, recent: int = 20) -> float | None:
        """The median time of the model's last `recent` successful runs (any visitor's), or None
        before it has any: what the page quotes while a run of it goes."""
        with self._sql.read() as db:
            rows = db.execute(
                "SELECT elapsed_s FROM runs WHERE model = ? AND status = 'ok'"
                " AND elapsed_s IS NOT NULL ORDER BY id DESC LIMIT ?",
                (model, recent),
            ).fetchall()
        times = sorted(row[0] for row in rows)
        return times[len(times) // 2] if times else None

    def usage(self, owner: str | None) -> Usage:
        """The runs of `owner` (everyone's when None) and the images they made, per model."""
        with self._sql.read() as db:
            return usage_of(db, owner)

    def budget_left(self, owner: str, model: str, now: float | None = None) -> budget_rules.Left:
        """What `owner` may still make of `model` today under the store's budget."""
        with self._sql.read() as db:
            return budget_rules.left_of(
                db, self.budget, owner, model, time.time() if now is None else now
            )

    def rate_limiter(self, limit: RateLimit | None = None) -> Limiter:
        """The turns of requests to the gateway, kept in this store's database, so every
        replica on it holds one rate together (rate_limit.py)."""
        return Limiter(self._sql, limit)

    def use_today(self, now: float | None = None) -> list[budget_rules.Use]:
        """Everyone's images of the UTC day per person and model (the admins' list)."""
        with self._sql.read() as db:
            return budget_rules.use_of_day(
                db, budget_rules.utc_day(time.time() if now is None else now)
            )

    def total_bytes(self) -> int:
        """Bytes of every stored image (thumbnails aside), each counted once whoever uses it:
        what HISTORY_MAX_TOTAL_BYTES caps."""
        with self._sql.read() as db:
            return cap_rules.referenced_bytes(db)

    def owner_bytes(self, owner: str) -> int:
        """Bytes of the distinct images `owner`'s runs use: what HISTORY_MAX_BYTES caps. An image
        two owners both use counts in full for each of them, so the owners' bytes can add up to
        more than `total_bytes`."""
        with self._sql.read() as db:
            return cap_rules.owner_bytes(db, owner)

    def count_runs(self, owner: str | None = None) -> int:
        """Runs of `owner`, or of everyone when None."""
        with self._sql.read() as db:
            if owner is None:
                return db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
            return cap_rules.count_runs(db, owner)

    def check_database(self) -> None:
        """Raises when the database does not answer a trivial query (a readiness check)."""
        with self._sql.read() as db:
            db.execute("SELECT 1").fetchone()

    def check_blobs(self) -> None:
        """Raises when the images cannot be stored now (a readiness check)."""
        self._blobs.check()

    def close(self) -> None:
        if self._sweeper is not None:
            self._sweeper.join(timeout=30)
        self._sql.close()

    # -- the picture gate (ui/core/picture_gate.py) asks, per request ---------------------------

    def run_image(self, owner: str | None, run_id: str, role: str, position: int) -> Path | None:
        """The local file of image `position` (0-based) of `role` (input, output) of a run that
        `owner` may see (any owner's when None, as in get_run); None when there is none."""
        mine, values = ("", ()) if owner is None else (" AND r.owner = ?", (owner,))
        with self._sql.read() as db:
            row = db.execute(
                "SELECT b.digest, b.ext FROM runs r JOIN run_images i ON i.run_id = r.id"
                " JOIN blobs b ON b.digest = i.digest"
                f" WHERE r.id = ? AND i.role = ? AND i.position = ?{mine}",
                (run_id, role, position, *values),
            ).fetchone()
        return self._blobs.fetch(row[0], row[1]) if row else None

    def run_thumbnail(self, owner: str | None, run_id: str) -> Path | None:
        """The local file of the list's thumbnail of a run `owner` may see (made if missing; the
        grey placeholder when none can be); None when the run is not there (or not theirs)."""
        mine, values = ("", (run_id,)) if owner is None else (" AND owner = ?", (run_id, owner))
        with self._sql.read() as db:
            row = db.execute(f"SELECT cover FROM runs WHERE id = ?{mine}", values).fetchone()
        if row is None:
            return None
        thumbnail = self._blobs.thumbnail_name(row[0]) if row[0] else None
        if thumbnail is None or not self._blobs.make_thumbnail(thumbnail):
            return Path(self._blobs.placeholder)
        return Path(thumbnail)

    def share_tokens(self, run_id: str) -> list[str]:
        """The tokens of a run's live links, whoever owns it: never shown, only compared."""
        with self._sql.read() as db:
            rows = db.execute("SELECT token FROM shares WHERE run_id = ?", (run_id,)).fetchall()
        return [row[0] for row in rows]


RUN_COLUMNS = (
    "id, owner, owner_label, created_at, model, prompt, negative_prompt, params, seed, status,"
    " error, elapsed_s, request_id, backend, requested_n, revised_prompts, notes, cover, stopped,"
    " comparison, sender, parent, result_index, root, branch_label, batch"
)
RUN_COLUMN_NAMES = tuple(RUN_COLUMNS.split(", "))
INSERT_RUN = f"INSERT INTO runs ({RUN_COLUMNS}) VALUES ({', '.join('?' * len(RUN_COLUMN_NAMES))})"
UPDATED_COLUMN_NAMES = tuple(
    name
    for name in RUN_COLUMN_NAMES
    if name not in ("id", "owner", "created_at", "prompt", *LINEAGE)
)
"""What completing a run rewrites: not its identity, nor its lineage (fixed when it was recorded),
nor its prompt (SQLite's search index is kept in step by insert and delete triggers only)."""
UPDATE_RUN = (
    f"UPDATE runs SET {', '.join(f'{name} = ?' for name in UPDATED_COLUMN_NAMES)} WHERE id = ?"
)


def check_savable(run: NewRun) -> None:
    """Refuses a run the store must never hold: an unknown status, a SENDING run without its
    process, parameters carrying a key."""
    if run.status not in SAVED_STATUSES and not (run.status == SENDING and run.sender):
        raise ValueError(f"status must be one of {SAVED_STATUSES}, or {SENDING} with a sender")
    if carries_key(run.params):
        raise ValueError("a run's parameters must never carry a key")


def run_row(run_id: str, run: NewRun, cover: str | None) -> dict[str, Any]:
    """The run's row of `runs` by column name, as it is inserted (and read back)."""
    params = run.params
    return {
        "id": run_id,
        "owner": run.owner,
        "owner_label": run.owner_label,
        "created_at": time.time(),
        "model": params["model"],
        "prompt": params["prompt"],
        "negative_prompt": params.get("negative_prompt") or None,
        "params": json.dumps(run.stored_params),
        "seed": params.get("seed"),
        "status": run.status,
        "error": run.error,
        "elapsed_s": None if run.elapsed_s is None else float(run.elapsed_s),
        "request_id": run.request_id,
        "backend": run.backend,
        "requested_n": params.get("n", 1),
        "revised_prompts": json.dumps(list(run.revised_prompts)),
        "notes": json.dumps(list(run.notes)),
        "cover": cover,
        "stopped": int(run.stopped),
        "comparison": run.comparison,
        "sender": run.sender if run.status == SENDING else None,
        "parent": run.parent,
        "result_index": run.result_index if run.parent else None,
        "root": run_id,  # the parent's root, when it has one: lineage.place
        "branch_label": run.branch_label,
        "batch": run.batch,
    }


def carries_key(value: Any) -> bool:
    """True if a key-like field appears anywhere in `value`: the client's one rule
    (client.validation.key_like_path), which refuses such an `extra` before it is sent."""
    return key_like_path(value, "params") is not None
