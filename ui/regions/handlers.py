"""Handlers of the Region boxes panel, bound to the panel and the editor tab: each returns its
updates as `{component: value}`, and leaves out what it does not change.

Boxes are drawn in the browser (drawing.js), which writes the editor's `bbox_list` text itself;
the handlers here change that text for the panel's buttons and for moved inputs (geometry.py does
the geometry). `redraw` alone gives the canvas its picture and boxes, and the note, from that
text, so boxes typed, drawn or restored from History look the same; it sends no picture, only
where the browser finds the one it already shows in the inputs. Marking writes the boxes into a
copy of the input for a model that takes no `bbox_list`, and the copy replaces the input: what is
sent is what is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from client.models import BOXES_MAX_PER_IMAGE
from ui.core.controls import selected_model, takes_boxes
from ui.core.events import refused
from ui.core.gallery import gallery_paths, is_marked, numbered
from ui.core.texts import language_of, say
from ui.editor.parts import EditTab
from ui.regions import geometry as regions
from ui.regions.parts import RegionPanel

CANVAS_WORDS = {
    "corner": ("regions_corner", {"x": "{x}", "y": "{y}"}),
    "close": ("regions_too_small", {"x": "{x}", "y": "{y}"}),
    "small": ("regions_drag_small", {}),
    "full": ("regions_full", {"max": "{max}"}),
    "remove": ("regions_remove", {"number": "{number}"}),
    "keys": ("regions_keys", {}),
}
"""The canvas's sentences by its own name: text key, and the {names} the browser fills in."""
MARKED_FOLDER = "marked"
"""Marked copies are written in Gradio's cache (ui/core/served_files.py), which ages them out."""


def _shown(paths: list[str], chosen: Any) -> int | None:
    """The position of the input the panel shows, kept inside the list."""
    if not paths:
        return None
    return min(int(chosen or 0), len(paths) - 1)


def _readable(bbox_text: str, count: int, request: Any) -> regions.BoxList:
    boxes = regions.parse_boxes(bbox_text, count)
    if boxes is None:
        raise gr.Error(say(request, "regions_unreadable"))
    return boxes


def pick_input(event: gr.SelectData) -> Any:
    """A click on an input in the gallery shows that input in the panel."""
    return event.index if isinstance(event.index, int) else gr.skip()


