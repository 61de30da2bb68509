"""A fake edits service behind MockTransport: records every request, answers from a script."""

from __future__ import annotations

import base64
import functools
import io
import json
import struct
import zlib
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


@functools.cache
def png_claiming(width: int, height: int) -> bytes:
    """A complete, valid PNG of `width`×`height` black-and-white pixels, made row by row so a
    20000×20000 one costs 50 kB and no memory: decoding it is what would cost gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def b64(image: bytes) -> str:
    return base64.b64encode(image).decode()


def success_body(n: int = 1, **item) -> dict:
    """A successful reply with `n` inline images (fields of each overridden by `item`)."""
    data = [{"url": "", "b64_json": b64(png()), "revised_prompt": "", **item} for _ in range(n)]
    return {"created": 1, "data": data, "metadata": {"request_id": "r-1"}}


def success(n: int = 1, **item) -> httpx2.Response:
    return httpx2.Response(200, json=success_body(n, **item))


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


def named_url(request: httpx2.Request) -> str:
    """The URL a download asked for by name: a pinned request goes to the checked IP address and
    carries the name in its Host header."""
    return str(request.url.copy_with(netloc=request.headers["host"].encode("ascii")))


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
