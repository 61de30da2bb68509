"""Answers kept on this machine while the history cannot take them, until it can.

When completing a run fails (PostgreSQL stopped, a full or failing disk, the bucket away), the
service has answered and billed: its answer must not be lost. It is written here, one folder per
run named by its run id (HISTORY_DIR/spool/<id>/: run.json and the images' exact bytes), made
complete in a temporary folder (each file fsynced) and renamed into place, so a crash leaves a
whole entry or none. `replay` saves each entry under its run id (`HistoryStore.save_run(run,
run_id)`), then removes it; saving the same id again changes nothing, so a crash between the two
costs nothing and no run is saved twice. Everything here is private (permissions.py).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import re
import shutil
from pathlib import Path
from typing import Any

from .images import browser_image
from .permissions import FOLDER_MODE, make_folder, open_new_private, private_folder, tighten
from .store import HistoryStore, NewRun, RunDeleted, check_savable

logger = logging.getLogger(__name__)

SPOOL_FOLDER = "spool"
RECORD_NAME = "run.json"
IMAGE_FIELDS = {"input_images": "input", "output_images": "output"}
"""NewRun's fields holding images, and the name their files start with."""
RUN_ID = re.compile(r"[0-9a-f]{33}")
"""What a run id looks like (store.new_run_id): an entry's folder name, nothing else."""


class Spool:
    def __init__(self, directory: Path) -> None:
        """The spool inside the history's folder `directory`."""
        self.folder = Path(directory) / SPOOL_FOLDER
        private_folder(self.folder)

    def keep(self, run_id: str, run: NewRun) -> list[Path]:
        """Writes the run (a completed run, whose row could not be written) for `replay`;
        returns its results' files, to show the visitor meanwhile."""
        check_savable(run)  # never a key on disk, not even here
        if not RUN_ID.fullmatch(run_id):
            raise ValueError("not a run id")
        temporary = self.folder / f".{run_id}.{os.getpid()}.tmp"
        shutil.rmtree(temporary, ignore_errors=True)
        make_folder(temporary)
        record: dict[str, Any] = {"run_id": run_id, "run": plain_fields(run)}
        for field, prefix in IMAGE_FIELDS.items():
            record[field] = [
                write_image(temporary, f"{prefix}-{position}", data)
                for position, data in enumerate(getattr(run, field), start=1)
            ]
        write_file(temporary / RECORD_NAME, json.dumps(record).encode())
        sync_folder(temporary)
        target = self.folder / run_id
        shutil.rmtree(target, ignore_errors=True)  # an older entry of the same run: replaced
        os.replace(temporary, target)
        sync_folder(self.folder)
        return [target / name for name in record["output_images"]]

    def pending(self) -> list[str]:
        """The run ids waiting to be saved, oldest first."""
        return sorted(entry.name for entry in self.folder.iterdir() if RUN_ID.fullmatch(entry.name))

    def read(self, run_id: str) -> NewRun:
        folder = self.folder / run_id
        record = json.loads((folder / RECORD_NAME).read_bytes())
        images = {
            field: [(folder / name).read_bytes() for name in record[field]]
            for field in IMAGE_FIELDS
        }
        return NewRun(**record["run"], **images)

    def replay(self, store: HistoryStore) -> list[str]:
        """Saves every entry into `store` under its run id and removes it; returns the ids
        saved. Stops at the first entry the store cannot take (it is down still: the next
        replay tries again); an entry that cannot be read is set aside and logged."""
        saved = []
        for run_id in self.pending():
            try:
                run = self.read(run_id)
            except (OSError, ValueError, TypeError, KeyError) as error:
                logger.error("spooled run %s cannot be read (%s); set aside", run_id, error)
                os.replace(self.folder / run_id, self.folder / f"{run_id}.unreadable")
                continue
            try:
                store.save_run(run, run_id)
            except RunDeleted:
                logger.info("spooled run %s was deleted meanwhile; dropped", run_id)
            else:
                saved.append(run_id)
            shutil.rmtree(self.folder / run_id, ignore_errors=True)
        return saved


def plain_fields(run: NewRun) -> dict[str, Any]:
    """The run's fields that JSON holds as they are (every one but its images)."""
    return {
        field.name: list(value) if isinstance(value, tuple) else value
        for field in dataclasses.fields(run)
        if field.name not in IMAGE_FIELDS
        for value in [getattr(run, field.name)]
    }


def write_image(folder: Path, stem: str, data: bytes) -> str:
    """The image under `stem` with the extension of a format browsers show (the page shows it
    from here until it is replayed); returns its file's name."""
    stored, ext, _size = browser_image(data)
    name = f"{stem}.{ext}"
    write_file(folder / name, stored)
    return name


def write_file(path: Path, data: bytes) -> None:
    with open(open_new_private(path), "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def sync_folder(folder: Path) -> None:
    tighten(folder, FOLDER_MODE)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
