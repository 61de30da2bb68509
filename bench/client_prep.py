"""How fast and how small is a qwen request made from three 6000x4000 camera photos?

Compares the client's preparation (reduced-scale JPEG decode, orientation, downscale to the
model's 3072 px, JPEG re-encode, JSON body) with a naive baseline that fully decodes each photo,
resizes it and encodes it as PNG, in the same run. Targets: at most half the naive time, and a
body at most half the size of the original files base64-encoded.
"""

from __future__ import annotations

import base64
import io
import json
import statistics
import tempfile
import time
from pathlib import Path

from PIL import Image

from client import ImageEditClient
from client.models import model_spec
from client.params import EditRequest

MODEL = "qwen-image-2.0-pro"
PHOTO_SIZE = (6000, 4000)
REPEATS = 3


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


def naive_body(paths: list[Path]) -> bytes:
    max_side = model_spec(MODEL).max_side
    uris = []
    for path in paths:
        with Image.open(path) as image:
            image.load()
            scale = max_side / max(image.size)
            resized = image.resize((round(image.width * scale), round(image.height * scale)))
            buffer = io.BytesIO()
            resized.save(buffer, "PNG")
            uris.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
    return json.dumps({"model": MODEL, "prompt": "make it autumn", "image": uris}).encode()


def timed(function, paths) -> tuple[float, bytes]:
    times, body = [], b""
    for _ in range(REPEATS):
        started = time.perf_counter()
        body = function(paths)
        times.append(time.perf_counter() - started)
    return statistics.median(times), body


def main() -> None:
    directory = Path(tempfile.gettempdir()) / "bench-client-prep"
    directory.mkdir(exist_ok=True)
    paths = make_photos(directory)
    originals_b64 = sum(len(base64.b64encode(p.read_bytes())) for p in paths)
    client_s, client_bytes = timed(client_body, paths)
    naive_s, naive_bytes = timed(naive_body, paths)
    ratio = client_s / naive_s
    size_ratio = len(client_bytes) / originals_b64
    mb = 1024 * 1024
    print(
        f"three {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEG photos -> {MODEL} JSON body "
        f"(median of {REPEATS})"
    )
    print(f"  client preparation : {client_s:6.2f} s   body {len(client_bytes) / mb:6.1f} MB")
    print(f"  naive baseline     : {naive_s:6.2f} s   body {len(naive_bytes) / mb:6.1f} MB")
    print(f"  originals, base64  :            body {originals_b64 / mb:6.1f} MB")
    print(
        f"  time ratio client/naive     = {ratio:.2f}  (target <= 0.50: "
        f"{'met' if ratio <= 0.5 else 'NOT met'})"
    )
    print(
        f"  body ratio client/originals = {size_ratio:.2f}  (target <= 0.50: "
        f"{'met' if size_ratio <= 0.5 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
