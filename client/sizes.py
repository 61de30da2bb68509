"""How an output `size` is written: "W*H" (or "WxH", "W×H"), or a named size such as "2K".

Reading a size is shared by the parameters (which send it normalised), the validation (which
checks it against a model's limits) and the simulator; it needs only the model table's names.
"""

from __future__ import annotations

import re

from .errors import ValidationError
from .models import NAMED_SIZES

SIZE_PATTERN = re.compile(r"^\s*(\d{1,5})\s*[*xX×]\s*(\d{1,5})\s*$")


def parse_size(size: str) -> tuple[int, int]:
    """`"W*H"` (or `WxH`) as two integers; raises ValidationError for anything else."""
    match = SIZE_PATTERN.match(size) if isinstance(size, str) else None
    if not match:
        raise ValidationError("size", 'written "W*H", e.g. "1024*1024"', size)
    return int(match.group(1)), int(match.group(2))


def normalise_size(size: str) -> str:
    """ "W*H" for any spelling of a width and height; a named size ("2K") as it is."""
    if isinstance(size, str) and size.strip() in NAMED_SIZES:
        return size.strip()
    width, height = parse_size(size)
    return f"{width}*{height}"
