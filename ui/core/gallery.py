"""Pictures as Gradio galleries hold them: file paths out, numbered captions in.

Prompts say "image 2" and qwen follows the last image's aspect, so every list of inputs the page
shows is numbered in the order the model reads them ("Image 1", "Image 2 (marked)"), wherever it
is shown: the editor, an opened run, a shared run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ui.core.texts import text_in

MARKED_PREFIX = "marked-"
"""A copy of an input with its region boxes drawn in (ui/regions) is named with this prefix."""


def gallery_paths(value: Any) -> list[str]:
    """File paths from a Gallery or File value (tuples, dicts, paths)."""
    paths = []
    for item in value or []:
        if isinstance(item, tuple | list):
            item = item[0]
        if isinstance(item, dict):
            item = item.get("path") or (item.get("image") or {}).get("path")
        path = getattr(item, "path", item)
        if path:
            paths.append(str(path))
    return paths


def is_marked(path: str | Path) -> bool:
    return Path(path).name.startswith(MARKED_PREFIX)


def caption(position: int, path: str | Path, language: str = "en") -> str:
    """An input's caption: its place, and whether it is a copy with region boxes drawn in."""
    key = "image_caption_marked" if is_marked(path) else "image_caption"
    return text_in(language, key, position=position)


def numbered(paths: list[str] | list[Path], language: str = "en") -> list[tuple[str, str]]:
    """The gallery value that shows `paths` as Image 1, Image 2 (marked), ... in `language`."""
    return [
        (str(path), caption(position, path, language))
        for position, path in enumerate(paths, start=1)
    ]
