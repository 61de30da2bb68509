"""The run journal: a run is in the history before its request leaves, so no billed run is lost.

The runner (ui/core/runs.py) records each run as SENDING (owner, masked parameters, inputs)
before it sends, and refuses to send when that record cannot be written. The answer completes
the same row (one run id for its whole life); when the history cannot take it, the answer goes
to the spool (spool.py), replayed at start, on a timer and after the next save that succeeds.

A process that dies leaves SENDING rows; they become INTERRUPTED ("the service may have billed
it") once no live process can still complete them. Who is alive: each process holds an
exclusive lock (flock) on HISTORY_DIR/journal/<sender>.lock for its whole life, and its SENDING
rows name that sender. The kernel drops the lock when the process dies, however it dies (kill -9
too), so a process sharing the folder (the app restarted, a second process on the host) sees at
once that a sender is gone and marks its runs. Replicas elsewhere keep folders of their own: a
sender whose lock is not here is judged by age alone, and its run is marked only once it is older
than LONGEST_RUN_S, longer than any live process may still wait for an answer; younger, it shows
as still sending. So a replica never marks another live replica's runs, a restart marks its own
dead runs at once, and a replica that never comes back has its runs marked by the others within
LONGEST_RUN_S.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import secrets
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from client.constants import READ_TIMEOUT_S

from .permissions import private_folder, tighten
from .spool import Spool
from .store import SENDING, HistoryStore, NewRun, RunDeleted, RunDetail

logger = logging.getLogger(__name__)

JOURNAL_FOLDER = "journal"
LONGEST_RUN_S = 2 * READ_TIMEOUT_S
"""A SENDING run older than this has no live process waiting for it: the client's deadline for
an answer, and as much again for connecting, sending and retries."""
KEEP_EVERY_S = 5.0
"""How often the journal replays the spool and marks the runs of dead processes."""
SENDER = re.compile(r"[0-9a-f]{16}")


class HistoryUnavailable(Exception):
    """The history cannot record a run before it is sent; the run must not be sent."""


@dataclass(frozen=True)
class Finished:
    """Where a completed run went: the history (`run`), or the spool while the history cannot
    take it (`run` None; `output_paths` are the spool's files)."""

    run_id: str
    output_paths: list[Path]
    run: RunDetail | None = None
    deleted: bool = False
    """Its owner deleted the run while it was being made: nothing of it was kept."""

    @property
    def spooled(self) -> bool:
        return self.run is None and not self.deleted


class SenderLock:
    """This process's lock file in the journal folder, held until `close`, and the test of
    another sender's."""

    def __init__(self, directory: Path) -> None:
        self.folder = Path(directory) / JOURNAL_FOLDER
        private_folder(self.folder)
        self.sender = secrets.token_hex(8)
        # locked under a temporary name, then renamed: no other process ever finds the file
        # unlocked while this one lives
        temporary = self.folder / f".{self.sender}.tmp"
        self._descriptor = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        tighten(temporary, 0o600)
        fcntl.flock(self._descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.replace(temporary, self.path(self.sender))

    def path(self, sender: str) -> Path:
        return self.folder / f"{sender}.lock"

    def is_dead(self, sender: str | None) -> bool:
        """True when `sender` ran beside this process (its lock file is here) and its lock is
        free: it died. False for this process, a live sender, and one from elsewhere."""
        if not sender or sender == self.sender or not SENDER.fullmatch(sender):
            return False
        try:
            descriptor = os.open(self.path(sender), os.O_RDWR)
        except FileNotFoundError:
            return False
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        finally:
            os.close(descriptor)  # releases the lock taken just to test it
        return True

    def forget_dead(self) -> None:
        """Removes the lock files of dead senders (after their runs were marked)."""
        for path in self.folder.glob("*.lock"):
            if self.is_dead(path.stem):
                path.unlink(missing_ok=True)

    def close(self) -> None:
        if self._descriptor >= 0:
            self.path(self.sender).unlink(missing_ok=True)
            os.close(self._descriptor)
            self._descriptor = -1


class RunJournal:
    """Records runs before they are sent and completes them after; marks the runs of dead
    processes; keeps and replays the spool."""

    def __init__(self, store: HistoryStore) -> None:
        self.store = store
        self.lock = SenderLock(store.directory)
        self.spool = Spool(store.directory)
        self._replaying = threading.Lock()
        self._stop = threading.Event()
        self._keeper: threading.Thread | None = None

    def begin(self, run: NewRun) -> RunDetail:
        """Records `run` as SENDING with its inputs (its results, if any, are left for
        `finish`); raises HistoryUnavailable when the history cannot take it."""
        sending = replace(run, status=SENDING, sender=self.lock.sender, output_images=())
        try:
            return self.store.save_run(sending)
        except ValueError:
            raise
        except Exception as error:
            logger.error("cannot record a run before sending: %s", type(error).__name__)
            raise HistoryUnavailable(str(error)) from error

    def finish(self, run_id: str, run: NewRun) -> Finished:
        """Completes the run's row with its answer; when the history cannot take it, keeps it
        in the spool instead. A save that succeeds replays what the spool holds."""
        try:
            stored = self.store.save_run(run, run_id)
        except RunDeleted:
            return Finished(run_id, [], deleted=True)
        except ValueError:
            raise
        except Exception as error:
            logger.error("run %s kept in the spool: %s", run_id, type(error).__name__)
            return Finished(run_id, self.spool.keep(run_id, run))
        if self.spool.pending():
            self.replay()
        return Finished(run_id, list(stored.output_paths), stored)

    def replay(self) -> list[str]:
        """Saves the spooled runs into the history; returns their ids (none while it is down)."""
        with self._replaying:
            try:
                return self.spool.replay(self.store)
            except Exception as error:
                logger.warning("the spool waits for the history: %s", type(error).__name__)
                return []

    def mark_interrupted(self, now: float | None = None) -> int:
        """Marks SENDING runs no live process can complete as interrupted; returns how many."""
        oldest = (time.time() if now is None else now) - LONGEST_RUN_S
        dead = [
            run_id
            for run_id, sender, created_at in self.store.sending_runs()
            if sender != self.lock.sender and (self.lock.is_dead(sender) or created_at < oldest)
        ]
        marked = self.store.mark_interrupted(dead) if dead else 0
        self.lock.forget_dead()
        if marked:
            logger.warning("%d run(s) interrupted by a stopped process marked in History", marked)
        return marked

    def keep(self) -> None:
        """One round of upkeep: the spool replayed, the dead processes' runs marked."""
        self.replay()
        try:
            self.mark_interrupted()
        except Exception as error:
            logger.warning("cannot mark interrupted runs yet: %s", type(error).__name__)

    def start(self, every_s: float = KEEP_EVERY_S) -> None:
        """Keeps the journal now, then every `every_s` seconds in the background."""
        self.keep()
        self._keeper = threading.Thread(target=self._keep_on, args=(every_s,), daemon=True)
        self._keeper.start()

    def _keep_on(self, every_s: float) -> None:
        while not self._stop.wait(every_s):
            self.keep()

    def close(self) -> None:
        self._stop.set()
        if self._keeper is not None:
            self._keeper.join(timeout=30)
        self.lock.close()
