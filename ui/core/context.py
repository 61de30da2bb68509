"""What every handler of the page needs, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gradio.utils import get_upload_folder

from history import HistoryStore
from ui.core.backend import Backend
from ui.core.config import AppConfig
from ui.core.gallery import gallery_paths
from ui.core.jobs import Jobs
from ui.core.owner import Owner, resolve_owner
from ui.core.picture_gate import GATE_FOLDER, PictureGate
from ui.core.runs import Runner
from ui.core.served_files import UploadCopies
from ui.core.session_usage import SessionUsage


@dataclass
class PageContext:
    config: AppConfig
    backend: Backend
    store: HistoryStore
    runner: Runner
    secret: bytes = field(repr=False)
    uploads: UploadCopies = field(default_factory=UploadCopies)
    jobs: Jobs = field(default_factory=Jobs)
    session_usage: SessionUsage = field(default_factory=SessionUsage)
    gate: PictureGate = field(init=False)
    """Every picture of a run the page shows goes through it (picture_gate.py)."""

    def __post_init__(self) -> None:
        root = Path(get_upload_folder()) / GATE_FOLDER
        self.gate = PictureGate(self.store, root, self.secret, self.shared_history)

    @property
    def edit_queue(self) -> dict[str, Any]:
        """Gradio's options that queue an event with the edits, in one group shared by Run,
        Compare and the endpoints (AppConfig.edit_workers at once; the Runner's fair slots
        bound what is sent)."""
        return {"concurrency_limit": self.config.edit_workers, "concurrency_id": "edit"}

    @property
    def shared_history(self) -> bool:
        return self.config.history_scope == "shared"

    def owner(self, request: object) -> Owner:
        return resolve_owner(request, self.secret)

    def visible_to(self, owner: Owner) -> str | None:
        """The owner filter for reading history: nobody's in the shared scope, else their own."""
        return None if self.shared_history else owner.id

    def input_files(self, images: Any, request: Any) -> list[str]:
        """The files behind the editor's inputs (a Gallery or File value) that the sender of
        `request` may read: a run's picture through the gate's check, an upload as it is."""
        return self.gate.readable(gallery_paths(images), self.owner(request))
