"""Draws the simulator's results: real PNGs of the requested size, visibly made from the inputs.

One input is cropped to the output's aspect; several are fused into one picture (side by side, or
a grid past three); then the picture is painted (softened, fewer colours) and colour-graded. Seed
and index vary the grade and the layout, the same inputs give the same bytes, and the prompt is
printed on the picture so a person sees which run made it. Boxes given in an input's own pixels
(`bbox_list`) are outlined where that input landed, so a person sees which regions were asked for.
"""

from __future__ import annotations

import functools
import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps

BANNER_FRACTION = 0.16
GRADE_STRENGTH = 0.22
PAINT_REDUCTION = 4
PAINT_BITS = 4
CAPTION_PROMPT_LINES = 2
BOX_COLOUR = (255, 0, 255)
"""Pure magenta, drawn after the grade: a graded pixel is this only where the input and the tint
both are, so an outline stands out."""
BOX_LINE_PX = 4
CJK_FONTS = (
    "wqy-microhei.ttc",  # Debian's fonts-wqy-microhei: the one tests/install_packages.py installs
    "wqy-zenhei.ttc",
    "NotoSansCJK-Regular.ttc",
    "NotoSansSC-Regular.otf",
    "DroidSansFallbackFull.ttf",
    "PingFang.ttc",  # macOS
    "Hiragino Sans GB.ttc",  # macOS
    "msyh.ttc",  # Windows: Microsoft YaHei
    "simsun.ttc",  # Windows
)
"""Fonts with CJK glyphs, by file name: Pillow looks for each in the system's font folders
(/usr/share/fonts and XDG_DATA_DIRS, the macOS and Windows font folders). When none is there,
Pillow's default font draws what it can: CJK shows as boxes, never an error."""

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Box = tuple[float, float, float, float]
"""left, top, right, bottom"""
BoxList = Sequence[Sequence[Sequence[int]]]
"""For each input in order, its [x1, y1, x2, y2] boxes in that input's pixels."""


@dataclass(frozen=True)
class Placement:
    """Where one input lands in the result: the part of it used (`crop`, in its pixels) fills
    `target` (in the result's pixels), mirrored left to right within the result or not."""

    crop: Box
    target: tuple[int, int, int, int]
    mirrored_in: int | None = None
    """The result's width when the whole result is mirrored, else None."""

    @property
    def target_size(self) -> tuple[int, int]:
        left, top, right, bottom = self.target
        return right - left, bottom - top

    def map_box(self, box: Sequence[int]) -> Box | None:
        """`box` in the input's pixels as a rectangle of the result, cut to where the input
        shows; None when the crop left all of it out."""
        left, top, right, bottom = self.target
        crop_left, crop_top, crop_right, crop_bottom = self.crop
        scale_x = (right - left) / (crop_right - crop_left)
        scale_y = (bottom - top) / (crop_bottom - crop_top)
        x1, y1, x2, y2 = box
        x1, x2 = (max(left, min(right, left + (x - crop_left) * scale_x)) for x in (x1, x2))
        y1, y2 = (max(top, min(bottom, top + (y - crop_top) * scale_y)) for y in (y1, y2))
        if x2 <= x1 or y2 <= y1:
            return None
        if self.mirrored_in is not None:
            x1, x2 = self.mirrored_in - x2, self.mirrored_in - x1
        return x1, y1, x2, y2


def render_result(
    inputs: list[Image.Image],
    prompt: str,
    seed: int,
    index: int,
    width: int,
    height: int,
    *,
    watermark: bool = False,
    boxes: BoxList | None = None,
) -> bytes:
    """PNG bytes of result `index` (0-based) for these inputs, prompt, seed and size; `boxes`
    (one list per input) are outlined where their input landed."""
    rng = _stream(inputs, prompt, seed, index)
    placements = (
        _tiles([image.size for image in inputs], width, height, rotate=rng[0] % len(inputs))
        if len(inputs) > 1
        else [_whole(inputs[0].size, width, height, mirror=index % 2 == 1)]
    )
    canvas = _compose(inputs, placements, width, height)
    canvas = _grade(_paint(canvas), (rng[1], rng[2], rng[3]))
    _caption(canvas, prompt, seed, index)
    if boxes:
        _outline(canvas, placements, boxes)
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
    """Bytes that vary the grade and layout; boxes are left out, so outlining regions changes
    nothing else in the picture."""
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


def _centred_crop(source: tuple[int, int], target: tuple[int, int]) -> Box:
    """The largest centred part of `source` with `target`'s aspect (ImageOps.fit's crop)."""
    source_width, source_height = source
    ratio = target[0] / target[1]
    if source_width / source_height >= ratio:
        crop_width, crop_height = ratio * source_height, float(source_height)
    else:
        crop_width, crop_height = float(source_width), source_width / ratio
    left = (source_width - crop_width) / 2
    top = (source_height - crop_height) / 2
    return left, top, left + crop_width, top + crop_height


def _whole(source: tuple[int, int], width: int, height: int, *, mirror: bool) -> Placement:
    """A single input fills the result, mirrored for every second result."""
    return Placement(
        _centred_crop(source, (width, height)), (0, 0, width, height), width if mirror else None
    )


def _tiles(sources: list[tuple[int, int]], width: int, height: int, rotate: int) -> list[Placement]:
    """Each input's tile, in input order; tiling starts with input `rotate`: one row up to
    three, then a grid whose last row's tiles widen to fill it."""
    count = len(sources)
    columns = count if count <= 3 else math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    placements = []
    for input_index, source in enumerate(sources):
        row, column = divmod((input_index - rotate) % count, columns)
        in_row = min(columns, count - row * columns)
        left, right = column * width // in_row, (column + 1) * width // in_row
        top, bottom = row * height // rows, (row + 1) * height // rows
        crop = _centred_crop(source, (right - left, bottom - top))
        placements.append(Placement(crop, (left, top, right, bottom)))
    return placements


def _compose(
    inputs: list[Image.Image], placements: list[Placement], width: int, height: int
) -> Image.Image:
    canvas = Image.new("RGB", (width, height))
    for image, placement in zip(inputs, placements, strict=True):
        tile = _rgb(image).resize(
            placement.target_size, Image.Resampling.BILINEAR, box=placement.crop
        )
        if placement.mirrored_in is not None:
            tile = ImageOps.mirror(tile)
        canvas.paste(tile, placement.target[:2])
    return canvas


def _grade(image: Image.Image, tint: tuple[int, int, int]) -> Image.Image:
    return Image.blend(image, Image.new("RGB", image.size, tint), GRADE_STRENGTH)


def _outline(image: Image.Image, placements: list[Placement], boxes: BoxList) -> None:
    """Outlines every input's boxes where that input shows in the result."""
    draw = ImageDraw.Draw(image)
    for placement, input_boxes in zip(placements, boxes, strict=True):
        for box in input_boxes:
            mapped = placement.map_box(box)
            if mapped is not None:
                x1, y1, x2, y2 = (round(value) for value in mapped)
                corners = (x1, y1, max(x1, x2 - 1), max(y1, y2 - 1))  # x2, y2 are edges
                draw.rectangle(corners, outline=BOX_COLOUR, width=BOX_LINE_PX)


@functools.cache
def cjk_font_path() -> str | None:
    """The file of the first CJK font of CJK_FONTS the system has, else None (looked up once)."""
    for name in CJK_FONTS:
        try:
            return ImageFont.truetype(name, 12).path
        except OSError:
            continue
    return None


@functools.lru_cache(maxsize=32)
def _font(size: int, wide: bool) -> Font:
    path = cjk_font_path() if wide else None
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


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