class RegionHandlers:
    """The panel's handlers, bound to the panel and to the editor tab whose inputs, `bbox_list`
    and prompt they change."""

    def __init__(
        self,
        panel: RegionPanel,
        tab: EditTab,
        files: Callable[[Any, Any], list[str]] = lambda images, request: gallery_paths(images),
    ) -> None:
        """`files(images, request)`: the files to read behind the inputs (a run's pictures
        among them through the picture gate's check: PageContext.input_files)."""
        self.files = files
        self.panel = panel
        self.images = tab.images
        self.boxes = tab.controls["bbox_list"]
        self.prompt = tab.controls["prompt"]

    def follow_inputs(
        self, images: Any, chosen: Any, bbox_text: str, owners: Any, request: gr.Request = None
    ) -> dict:
        """The inputs changed (added, moved, removed, replaced): each picture keeps its own
        boxes, and the panel keeps showing its picture (regions.shown_after). Boxes written for
        other pictures (typed, restored) are taken as they stand."""
        paths = self.files(images, request)
        keys = [regions.content_key(path) for path in paths]
        before = (owners or {}).get("keys", [])
        index = regions.shown_after(before, keys, None if chosen is None else int(chosen))
        choices = [
            (say(request, "region_image_choice", image=number), number - 1)
            for number in range(1, len(paths) + 1)
        ]
        panel = self.panel
        updates = {panel.image: gr.update(choices=choices, value=index)}
        old = regions.parse_boxes(bbox_text, len(before))
        if not owners or owners.get("text") != (bbox_text or "") or old is None or before == keys:
            return {**updates, panel.owners: {"text": bbox_text or "", "keys": keys}}
        text = regions.boxes_text(regions.follow(old, before, keys))
        return {**updates, self.boxes: text, panel.owners: {"text": text, "keys": keys}}

    def adopt_boxes(self, images: Any, bbox_text: str, request: gr.Request = None) -> dict:
        """bbox_list changed (drawn, typed, restored): it belongs to the inputs as they are now;
        the panel opens when there are boxes to see."""
        keys = [regions.content_key(path) for path in self.files(images, request)]
        boxes = regions.parse_boxes(bbox_text, len(keys))
        owners = {self.panel.owners: {"text": bbox_text or "", "keys": keys}}
        if boxes and any(boxes):
            return {**owners, self.panel.accordion: gr.update(open=True)}
        return owners

    def undo_box(self, images: Any, chosen: Any, bbox_text: str, request: gr.Request = None) -> Any:
        """Takes back the last box of the shown input."""
        paths = gallery_paths(images)
        index = _shown(paths, chosen)
        if index is None:
            return gr.skip()
        boxes = _readable(bbox_text, len(paths), request)
        return {self.boxes: regions.boxes_text(regions.without_last(boxes, index))}

    def clear_boxes(self, images: Any, chosen: Any, bbox_text: str) -> dict:
        """Removes the shown input's boxes (every box, when bbox_list cannot be read)."""
        paths = gallery_paths(images)
        index = _shown(paths, chosen)
        boxes = regions.parse_boxes(bbox_text, len(paths))
        if boxes is None or index is None:
            return {self.boxes: ""}
        return {self.boxes: regions.boxes_text(regions.without_boxes(boxes, index))}

    def mark_boxes(
        self, images: Any, chosen: Any, bbox_text: str, prompt: str, request: gr.Request = None
    ) -> Any:
        """Draws the shown input's boxes into a copy of it, puts the copy in its place, takes
        those boxes out of bbox_list and adds the hint to the prompt (once)."""
        paths = self.files(images, request)
        index = _shown(paths, chosen)
        if index is None:
            return refused(say(request, "regions_no_image"))
        boxes = _readable(bbox_text, len(paths), request)
        if not boxes[index]:
            return refused(say(request, "regions_nothing_to_mark", image=index + 1))
        folder = Path(get_upload_folder()) / MARKED_FOLDER
        paths[index] = str(regions.marked_copy(paths[index], boxes[index], folder))
        key = "boxes_hint_one" if len(boxes[index]) == 1 else "boxes_hint_many"
        hint = say(request, key, image=index + 1)
        prompt = prompt or ""
        if hint not in prompt:
            prompt = f"{prompt.rstrip()} {hint}".strip()
        return {
            self.images: numbered(paths, language_of(request)),
            self.boxes: regions.boxes_text(regions.without_boxes(boxes, index)),
            self.prompt: prompt,
        }

    def redraw(
        self,
        images: Any,
        chosen: Any,
        bbox_text: str,
        model: str,
        custom_model: str,
        request: gr.Request = None,
    ) -> dict:
        """The canvas of the shown input with its boxes, the note under it, and the Mark button
        (shown for a model that takes no boxes). Reads only the input's size: the browser draws."""
        panel = self.panel
        takes = takes_boxes(model, custom_model)
        help_key = "regions_takes_boxes" if takes else "regions_takes_marks"
        shown_model = f"`{selected_model(model, custom_model)}`"
        lines = [say(request, help_key, model=shown_model, max_boxes=BOXES_MAX_PER_IMAGE)]
        paths = self.files(images, request)
        lines += [
            say(request, "regions_marked", image=number)
            for number, path in enumerate(paths, start=1)
            if is_marked(path)
        ]
        mark = {panel.mark: gr.update(visible=not takes)}
        index = _shown(paths, chosen)
        if index is None:
            note = "\n\n".join([*lines, say(request, "regions_no_image")])
            return {panel.canvas: None, panel.note: note, **mark}
        boxes = regions.parse_boxes(bbox_text, len(paths))
        shown = [] if boxes is None else boxes[index]
        lines.append(_boxes_line(boxes, shown, index, request))
        served = gallery_paths(images)[index]  # the name the inputs show it by (a gate's, too)
        size = regions.source_size(paths[index])
        canvas = canvas_value(served, size, index, boxes, bbox_text, request)
        return {panel.canvas: canvas, panel.note: "\n\n".join(lines), **mark}


def canvas_value(
    served: str,
    size: tuple[int, int],
    index: int,
    boxes: regions.BoxList | None,
    bbox_text: str,
    request: Any,
) -> dict:
    """What the canvas draws: the picture (a file Gradio serves by its URL, which the inputs
    already loaded), its upright size, every input's boxes (None when bbox_list cannot be read:
    then nothing can be drawn) and the text they were read from, the limits, and its sentences
    in the browser's language."""
    return {
        "picture": {"path": served, "meta": {"_type": "gradio.FileData"}},
        "size": list(size),
        "index": index,
        "boxes": boxes,
        "text": bbox_text or "",
        "max": BOXES_MAX_PER_IMAGE,
        "min": regions.MIN_BOX_SIDE,
        "words": {
            name: say(request, key, **values) for name, (key, values) in CANVAS_WORDS.items()
        },
    }


def _boxes_line(boxes: regions.BoxList | None, shown: list, index: int, request: Any) -> str:
    """The note's line on the shown input's boxes, or that bbox_list cannot be read."""
    if boxes is None:
        return say(request, "regions_unreadable")
    listed = ", ".join(f"**{number}** `{box}`" for number, box in enumerate(shown, start=1))
    key = "regions_boxes" if shown else "regions_none"
    return say(request, key, image=index + 1, boxes=listed)
