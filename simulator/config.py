"""How a simulator instance behaves: its key, latency, URL lifetime and scripted faults.

Plain frozen dataclasses, so a test or the app states a whole scenario in one constructor call;
a Fault also arrives as JSON over the control route and is checked field by field.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour; each incoming edit request consumes the next one queued.

    A `status` of 400 or more answers with that error (in the gateway's envelope, DashScope's, or
    an HTML page; `html_body` alone means a 502 page); the other fields spoil an otherwise normal
    answer: `drop_images` fewer results, `truncate_b64` the last base64 image cut short,
    `expired_url` links that are already dead, `malformed_json` half a body, `delay_s` a slow one.
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

    def __post_init__(self) -> None:
        if self.status is not None and not (type(self.status) is int and 100 <= self.status <= 599):
            raise ValueError(f"status must be an HTTP status code; got {self.status!r}")
        for name, kinds in _FIELD_TYPES.items():
            value = getattr(self, name)
            if not isinstance(value, kinds) or (kinds != (bool,) and isinstance(value, bool)):
                raise ValueError(f"{name} has the wrong type: {value!r}")
        if self.delay_s < 0 or self.drop_images < 0:
            raise ValueError("delay_s and drop_images cannot be negative")
        if self.envelope not in ENVELOPES:
            raise ValueError(f"envelope must be one of {', '.join(ENVELOPES)}")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fault:
        """A fault from its JSON form (the control route's), refusing unknown keys."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a fault is a JSON object; got {data!r}")
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**data)


ENVELOPES = ("gateway", "dashscope")
_NONE = type(None)
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "code": (str, _NONE),
    "message": (str, _NONE),
    "retry_after": (str, _NONE),
    "retry_after_ms": (int, _NONE),
    "delay_s": (int, float),
    "malformed_json": (bool,),
    "truncate_b64": (bool,),
    "drop_images": (int,),
    "expired_url": (bool,),
    "html_body": (bool,),
    "envelope": (str,),
}


@dataclass(frozen=True)
class SimulatorConfig:
    """How one simulator behaves. `api_key=None` accepts any non-empty Bearer token.

    `faults` are queued at start; more can be queued over the control routes, which exist only
    with `enable_control`.
    """

    api_key: str | None = None
    latency_s: float = 0.0
    per_image_latency_s: float = 0.0
    url_lifetime_s: float = 24 * 3600.0
    faults: Sequence[Fault] = ()
    enable_control: bool = False
    clock: Callable[[], float] = field(default=time.time, repr=False)
    """Seconds since the epoch; tests pass a controllable one to expire URLs without waiting."""
    max_stored_url_bytes: int = 256 * 1024 * 1024
    """Result files kept for `url` answers; past this the oldest are dropped (their URLs 404)."""
