"""Runs that last: the store (SQLite + image files), its migrations, blobs, file modes, zip export,
links that share one run, edit threads (lineage), personal API tokens, team presets, the journal
of runs in flight and its spool.

Plain Python for the page and the benchmarks alike; nothing here imports gradio or the ui.
"""

from .export import export_zip, remove_export, run_record
from .journal import Finished, HistoryUnavailable, RunJournal
from .lineage import Tree, TreeNode, TreeShape
from .presets import Preset, PresetDraft, PresetRefused
from .shares import Share
from .store import INTERRUPTED, SENDING, HistoryStore, NewRun, RunDetail, RunSummary, carries_key
from .tokens import ApiToken, TokenIdentity, TokenRefused
from .usage import Usage

__all__ = [
    "INTERRUPTED",
    "SENDING",
    "ApiToken",
    "Finished",
    "HistoryStore",
    "HistoryUnavailable",
    "NewRun",
    "Preset",
    "PresetDraft",
    "PresetRefused",
    "RunDetail",
    "RunJournal",
    "RunSummary",
    "Share",
    "TokenIdentity",
    "TokenRefused",
    "Tree",
    "TreeNode",
    "TreeShape",
    "Usage",
    "carries_key",
    "export_zip",
    "remove_export",
    "run_record",
]
