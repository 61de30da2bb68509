"""Small builders for raw HTTP calls to a live simulator: images, bodies, control routes.

Shared by the simulator's own tests and the client's integration tests, so every test speaks
to the server the same way.
"""

from __future__ import annotations

import base64
import io
import time
from collections.abc import Callable, Mapping
from typing import Any

import httpx2
from PIL import Image

from simulator import Fault, RunningServer

KEY = "sk-test-key"
WAN = "wan2.7-image-pro"
QWEN = "qwen-image-2.0-pro"
AUTH = {"authorization": f"Bearer {KEY}"}
RED = (230, 20, 20)
BLUE = (20, 20, 230)
GREEN = (20, 200, 20)


def png(color: tuple[int, int, int] = RED, size: tuple[int, int] = (512, 512), fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def body(**overrides: Any) -> dict[str, Any]:
    """A valid JSON edit request (one red 512*512 input, b64 answer) with `overrides` applied."""
    fields: dict[str, Any] = {
        "model": "qwen-image-2.0-pro",
        "prompt": "make it snow",
        "image": data_uri(png()),
        "n": 1,
        "size": "512*512",
        "seed": 7,
        "response_format": "b64_json",
    }
    fields.update(overrides)
    return {name: value for name, value in fields.items() if value is not None}


def as_messages(flat: Mapping[str, Any]) -> dict[str, Any]:
    """The same request as `flat`, in the messages shape: images then the prompt as content items,
    extra.input beside `messages`, extra.parameters at the top level (written from the docs)."""
    fields = dict(flat)
    images = fields.pop("image", [])
    images = images if isinstance(images, list) else [images]
    prompt = fields.pop("prompt")
    extra = fields.pop("extra", {})
    content = [{"image": source} for source in images] + [{"text": prompt}]
    messages = [{"role": "user", "content": content}]
    return {
        **fields,
        **extra.get("parameters", {}),
        "input": {**extra.get("input", {}), "messages": messages},
    }


def post(server: RunningServer, json: Any = None, headers: Mapping[str, str] = AUTH, **kwargs):
    return httpx2.post(
        server.base_url + "/images/edits", json=json, headers=dict(headers), timeout=30, **kwargs
    )


def results(response: httpx2.Response) -> list[bytes]:
    """The PNG bytes of every b64_json item of a successful answer."""
    assert response.status_code == 200, response.text
    return [base64.b64decode(item["b64_json"]) for item in response.json()["data"]]


def image(data: bytes) -> Image.Image:
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def share_of(picture: Image.Image, color: tuple[int, int, int], tolerance: int = 70) -> float:
    """The fraction of pixels within `tolerance` of `color` on every channel (banner included)."""
    small = picture.convert("RGB").resize((64, 64), Image.Resampling.NEAREST)
    pixels = list(small.get_flattened_data())
    close = [
        p for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, color, strict=True))
    ]
    return len(close) / len(pixels)


def queue(server: RunningServer, *faults: Fault | Mapping[str, Any]) -> None:
    items = [vars(f) if isinstance(f, Fault) else dict(f) for f in faults]
    httpx2.post(server.origin + "/_simulator/faults", json=items).raise_for_status()


def received(server: RunningServer) -> list[dict[str, Any]]:
    """The edit requests the server has recorded since the test began, oldest first."""
    return httpx2.get(server.origin + "/_simulator/requests").json()["requests"]


def max_in_flight(server: RunningServer) -> int:
    """The most edit requests the server has held at once since the log was last cleared."""
    return httpx2.get(server.origin + "/_simulator/requests").json()["max_in_flight"]


def in_flight(server: RunningServer) -> int:
    return httpx2.get(server.origin + "/_simulator/requests").json()["in_flight"]


def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Polls `condition` (a server-side state, never a duration) until it holds."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "the server never reached the expected state"
        time.sleep(0.01)


def error_of(response: httpx2.Response) -> dict[str, Any]:
    """The gateway envelope's `error` object, after checking the envelope's shape."""
    payload = response.json()
    assert set(payload) == {"error"}, payload
    error = payload["error"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["type"], str) and error["type"]
    assert isinstance(error["code"], str) and error["code"]
    assert response.headers["x-request-id"]
    return error
