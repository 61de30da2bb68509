"""Draws the example images with Pillow: `python -m examples.make` writes them beside this file.

Each picture is made of shapes and gradients, drawn at twice its size and scaled down so the
edges are smooth, and saved small (well under 60 KB). The images are committed; run this again
only to change them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
SCALE = 2
"""Drawn at this multiple of the final size, then scaled down: smooth edges for free."""
JPEG_QUALITY = 86

Colour = tuple[int, int, int]
GINGER, GINGER_DARK = (230, 146, 64), (186, 98, 36)


def mix(start: Colour, end: Colour, share: float) -> Colour:
    """The colour `share` (0 to 1) of the way from `start` to `end`."""
    return tuple(round(a + (b - a) * share) for a, b in zip(start, end, strict=True))


def gradient(size: tuple[int, int], top: Colour, bottom: Colour) -> Image.Image:
    """A vertical gradient from `top` to `bottom`."""
    height = size[1]
    column = Image.new("RGB", (1, height))
    for y in range(height):
        column.putpixel((0, y), mix(top, bottom, y / max(height - 1, 1)))
    return column.resize(size)


def paste_gradient(
    canvas: Image.Image, box: tuple[int, int, int, int], top: Colour, bottom: Colour, mask=None
) -> None:
    """Fills `box` of `canvas` with a vertical gradient, through `mask` when given."""
    x1, y1, x2, y2 = box
    canvas.paste(gradient((x2 - x1, y2 - y1), top, bottom), (x1, y1), mask)


def shape_mask(size: tuple[int, int], draw_shape: Callable[[ImageDraw.ImageDraw], None]):
    """A mask of `size` with the shapes `draw_shape` draws in white."""
    mask = Image.new("L", size, 0)
    draw_shape(ImageDraw.Draw(mask))
    return mask


def soft_ellipse(
    canvas: Image.Image, box: tuple, colour: Colour, strength: int, blur: float
) -> None:
    """A blurred ellipse over `canvas`: a glow or a shadow; `strength` 0-255 is its opacity."""
    mask = shape_mask(canvas.size, lambda d: d.ellipse(box, fill=strength))
    canvas.paste(colour, (0, 0), mask.filter(ImageFilter.GaussianBlur(blur)))


def hill(width: int, base: int, height: int, waves: float, phase: float) -> list[tuple]:
    """The outline of a rolling hill across `width`, its top around `base - height`."""
    top = [
        (x, base - height * (0.6 + 0.4 * math.sin(x / width * waves * math.pi + phase)))
        for x in range(0, width + 1, 8)
    ]
    return [*top, (width, 10_000), (0, 10_000)]


def draw_landscape(size: tuple[int, int]) -> Image.Image:
    """A house with a red roof on a green hill, a tree, a path, hills and a sun in a clear sky."""
    width, height = size
    image = gradient(size, (88, 148, 214), (250, 214, 170))
    draw = ImageDraw.Draw(image)
    sun = (width * 0.78, height * 0.24)
    soft_ellipse(image, _around(sun, width * 0.09), (255, 240, 200), 170, width * 0.03)
    draw.ellipse(_around(sun, width * 0.05), fill=(255, 236, 170))
    for x, y, r in ((0.18, 0.16, 0.05), (0.26, 0.14, 0.06), (0.34, 0.17, 0.045)):
        draw.ellipse(_around((width * x, height * y), width * r, 0.55), fill=(250, 250, 255))
    draw.polygon(hill(width, int(height * 0.62), height * 0.16, 3, 0.8), fill=(112, 150, 150))
    near = shape_mask(
        size, lambda d: d.polygon(hill(width, int(height * 0.74), height * 0.1, 1.5, 2.2), fill=255)
    )
    paste_gradient(image, (0, 0, width, height), (124, 190, 90), (54, 120, 48), near)
    _house(draw, left=width * 0.36, ground=height * 0.74, unit=width * 0.05)
    _tree(draw, x=width * 0.74, ground=height * 0.76, unit=width * 0.05)
    path = [
        (width * 0.46, height * 0.74),
        (width * 0.5, height * 0.74),
        (width * 0.62, height),
        (width * 0.38, height),
    ]
    draw.polygon(path, fill=(196, 170, 120))
    return image


def _house(draw: ImageDraw.ImageDraw, left: float, ground: float, unit: float) -> None:
    right, eaves, ridge = left + 5 * unit, ground - 3.2 * unit, ground - 5.6 * unit
    draw.rectangle(
        (left + 3.6 * unit, ridge + 0.4 * unit, left + 4.2 * unit, eaves), fill=(120, 60, 50)
    )
    draw.rectangle((left, eaves, right, ground), fill=(246, 232, 200))
    draw.polygon(
        [(left - 0.5 * unit, eaves), ((left + right) / 2, ridge), (right + 0.5 * unit, eaves)],
        fill=(178, 52, 40),
    )
    draw.rectangle(
        (left + 2.1 * unit, ground - 1.9 * unit, left + 2.9 * unit, ground), fill=(110, 70, 40)
    )
    for x in (left + 0.6 * unit, left + 3.5 * unit):
        window = (x, eaves + 0.7 * unit, x + 0.9 * unit, eaves + 1.6 * unit)
        draw.rectangle(
            window, fill=(150, 200, 235), outline=(255, 255, 255), width=int(unit * 0.12)
        )
        middle_x, middle_y = (window[0] + window[2]) / 2, (window[1] + window[3]) / 2
        draw.line(
            (middle_x, window[1], middle_x, window[3]), fill=(255, 255, 255), width=int(unit * 0.08)
        )
        draw.line(
            (window[0], middle_y, window[2], middle_y), fill=(255, 255, 255), width=int(unit * 0.08)
        )


def _tree(draw: ImageDraw.ImageDraw, x: float, ground: float, unit: float) -> None:
    draw.rectangle(
        (x - 0.25 * unit, ground - 2.4 * unit, x + 0.25 * unit, ground), fill=(110, 74, 44)
    )
    for dx, dy, r in ((0, -3.6, 1.4), (-0.9, -2.8, 1.0), (0.9, -2.8, 1.0), (0, -2.5, 1.1)):
        draw.ellipse(_around((x + dx * unit, ground + dy * unit), r * unit), fill=(46, 112, 52))


def draw_cat(size: tuple[int, int]) -> Image.Image:
    """A ginger cat sitting on a round red rug in front of a warm wall."""
    width, height = size
    image = gradient(size, (244, 226, 196), (214, 184, 150))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 0.72, width, height), fill=(160, 112, 76))
    rug = (width * 0.08, height * 0.76, width * 0.92, height * 0.96)
    draw.ellipse(rug, fill=(176, 46, 52))
    draw.ellipse(_shrink(rug, width * 0.04), outline=(240, 200, 110), width=int(width * 0.012))
    _cat_body(draw, width, height)
    _cat_head(draw, width, height)
    _cat_face(draw, width, height)
    return image


def _cat_body(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    cx, ginger = width * 0.5, GINGER
    tail = (cx + width * 0.05, height * 0.6, cx + width * 0.4, height * 0.88)
    draw.arc(tail, 200, 350, fill=ginger, width=int(width * 0.06))
    draw.ellipse((cx - width * 0.22, height * 0.44, cx + width * 0.22, height * 0.88), fill=ginger)
    draw.ellipse(
        (cx - width * 0.12, height * 0.56, cx + width * 0.12, height * 0.84), fill=(250, 226, 190)
    )
    for side in (-1, 1):
        paw = cx + side * width * 0.09
        draw.ellipse(_around((paw, height * 0.87), width * 0.07, 0.55), fill=ginger)


def _cat_head(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    cx, ginger = width * 0.5, GINGER
    for side in (-1, 1):
        ear = [
            (cx + side * width * 0.07, height * 0.26),
            (cx + side * width * 0.2, height * 0.14),
            (cx + side * width * 0.21, height * 0.32),
        ]
        draw.polygon(ear, fill=ginger)
        inner = [
            (ear[0][0] + side * width * 0.03, ear[0][1] + 4),
            ear[1],
            (ear[2][0] - side * 6, ear[2][1] - 10),
        ]
        draw.polygon(_towards(inner, ear[1], 0.25), fill=(240, 160, 160))
    draw.ellipse(_around((cx, height * 0.36), width * 0.2, 0.85), fill=ginger)
    for dx in (-0.05, 0, 0.05):
        x = cx + dx * width
        draw.line((x, height * 0.22, x, height * 0.27), fill=GINGER_DARK, width=int(width * 0.015))


def _cat_face(draw: ImageDraw.ImageDraw, width: int, height: int) -> None:
    cx = width * 0.5
    for side in (-1, 1):
        eye = (cx + side * width * 0.075, height * 0.34)
        draw.ellipse(_around(eye, width * 0.04, 0.75), fill=(120, 190, 80))
        draw.ellipse(_around(eye, width * 0.012, 2.2), fill=(20, 20, 20))
        for dy in (-0.012, 0.0, 0.012):
            start = (cx + side * width * 0.06, height * (0.405 + dy))
            draw.line(
                (*start, cx + side * width * 0.26, height * (0.39 + dy * 3)),
                fill=(90, 60, 40),
                width=2,
            )
    nose = [
        (cx - width * 0.022, height * 0.385),
        (cx + width * 0.022, height * 0.385),
        (cx, height * 0.405),
    ]
    draw.polygon(nose, fill=(220, 110, 120))
    for left in (cx - width * 0.04, cx):
        mouth = (left, height * 0.39, left + width * 0.04, height * 0.43)
        draw.arc(mouth, 20, 160, fill=GINGER_DARK, width=3)


def draw_hat(size: tuple[int, int]) -> Image.Image:
    """A wide-brimmed straw sun hat with a navy ribbon and bow, on a pale backdrop."""
    width, height = size
    image = gradient(size, (236, 240, 246), (206, 214, 226))
    draw = ImageDraw.Draw(image)
    cx = width * 0.5
    shadow = _around((cx, height * 0.7), width * 0.42, 0.22)
    soft_ellipse(image, shadow, (150, 156, 170), 120, width * 0.02)
    straw_light, straw_dark = (238, 206, 130), (196, 154, 76)
    brim = _around((cx, height * 0.6), width * 0.44, 0.3)
    brim_mask = shape_mask(size, lambda d: d.ellipse(brim, fill=255))
    paste_gradient(image, (0, 0, width, height), straw_light, straw_dark, brim_mask)
    for k in range(1, 5):
        draw.ellipse(_shrink(brim, width * 0.045 * k, 0.3), outline=straw_dark, width=2)
    crown = (cx - width * 0.2, height * 0.26, cx + width * 0.2, height * 0.68)
    crown_mask = shape_mask(
        size,
        lambda d: (
            d.chord(crown, 180, 360, fill=255),
            d.rectangle((crown[0], (crown[1] + crown[3]) / 2, crown[2], height * 0.6), fill=255),
        ),
    )
    paste_gradient(image, (0, 0, width, height), (246, 220, 150), straw_dark, crown_mask)
    band = (crown[0], height * 0.49, crown[2], height * 0.56)
    draw.rectangle(band, fill=(34, 52, 110))
    _bow(draw, knot=(cx + width * 0.12, (band[1] + band[3]) / 2), unit=width)
    return image


def _bow(draw: ImageDraw.ImageDraw, knot: tuple[float, float], unit: float) -> None:
    """A ribbon bow tied at `knot`: two loops, two hanging ends; `unit` scales it."""
    for side in (-1, 1):
        loop = [
            knot,
            (knot[0] + side * unit * 0.07, knot[1] - unit * 0.05),
            (knot[0] + side * unit * 0.07, knot[1] + unit * 0.05),
        ]
        draw.polygon(loop, fill=(48, 70, 140))
        draw.line(
            (knot, (knot[0] + side * unit * 0.04, knot[1] + unit * 0.12)),
            fill=(34, 52, 110),
            width=int(unit * 0.02),
        )
    draw.ellipse(_around(knot, unit * 0.022), fill=(28, 40, 90))


def draw_mug(size: tuple[int, int]) -> Image.Image:
    """A teal coffee mug with steam on a wooden table against a plain wall."""
    width, height = size
    image = gradient(size, (226, 232, 236), (190, 200, 206))
    _table(image, top=int(height * 0.62))
    draw = ImageDraw.Draw(image)
    cx, top, bottom, half = width * 0.5, height * 0.36, height * 0.8, width * 0.14
    shadow = _around((cx + half * 0.4, bottom), half * 1.5, 0.2)
    soft_ellipse(image, shadow, (70, 46, 28), 140, width * 0.015)
    teal, teal_dark = (40, 150, 160), (22, 100, 110)
    draw.arc(
        (cx + half * 0.6, top + height * 0.08, cx + half * 1.6, bottom - height * 0.1),
        270,
        90,
        fill=teal_dark,
        width=int(width * 0.03),
    )
    body = shape_mask(
        size,
        lambda d: (
            d.rectangle((cx - half, top, cx + half, bottom), fill=255),
            d.ellipse((cx - half, bottom - half * 0.35, cx + half, bottom + half * 0.35), fill=255),
        ),
    )
    image.paste(_cylinder(size, teal_dark, teal, cx - half, cx + half), (0, 0), body)
    draw.ellipse((cx - half, top - half * 0.35, cx + half, top + half * 0.35), fill=(30, 126, 136))
    draw.ellipse(
        _shrink((cx - half, top - half * 0.35, cx + half, top + half * 0.35), half * 0.1, 0.35),
        fill=(76, 44, 26),
    )
    for k in (-1, 0, 1):
        x = cx + k * half * 0.45
        points = [
            (x + math.sin(t / 3) * width * 0.015, top - half * 0.5 - t * 6) for t in range(14)
        ]
        draw.line(points, fill=(250, 250, 250), width=int(width * 0.008), joint="curve")
    return image


def _table(image: Image.Image, top: int) -> None:
    """A wooden table top with its grain, from `top` down to the bottom of `image`."""
    width, height = image.size
    paste_gradient(image, (0, top, width, height), (172, 118, 72), (120, 78, 44))
    draw = ImageDraw.Draw(image)
    for k in range(9):
        y = top + (height - top) * (k + 0.5) / 9
        draw.line((0, y, width, y + (k % 3 - 1) * 6), fill=(140, 94, 56), width=2)
    draw.line((0, top, width, top), fill=(196, 144, 96), width=int(height * 0.01))


def _cylinder(size: tuple[int, int], edge: Colour, middle: Colour, x1: float, x2: float):
    """Shading across a cylinder between x1 and x2: `edge` at its sides, `middle` in front."""
    width = size[0]
    row = Image.new("RGB", (width, 1), edge)
    for x in range(int(x1), min(int(x2) + 1, width)):
        light = max(math.sin((x - x1) / max(x2 - x1, 1) * math.pi), 0.0) ** 0.7
        row.putpixel((x, 0), mix(edge, middle, light))
    return row.resize(size)


def _around(centre: tuple[float, float], radius: float, squash: float = 1.0) -> tuple:
    x, y = centre
    return (x - radius, y - radius * squash, x + radius, y + radius * squash)


def _shrink(box: tuple, by: float, squash: float = 1.0) -> tuple:
    x1, y1, x2, y2 = box
    return (x1 + by, y1 + by * squash, x2 - by, y2 - by * squash)


def _towards(points: list[tuple], target: tuple[float, float], share: float) -> list[tuple]:
    """`points` moved `share` of the way towards `target` (a smaller shape inside)."""
    return [(x + (target[0] - x) * share, y + (target[1] - y) * share) for x, y in points]


PICTURES: dict[str, tuple[Callable[[tuple[int, int]], Image.Image], tuple[int, int]]] = {
    "house.jpg": (draw_landscape, (768, 512)),
    "cat.jpg": (draw_cat, (512, 640)),
    "hat.jpg": (draw_hat, (512, 512)),
    "mug.jpg": (draw_mug, (640, 480)),
}
"""File name: (drawing, final size in pixels)."""


def make(name: str) -> Path:
    """Draws one picture at SCALE times its size, scales it down and saves it here."""
    draw_picture, (width, height) = PICTURES[name]
    picture = draw_picture((width * SCALE, height * SCALE)).resize((width, height), Image.LANCZOS)
    path = HERE / name
    picture.save(path, quality=JPEG_QUALITY, optimize=True, progressive=True)
    return path


def main() -> None:
    for name in PICTURES:
        path = make(name)
        print(f"{path.name}: {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
