"""Runs that last: the store (SQLite + image files), its migrations, blobs, file modes, zip export.

Plain Python for the page and the benchmarks alike; nothing here imports gradio or the ui.
"""

from .export import export_zip, remove_export, run_record
from .store import HistoryStore, NewRun, RunDetail, RunSummary, carries_key

__all__ = [
    "HistoryStore",
    "NewRun",
    "RunDetail",
    "RunSummary",
    "carries_key",
    "export_zip",
    "remove_export",
    "run_record",
]
