"""Is the JSON body assembled from the prepared base64 without encoding it again? (issue 26)

Prepares the three 6000x4000 photos of bench/client_prep.py once for qwen-image-2.0-pro (as the
app's preparation cache does at upload), then times, alternated round by round, the client's
JSON body from those prepared images (each data URI base64-encoded once, when prepared, and
spliced into the body) against the plain way: base64 of each image and `json.dumps` over the
whole body, as the client did before. Both bodies are checked byte-identical. Target: ≤ 0.5x.

    python -m bench.body [--rounds N]
"""

from __future__ import annotations

import argparse
import base64
import json
import tempfile
from pathlib import Path

from bench.client_prep import make_photos
from bench.rounds import alternated, line, ratio_line, seconds
from client.encoding import encode_json
from client.models import model_spec
from client.preparation import PreparationCache

MODEL = "qwen-image-2.0-pro"
FIELDS = {"model": MODEL, "prompt": "make it autumn", "n": 4, "response_format": "b64_json"}
ROUNDS = 15
BATCH = 10


def plain_body(images) -> bytes:
    uris = [f"data:{image.mime};base64,{base64.b64encode(image.data).decode()}" for image in images]
    body = {**FIELDS, "image": uris}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def client_body(images) -> bytes:
    return encode_json(FIELDS, images).kwargs["content"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    options = parser.parse_args()
    directory = Path(tempfile.gettempdir()) / "bench-client-prep"
    directory.mkdir(exist_ok=True)
    cache, spec = PreparationCache(), model_spec(MODEL)
    paths = make_photos(directory)
    images = [cache.prepare(path, spec, index=n) for n, path in enumerate(paths, start=1)]
    if client_body(images) != plain_body(images):
        raise SystemExit("the spliced body differs from json.dumps'")

    def batch(function) -> float:
        return seconds(lambda: [function(images) for _ in range(BATCH)]) / BATCH

    ours, plain = alternated(
        lambda: batch(client_body), lambda: batch(plain_body), rounds=options.rounds
    )
    megabytes = len(client_body(images)) / 1024 / 1024
    print(
        f"JSON body of three prepared photos for {MODEL} ({megabytes:.1f} MB), "
        f"{options.rounds} rounds of {BATCH} alternated; bodies byte-identical"
    )
    print(line("client: prepared base64 spliced in", ours))
    print(line("plain: base64 + json.dumps", plain))
    print(ratio_line("client ÷ plain", ours, plain, "≤ 0.5x"))


if __name__ == "__main__":
    main()
