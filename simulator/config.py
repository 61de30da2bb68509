"""How a simulator instance behaves: its key, latency, URL lifetime and scripted faults."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour; each incoming edit request consumes the next one queued.

    A `status` of 400 or more answers with that error (in the gateway's envelope, DashScope's, or
    an HTML page); the other fields spoil an otherwise normal answer.
    """

    status: int | None = None
    code: str | None = None
    message: str | None = None
    retry_after: str | None = None
    retry_after_ms: int | None = None
    delay_s: float = 0.0
    malformed_json: bool = False
    truncate_b64: bool = False
    drop_images: int = 0
    expired_url: bool = False
    html_body: bool = False
    envelope: str = "gateway"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**data)


@dataclass(frozen=True)
class SimulatorConfig:
    """`api_key=None` accepts any non-empty Bearer token, like a demo gateway would."""

    api_key: str | None = None
    latency_s: float = 0.0
    per_image_latency_s: float = 0.0
    url_lifetime_s: float = 24 * 3600.0
    faults: Sequence[Fault] = ()
    enable_control: bool = False
    clock: Callable[[], float] = field(default=time.time, repr=False)
    max_stored_urls: int = 512
