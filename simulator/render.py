"""Draws the simulator's results: real PNGs of the requested size, visibly made from the inputs.

One input is cropped to the output's aspect; several are fused into one picture (side by side, or
a grid past three); then the picture is painted (softened, fewer colours) and colour-graded. Seed
and index vary the grade and the layout, the same inputs give the same bytes, and the prompt is
printed on the picture so a person sees which run made it.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math

from PIL import Image, ImageDraw, ImageFont, ImageOps

BANNER_FRACTION = 0.16
GRADE_STRENGTH = 0.22
PAINT_REDUCTION = 4
PAINT_BITS = 4
CAPTION_PROMPT_LINES = 2
WIDE_FONTS = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansSC-Regular.otf",
    "wqy-microhei.ttc",
    "DroidSansFallbackFull.ttf",
)
"""Fonts with CJK glyphs, used when the system has one; otherwise Pillow's default font draws
what it can (missing glyphs show as boxes, never an error)."""

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


def render_result(
    inputs: list[Image.Image],
    prompt: str,
    seed: int,
    index: int,
    width: int,
    height: int,
    *,
    watermark: bool = False,
) -> bytes:
    """PNG bytes of result `index` (0-based) for these inputs, prompt, seed and size."""
    rng = _stream(inputs, prompt, seed, index)
    canvas = (
        _fuse(inputs, width, height, rotate=rng[0] % len(inputs))
        if len(inputs) > 1
        else _single(inputs[0], width, height, mirror=index % 2 == 1)
    )
    canvas = _grade(_paint(canvas), (rng[1], rng[2], rng[3]))
    _caption(canvas, prompt, seed, index)
    if watermark:
        _watermark(canvas)
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _paint(image: Image.Image) -> Image.Image:
    """A flat, painted look: softened, then fewer colour levels. The content stays recognisable,
    the result visibly differs from the input, and it encodes several times faster as PNG."""
    softened = image.reduce(PAINT_REDUCTION).resize(image.size, Image.Resampling.BILINEAR)
    return ImageOps.posterize(softened, PAINT_BITS)


def _stream(inputs: list[Image.Image], prompt: str, seed: int, index: int) -> bytes:
    digest = hashlib.sha256(f"{prompt}\0{seed}\0{index}".encode())
    for image in inputs:
        digest.update(_rgb(image).resize((8, 8)).tobytes())
    return digest.digest()


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _single(image: Image.Image, width: int, height: int, *, mirror: bool) -> Image.Image:
    fitted = ImageOps.fit(_rgb(image), (width, height), Image.Resampling.BILINEAR)
    return ImageOps.mirror(fitted) if mirror else fitted


def _fuse(inputs: list[Image.Image], width: int, height: int, rotate: int) -> Image.Image:
    """Tiles every input, starting with input `rotate`: one row up to three, then a grid."""
    ordered = inputs[rotate:] + inputs[:rotate]
    count = len(ordered)
    columns = count if count <= 3 else math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    canvas = Image.new("RGB", (width, height))
    for position, image in enumerate(ordered):
        row, column = divmod(position, columns)
        in_row = min(columns, count - row * columns)  # the last row's tiles widen to fill it
        left, right = column * width // in_row, (column + 1) * width // in_row
        top, bottom = row * height // rows, (row + 1) * height // rows
        tile = ImageOps.fit(_rgb(image), (right - left, bottom - top), Image.Resampling.BILINEAR)
        canvas.paste(tile, (left, top))
    return canvas


def _grade(image: Image.Image, tint: tuple[int, int, int]) -> Image.Image:
    return Image.blend(image, Image.new("RGB", image.size, tint), GRADE_STRENGTH)


@functools.lru_cache(maxsize=32)
def _font(size: int, wide: bool) -> Font:
    if wide:
        for name in WIDE_FONTS:
            try:
                return ImageFont.truetype(name, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def _caption(image: Image.Image, prompt: str, seed: int, index: int) -> None:
    width, height = image.size
    banner = max(24, int(height * BANNER_FRACTION))
    font_size = max(10, banner // 4)
    font = _font(font_size, wide=any(ord(char) > 0x2E7F for char in prompt))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - banner, width, height), fill=(0, 0, 0))
    lines = _wrap(draw, " ".join(prompt.split()), font, width - 16, CAPTION_PROMPT_LINES)
    lines.append(f"simulator · seed {seed} · #{index + 1}")
    for line_number, line in enumerate(lines):
        y = height - banner + 4 + line_number * (font_size + 2)
        draw.text((8, y), line, fill=(255, 255, 255), font=font)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: Font, width: int, max_lines: int
) -> list[str]:
    """Greedy wrap measured in pixels, breaking at spaces or, for CJK and long words, anywhere;
    text past `max_lines` is cut with an ellipsis."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines:
        low, high = 1, len(rest)  # the longest prefix that fits, by bisection
        while low < high:
            middle = (low + high + 1) // 2
            if draw.textlength(rest[:middle], font=font) <= width:
                low = middle
            else:
                high = middle - 1
        fit = low
        if fit < len(rest):
            space = rest.rfind(" ", 0, fit + 1)
            fit = space if space > 0 else fit
        lines.append(rest[:fit].rstrip())
        rest = rest[fit:].lstrip()
    if rest and lines:
        last = lines[-1]
        while last and draw.textlength(last + "…", font=font) > width:
            last = last[:-1]
        lines[-1] = last + "…"
    return lines


def _watermark(image: Image.Image) -> None:
    width, height = image.size
    font = _font(max(10, height // 40), wide=False)
    draw = ImageDraw.Draw(image)
    label = "AI generated · simulator"
    right = width - 8 - draw.textlength(label, font=font)
    draw.text((right, 8), label, fill=(255, 255, 255), font=font, stroke_width=1, stroke_fill=0)
