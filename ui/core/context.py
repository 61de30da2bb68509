"""What every handler of the page needs, built once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from history import HistoryStore
from ui.core.backend import Backend
from ui.core.config import AppConfig
from ui.core.jobs import Jobs
from ui.core.owner import Owner, resolve_owner
from ui.core.runs import Runner
from ui.core.served_files import ServedCopies
from ui.core.session_usage import SessionUsage
from ui.core.shared_files import ShareCopies


@dataclass
class PageContext:
    config: AppConfig
    backend: Backend
    store: HistoryStore
    runner: Runner
    secret: bytes = field(repr=False)
    served: ServedCopies = field(default_factory=ServedCopies)
    shared: ShareCopies = field(default_factory=ShareCopies)
    jobs: Jobs = field(default_factory=Jobs)
    session_usage: SessionUsage = field(default_factory=SessionUsage)

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
