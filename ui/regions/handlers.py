"""Handlers of the Region boxes panel: plain functions from the editor's values to updates.

Every handler that changes boxes writes the editor's `bbox_list` text (geometry.py does the
geometry); `redraw` alone paints the preview and its note, from that text, so boxes typed, drawn
or restored from History look the same. Marking writes the boxes into a copy of the input for a
model that takes no `bbox_list`, and the copy replaces the input: what is sent is what is shown.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from ui.core.controls import selected_model, takes_boxes
from ui.core.events import refused
from ui.core.gallery import gallery_paths, is_marked, numbered
from ui.core.texts import say
from ui.regions import geometry as regions

TOO_CLOSE = "too close"
"""Third item of a first corner whose second click was too close to it to make a box."""
MARKED_FOLDER = "marked"
"""Marked copies are written in Gradio's cache (ui/core/served_files.py), which ages them out."""


def _shown(paths: list[str], chosen: Any) -> int | None:
    """The position of the input the panel shows, kept inside the list."""
    if not paths:
        return None
    return min(int(chosen or 0), len(paths) - 1)


def follow_inputs(
    images: Any, chosen: Any, bbox_text: str, owners: Any, request: gr.Request = None
) -> tuple:
    """The inputs changed (added, moved, removed, replaced): each picture keeps its own boxes,
    and the panel keeps showing its picture (regions.shown_after). Boxes written for other
    pictures (typed, restored) are taken as they stand. Outputs: the image choice, bbox_list,
    owners, corner."""
    paths = gallery_paths(images)
    keys = [regions.content_key(path) for path in paths]
    before = (owners or {}).get("keys", [])
    index = regions.shown_after(before, keys, None if chosen is None else int(chosen))
    choices = [(say(request, "region_image_choice", image=number), number - 1)
               for number in range(1, len(paths) + 1)]  # fmt: skip
    choice = gr.update(choices=choices, value=index)
    old = regions.parse_boxes(bbox_text, len(before))
    if not owners or owners.get("text") != (bbox_text or "") or old is None or before == keys:
        return choice, gr.skip(), {"text": bbox_text or "", "keys": keys}, None
    text = regions.boxes_text(regions.follow(old, before, keys))
    return choice, text, {"text": text, "keys": keys}, None


def adopt_boxes(images: Any, bbox_text: str) -> tuple:
    """bbox_list changed (drawn, typed, restored): it belongs to the inputs as they are now.
    Outputs: owners, then the panel and its open state, opened when there are boxes to see."""
    keys = [regions.content_key(path) for path in gallery_paths(images)]
    boxes = regions.parse_boxes(bbox_text, len(keys))
    owners = {"text": bbox_text or "", "keys": keys}
    if boxes and any(boxes):
        return owners, gr.update(open=True), True
    return owners, gr.skip(), gr.skip()


def pick_input(event: gr.SelectData) -> Any:
    """A click on an input in the gallery shows that input in the panel."""
    return event.index if isinstance(event.index, int) else gr.skip()


def click_preview(
    images: Any, chosen: Any, bbox_text: str, corner: Any, event: gr.SelectData,
    request: gr.Request = None,
) -> tuple:  # fmt: skip
    """A click on the preview: the first corner of a box, or its opposite corner, which adds the
    box to bbox_list (a second click too close to the first is refused, and the first corner
    stays). Outputs: bbox_list, corner."""
    paths = gallery_paths(images)
    index = _shown(paths, chosen)
    if index is None or not isinstance(event.index, list | tuple):
        return gr.skip(), None
    size = regions.source_size(paths[index])
    point = regions.to_source(event.index, regions.preview_size(size), size)
    if corner is None:
        return gr.skip(), list(point)
    box = regions.box_from_corners(corner, point, size)
    if box is None:  # the note says so (a toast is lost on an event outside the queue)
        return gr.skip(), [*corner[:2], TOO_CLOSE]
    boxes = _readable(bbox_text, len(paths), request)
    return regions.boxes_text(regions.with_box(boxes, index, box)), None


def undo_box(
    images: Any, chosen: Any, bbox_text: str, corner: Any, request: gr.Request = None
) -> tuple:
    """Takes back a first corner, else the last box of the shown input. Outputs: bbox_list,
    corner."""
    paths = gallery_paths(images)
    index = _shown(paths, chosen)
    if corner is not None or index is None:
        return gr.skip(), None
    boxes = _readable(bbox_text, len(paths), request)
    return regions.boxes_text(regions.without_last(boxes, index)), None


def clear_boxes(images: Any, chosen: Any, bbox_text: str) -> tuple:
    """Removes the shown input's boxes (every box, when bbox_list cannot be read). Outputs:
    bbox_list, corner."""
    paths = gallery_paths(images)
    index = _shown(paths, chosen)
    boxes = regions.parse_boxes(bbox_text, len(paths))
    if boxes is None or index is None:
        return "", None
    return regions.boxes_text(regions.without_boxes(boxes, index)), None


def mark_boxes(
    images: Any, chosen: Any, bbox_text: str, prompt: str, request: gr.Request = None
) -> tuple:
    """Draws the shown input's boxes into a copy of it, puts the copy in its place, takes those
    boxes out of bbox_list and adds the hint to the prompt (once). Outputs: the inputs,
    bbox_list, prompt, corner."""
    paths = gallery_paths(images)
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
    return numbered(paths), regions.boxes_text(regions.without_boxes(boxes, index)), prompt, None


def _readable(bbox_text: str, count: int, request: Any) -> regions.BoxList:
    boxes = regions.parse_boxes(bbox_text, count)
    if boxes is None:
        raise gr.Error(say(request, "regions_unreadable"))
    return boxes


def redraw(
    images: Any, chosen: Any, bbox_text: str, corner: Any, model: str, custom_model: str,
    opened: bool, request: gr.Request = None,
) -> tuple:  # fmt: skip
    """The preview of the shown input with its boxes, the note under it, and the Mark button
    (shown for a model that takes no boxes); nothing while the panel is closed. Outputs:
    preview, note, mark."""
    if not opened:
        return gr.skip(), gr.skip(), gr.skip()
    name = selected_model(model, custom_model)
    takes = takes_boxes(model, custom_model)
    help_key = "regions_takes_boxes" if takes else "regions_takes_marks"
    lines = [say(request, help_key, model=f"`{name}`")]
    lines += [say(request, "regions_marked", image=number)
              for number, path in enumerate(gallery_paths(images), start=1)
              if is_marked(path)]  # fmt: skip
    mark = gr.update(visible=not takes)
    paths = gallery_paths(images)
    index = _shown(paths, chosen)
    if index is None:
        return None, "\n\n".join([*lines, say(request, "regions_no_image")]), mark
    boxes = regions.parse_boxes(bbox_text, len(paths))
    if boxes is None:
        lines.append(say(request, "regions_unreadable"))
        shown: list = []
    else:
        shown = boxes[index]
        listed = ", ".join(f"**{number}** `{box}`" for number, box in enumerate(shown, start=1))
        key = "regions_boxes" if shown else "regions_none"
        lines.append(say(request, key, image=index + 1, boxes=listed))
    if corner is not None:
        key = "regions_too_small" if TOO_CLOSE in corner else "regions_corner"
        lines.append(say(request, key, x=corner[0], y=corner[1]))
    return regions.preview(paths[index], shown, corner), "\n\n".join(lines), mark
