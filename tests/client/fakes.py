"""A fake edits service behind MockTransport: records every request, answers from a script."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Callable

import httpx2
from PIL import Image

from client import ImageEditClient

KEY = "sk-unit-test-7f3a9c0e"
BASE_URL = "https://api.powertokens.ai/v1"
PUBLIC_IP = "93.184.216.34"


def png(colour=(200, 40, 40), size=(512, 512), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def success(n: int = 1, **item) -> httpx2.Response:
    data = [
        {"url": "", "b64_json": base64.b64encode(png()).decode(), "revised_prompt": "", **item}
        for _ in range(n)
    ]
    return httpx2.Response(
        200, json={"created": 1, "data": data, "metadata": {"request_id": "r-1"}}
    )


class FakeService:
    """Answers each request with the next scripted response (the last one repeats)."""

    def __init__(self, *responses: httpx2.Response | Callable[[httpx2.Request], httpx2.Response]):
        self.responses = list(responses) or [success()]
        self.requests: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.responses[min(len(self.requests), len(self.responses)) - 1]
        return answer(request) if callable(answer) else answer

    @property
    def posts(self) -> list[httpx2.Request]:
        return [request for request in self.requests if request.method == "POST"]

    def json_body(self, index: int = -1) -> dict:
        return json.loads(self.posts[index].content)


def resolve(host: str) -> list[str]:
    """Fake DNS: internal.* is private, mixed.* has a public and a private address."""
    if host.startswith("internal"):
        return ["10.0.0.7"]
    if host.startswith("mixed"):
        return [PUBLIC_IP, "192.168.1.20"]
    if host.startswith("unresolvable"):
        return []
    return [PUBLIC_IP]


def make_client(
    service: FakeService, sleeps: list[float] | None = None, **kwargs
) -> ImageEditClient:
    recorded = sleeps if sleeps is not None else []
    return ImageEditClient(
        api_key=KEY,
        base_url=BASE_URL,
        transport=httpx2.MockTransport(service),
        sleep=recorded.append,
        resolver=resolve,
        **kwargs,
    )


def edit_args(**overrides) -> dict:
    return {"model": "qwen-image-2.0-pro", "prompt": "make it snow", "images": [png()], **overrides}
