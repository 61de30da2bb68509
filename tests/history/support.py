"""Small runs and images for the history tests."""

from __future__ import annotations

import io

from PIL import Image

from ui.history_store import NewRun


def image_bytes(seed: int, size: int = 48) -> bytes:
    """A distinct small PNG per seed."""
    buffer = io.BytesIO()
    colour = (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256)
    image = Image.new("RGB", (size, size), colour)
    image.putpixel((seed % size, (seed // size) % size), (255 - colour[0], 0, 0))
    image.save(buffer, "PNG")
    return buffer.getvalue()


def new_run(owner: str = "anon:alice", prompt: str = "make it snow", **overrides) -> NewRun:
    values = {
        "owner": owner,
        "model": "qwen-image-2.0-pro",
        "prompt": prompt,
        "params": {"n": 1, "size": "1024*1024", "seed": 7, "encoding": "json"},
        "input_images": [image_bytes(1)],
        "output_images": [image_bytes(2)],
        "status": "ok",
        "backend": "simulator",
        "requested_n": 1,
        "seed": 7,
    }
    values.update(overrides)
    return NewRun(**values)
