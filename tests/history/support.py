"""Small runs and images for the history tests."""

from __future__ import annotations

import io
import random

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


def noise_image(seed: int, size: tuple[int, int] = (40, 30), mode: str = "RGB") -> Image.Image:
    """Random pixels: every one matters, and the image barely compresses (its PNG is about
    width * height * channels bytes), so tests can size runs in bytes."""
    channels = len(mode)
    data = random.Random(seed).randbytes(size[0] * size[1] * channels)
    return Image.frombytes(mode, size, data)


def encoded(image: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def noise_bytes(seed: int, side: int) -> bytes:
    """A PNG of random pixels, about 3 * side * side bytes."""
    return encoded(noise_image(seed, (side, side)), "PNG")


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
