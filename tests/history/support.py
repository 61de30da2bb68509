"""Small runs and images for the history tests."""

from __future__ import annotations

import io

from PIL import Image

from client.params import PARAM_NAMES, EditParams
from history import NewRun


def image_bytes(seed: int, size: int = 48) -> bytes:
    """A distinct small PNG per seed."""
    buffer = io.BytesIO()
    colour = (seed * 37 % 256, seed * 91 % 256, seed * 53 % 256)
    image = Image.new("RGB", (size, size), colour)
    image.putpixel((seed % size, (seed // size) % size), (255 - colour[0], 0, 0))
    image.save(buffer, "PNG")
    return buffer.getvalue()


def new_run(owner: str = "anon:alice", prompt: str = "make it snow", **overrides) -> NewRun:
    """A finished run; overrides name either an edit parameter (model, seed, ...) or a field of
    NewRun."""
    params = {
        "prompt": prompt,
        "seed": 7,
        **{k: v for k, v in overrides.items() if k in PARAM_NAMES},
    }
    values = {
        "owner": owner,
        "params": EditParams(**params).as_dict(),
        "input_images": [image_bytes(1)],
        "output_images": [image_bytes(2)],
        "status": "ok",
        "backend": "simulator",
    }
    values.update({k: v for k, v in overrides.items() if k not in PARAM_NAMES})
    return NewRun(**values)
