"""Where edits go: the real API when a key is configured, else a simulator started in-process.

A visitor's own pasted key is kept in a `VisitorKey`, whose repr and str never show it, and used
only for that visitor's runs against the real API.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from client import ImageEditClient
from client.observer import CallObserver
from simulator import RunningServer, SimulatorConfig, create_app, serve
from ui.core.config import AppConfig

logger = logging.getLogger(__name__)


class VisitorKey:
    """A key a visitor pasted; lives only in their session's server state."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value.strip()

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "VisitorKey(***)"

    __str__ = __repr__

    def __deepcopy__(self, memo: dict) -> VisitorKey:
        return self


@dataclass
class Backend:
    name: str
    """"simulator" or "api": recorded with every run."""
    client: ImageEditClient
    api_base_url: str

    @property
    def banner_key(self) -> str:
        """The key in ui/core/texts.py of the banner that says where this app's runs go (in English
        and Chinese; a visitor's own key changes it for their page)."""
        return f"banner_{self.name}"

    simulator: RunningServer | None = None
    key: str | None = field(default=None, repr=False)
    """The configured key, kept to redact it from whatever a run records or shows."""
    observer: CallObserver | None = None
    """Told of every client's attempts and retries (the metrics, ui/ops/metrics.py)."""

    def keys_for(self, visitor_key: VisitorKey | None) -> list[str]:
        """Every key a run may meet: the configured one and the visitor's own."""
        return [k for k in (self.key, visitor_key.reveal() if visitor_key else None) if k]

    def client_for(self, visitor_key: VisitorKey | None) -> tuple[ImageEditClient, str, bool]:
        """(client, backend name, whether the caller must close it) for one run."""
        if visitor_key is None:
            return self.client, self.name, False
        return (
            ImageEditClient(
                api_key=visitor_key.reveal(), base_url=self.api_base_url, observer=self.observer
            ),
            "api",
            True,
        )

    def close(self) -> None:
        self.client.close()
        if self.simulator is not None:
            self.simulator.stop()


def start_backend(config: AppConfig, observer: CallObserver | None = None) -> Backend:
    if config.api_key:
        client = ImageEditClient(
            api_key=config.api_key, base_url=config.base_url, observer=observer
        )
        return Backend("api", client, config.base_url, key=config.api_key, observer=observer)
    server = serve(create_app(SimulatorConfig(latency_s=config.simulator_latency_s)))
    logger.info("no API key set: using the in-process simulator at %s", server.base_url)
    # any key opens the simulator; a random one never matches (and so never masks) real words
    client = ImageEditClient(
        api_key=f"simulator-{secrets.token_hex(8)}", base_url=server.base_url, observer=observer
    )
    return Backend("simulator", client, config.base_url, server, observer=observer)
