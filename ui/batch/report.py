"""What a batch did, to take away: a CSV with a row per item, and one zip of every input and
result with that CSV; no gradio. The CSV names each file as the zip holds it, so a spreadsheet
of the CSV and the unpacked zip read together.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import fields
from pathlib import Path, PurePosixPath

from ui.batch.engine import Batch, ItemState

CSV_NAME = "batch.csv"
CSV_COLUMNS = ("item", "name", "input_file", *(f.name for f in fields(ItemState)), "result_files")
"""An item's position (1-based), its name, its file in the zip, its state's every field (one
definition: ItemState), and its results' files in the zip."""


def input_file(position: int, name: str) -> str:
    """Where an item's input goes in the zip: numbered, so two items named alike stay two."""
    return f"inputs/{position:03d}-{PurePosixPath(name).name}"


def result_files(position: int, outputs: tuple[str, ...]) -> list[str]:
    return [
        f"results/{position:03d}-{k}{Path(path).suffix}" for k, path in enumerate(outputs, start=1)
    ]


def batch_csv(batch: Batch) -> str:
    """The CSV of what was done, a row per item in the order given."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for position, (item, state) in enumerate(zip(batch.items, batch.states, strict=True), start=1):
        values = [getattr(state, f.name) for f in fields(ItemState)]
        values = [" ".join(v) if isinstance(v, tuple) else ("" if v is None else v) for v in values]
        files = " ".join(result_files(position, state.outputs))
        writer.writerow([position, item.name, input_file(position, item.name), *values, files])
    return out.getvalue()


def batch_zip(batch: Batch, target: Path) -> Path:
    """Every input and result of the batch and its CSV in one zip at `target`."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as archive:
        for position, (item, state) in enumerate(
            zip(batch.items, batch.states, strict=True), start=1
        ):
            archive.write(item.path, input_file(position, item.name))
            for path, name in zip(
                state.outputs, result_files(position, state.outputs), strict=True
            ):
                if Path(path).is_file():
                    archive.write(path, name)
        archive.writestr(CSV_NAME, batch_csv(batch))
    return target
