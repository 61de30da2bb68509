"""A run as a zip to download: its images and a run.json, built when Download is clicked.

Built from the run already in hand (no second query) into a private temporary folder (0700, the
zip 0600); the caller removes it with `remove_export` once the file has been handed over, so
exports never pile up. Each image keeps its stored extension, that of its real format.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from .permissions import FOLDER_MODE, open_new_private, tighten
from .store import RunDetail


def export_zip(run: RunDetail) -> Path:
    """A zip of the run's images and a run.json of its parameters, in a folder of its own."""
    folder = Path(tempfile.mkdtemp(prefix="run-export-"))
    tighten(folder, FOLDER_MODE)
    archive = folder / f"run-{run.id}.zip"
    with (
        os.fdopen(open_new_private(archive), "wb") as file,
        zipfile.ZipFile(file, "w", zipfile.ZIP_STORED) as bundle,
    ):
        for role, paths in (("input", run.input_paths), ("output", run.output_paths)):
            for name, path in zip(image_names(role, paths), paths, strict=True):
                bundle.write(path, name)
        bundle.writestr("run.json", json.dumps(run_record(run), indent=2, ensure_ascii=False))
    return archive


def image_names(role: str, paths: list[Path]) -> list[str]:
    """The names of a run's images of `role` inside the zip, numbered from 1, each with its
    stored file's extension (that of its real format: blobs.BROWSER_FORMATS)."""
    return [f"{role}s/{role}-{position}{path.suffix}" for position, path in enumerate(paths, 1)]


def remove_export(archive: str | Path | None) -> None:
    """Removes an export made by `export_zip` (its whole folder); anything else is left alone."""
    if not archive:
        return
    folder = Path(archive).parent
    if folder.name.startswith("run-export-") and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)


def run_record(run: RunDetail) -> dict[str, Any]:
    """What run.json holds: everything needed to run it again, nothing about who ran it."""
    return {
        "id": run.id,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(run.created_at)),
        "params": run.params,
        "status": run.status,
        "error": run.error,
        "elapsed_s": run.elapsed_s,
        "request_id": run.request_id,
        "backend": run.backend,
        "requested_n": run.requested_n,
        "revised_prompts": run.revised_prompts,
        "notes": run.notes,
        "lineage": {"root": run.root, "parent": run.parent, "result_index": run.result_index},
        "inputs": image_names("input", run.input_paths),
        "outputs": image_names("output", run.output_paths),
    }
