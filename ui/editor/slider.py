"""The before/after slider: the input a result was made from, cut to the result's own frame.

A 4:3 input beside a square result leaves an empty strip, so the input is scaled and centre-cut
to exactly the result's size (what a model following the output size does to it), and written
once into the app's Gradio cache, which ages such files out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from gradio.utils import get_upload_folder
from PIL import Image, ImageOps


def source_of(run_inputs: list[str]) -> str | None:
    """The input a result is compared with: the last one (whose aspect the models follow)."""
    return run_inputs[-1] if run_inputs else None


def aligned_pair(run_inputs: list[str], result: str) -> tuple[str, str] | None:
    source = source_of(run_inputs)
    if source is None or not Path(source).is_file():
        return None
    return aligned_input(source, result), result


def aligned_input(source: str, result: str) -> str:
    """A copy of `source` at exactly the size of `result`, cropped to its aspect."""
    with Image.open(result) as finished:
        size = finished.size
    key = hashlib.sha256(f"{Path(source).resolve()}|{size}".encode()).hexdigest()[:32]
    target = Path(get_upload_folder()) / "compare" / f"{key}.jpg"
    if not target.exists():
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with Image.open(source) as image:
            image.draft("RGB", size)
            fitted = ImageOps.fit(ImageOps.exif_transpose(image).convert("RGB"), size)
        fitted.save(target, "JPEG", quality=88)
    return str(target)
