"""A run as a zip to download: its images and a run.json, built when Download is clicked.

Built from the run already in hand (no second query) into a private temporary folder; the caller
removes it with `remove_export` once the file has been handed over, so exports never pile up.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from .store import RunDetail


def export_zip(run: RunDetail) -> Path:
    """A zip of the run's images and a run.json of its parameters, in a folder of its own."""
    folder = Path(tempfile.mkdtemp(prefix="run-export-"))
    archive = folder / f"run-{run.id}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as bundle:
        for role, paths in (("input", run.input_paths), ("output", run.output_paths)):
            for position, path in enumerate(paths, start=1):
                bundle.write(path, f"{role}s/{role}-{position}{path.suffix}")
        bundle.writestr("run.json", json.dumps(run_record(run), indent=2, ensure_ascii=False))
    return archive


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
        "inputs": [f"inputs/input-{i}{p.suffix}" for i, p in enumerate(run.input_paths, 1)],
        "outputs": [f"outputs/output-{i}{p.suffix}" for i, p in enumerate(run.output_paths, 1)],
    }
