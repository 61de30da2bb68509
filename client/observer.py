"""A hook for whoever watches the client's calls (the app's metrics, ui/ops/metrics.py).

The client depends on no metrics library: it tells an observer of each attempt at the edits
endpoint (its status and how long it took) and of each retry it decides on. The base class
does nothing, so a client without an observer behaves as before.
"""

from __future__ import annotations


class CallObserver:
    """Told of the client's attempts and retries; subclass it and override what you count."""

    def attempted(self, status: int | None, seconds: float) -> None:
        """One POST to the edits endpoint ended: its HTTP status (None when no answer came) and
        the seconds from sending it to having read its whole answer."""

    def retrying(self, reason: str) -> None:
        """The client will send the request again: `reason` is the refusal's status ("429",
        "503") or "connection" (it failed before it was sent in full)."""


NO_OBSERVER = CallObserver()
