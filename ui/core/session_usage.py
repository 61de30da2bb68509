"""What each page session made since it was opened: its own tally, in memory.

A session is one page load (Gradio's session hash; an API client's own); a reload starts a new
one. The tally counts what the service returned to the session's runs, also after Stop, and
keeps counting it when the history later evicts or deletes the run. Only the newest sessions
are remembered, so memory stays bounded however many visitors come.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from history import Usage
from ui.core.runs import RunOutcome

MAX_SESSIONS = 10_000


def session_of(request: Any, owner_id: str) -> str:
    """The session a request belongs to (its owner when it has none, as for a direct call)."""
    return getattr(request, "session_hash", None) or owner_id


class SessionUsage:
    def __init__(self, max_sessions: int = MAX_SESSIONS) -> None:
        self._lock = threading.Lock()
        self._tallies: OrderedDict[str, Usage] = OrderedDict()
        self._max = max_sessions

    def record(self, session: str, model: str, images: int) -> None:
        with self._lock:
            self._tallies[session] = self._tallies.get(session, Usage()).plus(model, images)
            self._tallies.move_to_end(session)
            while len(self._tallies) > self._max:
                self._tallies.popitem(last=False)

    def counted(self, session: str, outcome: RunOutcome) -> RunOutcome:
        """Records a finished run's outcome and hands it back."""
        self.record(session, outcome.params.model, len(outcome.output_paths))
        return outcome

    def of(self, session: str) -> Usage:
        with self._lock:
            return self._tallies.get(session, Usage())
