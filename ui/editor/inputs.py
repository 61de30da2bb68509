"""The editor's list of input images: numbered in the order the model reads them, moved, removed.

Prompts say "image 2" and qwen follows the last image's aspect, so order matters: every list this
module returns carries captions "Image 1", "Image 2", ... and the selected picture can be moved
left or right or taken out alone. A file that is no image at all (or is damaged) is taken out
by itself, and the inputs' notes say which (RemovedInputs).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from client.validation import image_count_problem
from ui.core.client_words import translated
from ui.core.controls import selected_model
from ui.core.events import refused
from ui.core.gallery import caption, gallery_paths, numbered
from ui.core.texts import language_of, say, text_in
from ui.editor.parts import EditTab


@dataclass(frozen=True)
class RemovedInputs:
    """Unreadable files taken out of the inputs: the inputs left (`kept`, gallery paths) and the
    sentence that names the files. The notes repeat it while the inputs are still `kept`."""

    kept: tuple[str, ...]
    message: str

    def still_shown(self, images: Any) -> bool:
        return tuple(gallery_paths(images)) == self.kept


def taken_out(images: Any, positions: list[int], language: str) -> RemovedInputs:
    """The inputs without those at the 1-based `positions`, and a sentence naming them."""
    paths = gallery_paths(images)
    gone = [path for position, path in enumerate(paths, start=1) if position in positions]
    names = ", ".join(f"`{Path(path).name.replace('`', '')}`" for path in gone)
    kept = tuple(path for path in paths if path not in gone)
    return RemovedInputs(kept, text_in(language, "inputs_unreadable", names=names))


def renumber(images: Any, request: gr.Request = None) -> Any:
    """The list numbered in order; nothing to do (no update, so no new change event) when it
    already is: an upload, a paste or an example arrives without captions."""
    captions = [
        item[1] if isinstance(item, tuple | list) and len(item) > 1 else None
        for item in images or []
    ]
    paths, language = gallery_paths(images), language_of(request)
    expected = [caption(position, path, language) for position, path in enumerate(paths, 1)]
    if captions == expected:
        return gr.skip()
    return numbered(paths, language)


def picked(event: gr.SelectData) -> int | None:
    return event.index if isinstance(event.index, int) else None


def move(
    tab: EditTab, step: int, images: Any, index: int | None, request: gr.Request = None
) -> dict:
    """The list with the selected image moved `step` places (kept within the list), and the
    moved image still selected."""
    paths = gallery_paths(images)
    if index is None or not 0 <= index < len(paths):
        return refused(say(request, "pick_input_to_move"))
    target = min(max(index + step, 0), len(paths) - 1)
    paths.insert(target, paths.pop(index))
    return {tab.images: numbered(paths, language_of(request)), tab.input_selected: target}


def remove(tab: EditTab, images: Any, index: int | None, request: gr.Request = None) -> dict:
    """The list without the selected image, and nothing selected."""
    paths = gallery_paths(images)
    if index is None or not 0 <= index < len(paths):
        return refused(say(request, "pick_input_to_remove"))
    del paths[index]
    return {tab.images: numbered(paths, language_of(request)), tab.input_selected: None}


def use_as_input(paths: list[str], index: int, request: gr.Request = None) -> Any:
    if not paths:
        return refused(say(request, "run_first_to_use"))
    return numbered([paths[min(index, len(paths) - 1)]], language_of(request))


def add_to_inputs(
    images: Any,
    paths: list[str],
    index: int,
    choice: str,
    custom: str,
    request: gr.Request = None,
) -> Any:
    if not paths:
        return refused(say(request, "run_first_to_add"))
    current, language = gallery_paths(images), language_of(request)
    problem = image_count_problem(selected_model(choice, custom), len(current) + 1)
    if problem:
        return refused(say(request, "remove_one_first", problem=translated(problem, language)))
    return numbered([*current, paths[min(index, len(paths) - 1)]], language)
