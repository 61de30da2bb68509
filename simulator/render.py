"""Draws the simulator's results: real PNGs of the requested size, visibly made from the inputs.

One input is cropped to the output's aspect and colour-graded; several are fused side by side.
Seed and index vary the grade and the layout, the same inputs give the same bytes, and the prompt
is printed on the picture so a person sees which run made it.
"""

from __future__ import annotations

import hashlib
import io
import textwrap

from PIL import Image, ImageDraw, ImageFont, ImageOps

BANNER_FRACTION = 0.16
GRADE_STRENGTH = 0.22


def render_result(
    inputs: list[Image.Image], prompt: str, seed: int, index: int, width: int, height: int
) -> bytes:
    """PNG bytes of result `index` (0-based) for these inputs, prompt, seed and size."""
    rng = _stream(inputs, prompt, seed, index)
    canvas = (
        _fuse(inputs, width, height, rng[0] % 2 == 1)
        if len(inputs) > 1
        else _single(inputs[0], width, height, mirror=index % 2 == 1)
    )
    canvas = _grade(canvas, (rng[1], rng[2], rng[3]))
    _caption(canvas, prompt, seed, index)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _stream(inputs: list[Image.Image], prompt: str, seed: int, index: int) -> bytes:
    digest = hashlib.sha256(f"{prompt}\0{seed}\0{index}".encode())
    for image in inputs:
        digest.update(image.resize((8, 8)).convert("RGB").tobytes())
    return digest.digest()


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image.convert("RGBA"), mask=image.convert("RGBA").getchannel("A"))
        return background
    return image.convert("RGB")


def _single(image: Image.Image, width: int, height: int, *, mirror: bool) -> Image.Image:
    fitted = ImageOps.fit(_rgb(image), (width, height), Image.Resampling.BILINEAR)
    return ImageOps.mirror(fitted) if mirror else fitted


def _fuse(inputs: list[Image.Image], width: int, height: int, reverse: bool) -> Image.Image:
    ordered = list(reversed(inputs)) if reverse else inputs
    canvas = Image.new("RGB", (width, height))
    count = len(ordered)
    for position, image in enumerate(ordered):
        left = position * width // count
        right = (position + 1) * width // count
        tile = ImageOps.fit(_rgb(image), (right - left, height), Image.Resampling.BILINEAR)
        canvas.paste(tile, (left, 0))
    return canvas


def _grade(image: Image.Image, tint: tuple[int, int, int]) -> Image.Image:
    return Image.blend(image, Image.new("RGB", image.size, tint), GRADE_STRENGTH)


def _caption(image: Image.Image, prompt: str, seed: int, index: int) -> None:
    width, height = image.size
    banner = max(24, int(height * BANNER_FRACTION))
    font_size = max(10, banner // 4)
    font = ImageFont.load_default(size=font_size)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - banner, width, height), fill=(0, 0, 0))
    columns = max(10, int(width / (font_size * 0.55)))
    lines = textwrap.wrap(prompt, columns)[:2] or [""]
    lines.append(f"simulator · seed {seed} · #{index + 1}")
    for line_number, line in enumerate(lines[-3:]):
        y = height - banner + 4 + line_number * (font_size + 2)
        draw.text((8, y), line, fill=(255, 255, 255), font=font)
