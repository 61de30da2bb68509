"""How fast and how small is a qwen request made from three 6000x4000 camera photos?

Compares the client's preparation (reduced-scale JPEG decode, orientation, downscale to the
model's 3072 px, JPEG re-encode, JSON body) with the best plain-Pillow path a competent engineer
would write for the same body (`thumbnail`, which decodes the JPEG at a reduced scale, then
`exif_transpose` and the same JPEG encoding), alternated round by round in one run. The client
does more (limits, byte budgets, memory gate), so the target is to cost no more than that path
(≤ 1.1x); and a body at most half the size of the original files base64-encoded.

    python -m bench.client_prep [--rounds N]
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageOps

from bench.rounds import alternated, line, ratio_line
from client import ImageEditClient
from client.images import JPEG_QUALITY
from client.models import model_spec
from client.params import EditRequest

MODEL = "qwen-image-2.0-pro"
PHOTO_SIZE = (6000, 4000)
ROUNDS = 5


def make_photos(directory: Path) -> list[Path]:
    """Three photographic-looking JPEGs: smooth gradients, detail and sensor noise."""
    paths = []
    for index in range(3):
        path = directory / f"photo-{index}.jpg"
        if not path.exists():
            small = Image.linear_gradient("L").resize((600, 400)).convert("RGB")
            tint = Image.new("RGB", small.size, (40 + 60 * index, 120, 200 - 50 * index))
            base = Image.blend(small, tint, 0.5).resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
            noise = Image.effect_noise(PHOTO_SIZE, 25).convert("RGB")
            Image.blend(base, noise, 0.25).save(path, "JPEG", quality=92)
        paths.append(path)
    return paths


def client_body(paths: list[Path]) -> bytes:
    """The client's own path: validation, each image's share of the 32 MB body, the JSON body
    (its public dry run: nothing is sent)."""
    request = EditRequest(model=MODEL, prompt="make it autumn", images=[str(p) for p in paths])
    with ImageEditClient(api_key="bench-not-a-key", max_retries=0) as api:
        return api.prepare(request).body.kwargs["content"]


def plain_pillow_body(paths: list[Path]) -> bytes:
    """The best plain-Pillow path a competent engineer would write for the same request: the
    JPEG decoded at a reduced scale (`thumbnail` drafts it and reduces before resampling), turned
    upright, encoded as the JPEG the client sends (same quality), base64 and `json.dumps`."""
    max_side = model_spec(MODEL).max_side
    uris = []
    for path in paths:
        with Image.open(path) as image:
            image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
            upright = ImageOps.exif_transpose(image)
            buffer = io.BytesIO()
            upright.convert("RGB").save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
            uris.append("data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode())
    return json.dumps({"model": MODEL, "prompt": "make it autumn", "image": uris}).encode()


def timed(function, paths: list[Path], sizes: list[int]) -> Callable[[], float]:
    def one_round() -> float:
        started = time.perf_counter()
        body = function(paths)
        elapsed = time.perf_counter() - started
        sizes.append(len(body))
        return elapsed

    return one_round


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    options = parser.parse_args()
    directory = Path(tempfile.gettempdir()) / "bench-client-prep"
    directory.mkdir(exist_ok=True)
    paths = make_photos(directory)
    originals_b64 = sum(len(base64.b64encode(p.read_bytes())) for p in paths)
    client_sizes: list[int] = []
    plain_sizes: list[int] = []
    ours, plain = alternated(
        timed(client_body, paths, client_sizes),
        timed(plain_pillow_body, paths, plain_sizes),
        rounds=options.rounds,
    )
    mb = 1024 * 1024
    print(
        f"three {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG photos -> {MODEL} JSON body, "
        f"{options.rounds} rounds alternated"
    )
    print(line(f"client preparation (body {client_sizes[-1] / mb:.1f} MB)", ours, "s", 1))
    print(line(f"plain Pillow, drafted (body {plain_sizes[-1] / mb:.1f} MB)", plain, "s", 1))
    print(f"  originals, base64: {originals_b64 / mb:.1f} MB")
    print(ratio_line("time client ÷ plain Pillow", ours, plain, "≤ 1.1x: no slower"))
    size_ratio = client_sizes[-1] / originals_b64
    print(
        f"  body client ÷ originals: {size_ratio:.2f}  (target ≤ 0.50: "
        f"{'met' if size_ratio <= 0.5 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
