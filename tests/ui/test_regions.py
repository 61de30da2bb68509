"""Region boxes without a browser: what the canvas is given to draw on, boxes that follow their
picture, outlines drawn where the boxes are, and the hint added to the prompt once. (Drags and
clicks to boxes happen in the browser: tests/browser/test_region_drag.py.)"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace

import gradio as gr
import pytest
from PIL import Image

from client import EditParams
from client.boxes import scaled_boxes
from client.images import prepare_image
from client.models import BOXES_MAX_PER_IMAGE, MODELS
from ui.core.controls import page_values, parse_json_text, refusal_with_remedy
from ui.core.gallery import is_marked
from ui.editor.parts import EditTab, build_edit_tab
from ui.regions import geometry as regions
from ui.regions import handlers as region_events
from ui.regions.handlers import RegionHandlers
from ui.regions.parts import RegionPanel, build_region_panel

WAN = next(name for name, spec in MODELS.items() if "bbox_list" in spec.optional_fields)
NO_BOXES = next(name for name, spec in MODELS.items() if "bbox_list" not in spec.optional_fields)


@pytest.fixture(scope="module")
def parts() -> tuple[RegionPanel, EditTab]:
    """The panel in the editor's slot, as the page builds them. Built inside a running loop:
    without one, Gradio opens an event loop for each of its locks and never closes it."""

    async def build() -> tuple[RegionPanel, EditTab]:
        with gr.Blocks():
            tab = build_edit_tab()
            with tab.below_run:
                panel = build_region_panel()
        return panel, tab

    return asyncio.run(build())


@pytest.fixture(scope="module")
def ev(parts) -> RegionHandlers:
    return RegionHandlers(*parts)


@pytest.fixture(scope="module")
def panel(parts) -> RegionPanel:
    return parts[0]


@pytest.fixture(scope="module")
def tab(parts) -> EditTab:
    return parts[1]


def picture(path, size=(640, 480), colour=(40, 90, 160), orientation: int | None = None):
    image = Image.new("RGB", size, colour)
    if orientation is None:
        image.save(path)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(path, exif=exif)
    return str(path)


def test_boxes_are_written_as_bbox_list_and_read_back_by_the_editor():
    boxes = [[], [[10, 20, 30, 40]]]
    text = regions.boxes_text(boxes)
    assert json.loads(text) == [[], [[10, 20, 30, 40]]]
    assert parse_json_text("bbox_list", text) == [[], [[10, 20, 30, 40]]]
    assert regions.parse_boxes(text, 2) == boxes
    assert regions.parse_boxes(text, 3) == [*boxes, []]  # an input added since
    params = EditParams(bbox_list=parse_json_text("bbox_list", text))
    assert page_values(EditParams.from_dict(params.as_dict()))["bbox_list"] == text  # restored
    assert regions.boxes_text(regions.without_last(boxes, 1)) == ""  # nothing left: not sent


@pytest.mark.parametrize("text", ["not json", "[[[1, 2]]]", '{"a": 1}', "[[[5, 5, 1, 1]]]"])
def test_text_that_is_no_bbox_list_is_not_drawn(text):
    assert regions.parse_boxes(text, 1) is None


def test_boxes_follow_their_picture_when_the_inputs_move_or_go():
    boxes = [[[1, 1, 5, 5]], [], [[2, 2, 9, 9]]]
    moved = regions.follow(boxes, ["a", "b", "c"], ["c", "a", "b"])
    assert moved == [[[2, 2, 9, 9]], [[1, 1, 5, 5]], []]
    assert regions.follow(boxes, ["a", "b", "c"], ["b", "c", "new"]) == [[], [[2, 2, 9, 9]], []]


def test_an_exif_rotated_photo_takes_boxes_in_its_upright_pixels(tmp_path, ev, panel):
    stored_landscape = picture(tmp_path / "turned.jpg", (640, 480), orientation=6)
    assert regions.source_size(stored_landscape) == (480, 640)
    prepared = prepare_image(stored_landscape, MODELS[WAN])
    assert prepared.source_size == regions.source_size(stored_landscape)
    box = [10, 500, 470, 630]
    assert scaled_boxes([[box]], [prepared]) == [[box]]  # inside the photo as the client sees it
    canvas = ev.redraw([stored_landscape], 0, "", WAN, "")[panel.canvas]
    assert canvas["size"] == [480, 640]  # the browser draws in these pixels


def outline_pixels(image: Image.Image, box, colour) -> list[bool]:
    x1, y1, x2, y2 = box
    middle_x, middle_y = (x1 + x2) // 2, (y1 + y2) // 2
    edges = [(x1 + 1, middle_y), (x2 - 2, middle_y), (middle_x, y1 + 1), (middle_x, y2 - 2)]
    return [image.getpixel(point) == colour for point in edges]


def test_a_marked_copy_has_a_red_outline_at_the_box_and_nothing_inside(tmp_path):
    source = picture(tmp_path / "photo.png")
    box = [100, 60, 400, 300]
    copy = regions.marked_copy(source, [box], tmp_path / "marked")
    assert is_marked(copy)
    with Image.open(copy) as marked:
        assert marked.size == (640, 480)
        assert outline_pixels(marked.convert("RGB"), box, regions.MARK_COLOUR) == [True] * 4
        assert marked.getpixel((250, 180)) == (40, 90, 160)
        assert marked.getpixel((99, 180)) == (40, 90, 160)  # the outline stays inside the box
    assert regions.outline_width((640, 480)) >= 4
    assert regions.outline_width((4000, 3000)) > regions.outline_width((640, 480))


def test_marking_replaces_the_input_clears_its_boxes_and_hints_the_prompt_once(
    tmp_path, monkeypatch, ev, panel, tab
):
    monkeypatch.setattr(region_events, "get_upload_folder", lambda: str(tmp_path / "cache"))
    first, second = picture(tmp_path / "a.png"), picture(tmp_path / "b.png", colour=(9, 9, 9))
    text = regions.boxes_text([[[100, 60, 400, 300]], [[5, 5, 50, 50]]])
    boxes, prompt_box = tab.controls["bbox_list"], tab.controls["prompt"]
    marked = ev.mark_boxes([first, second], 0, text, "a hat")
    assert set(marked) == {tab.images, boxes, prompt_box}
    images, left, prompt = marked[tab.images], marked[boxes], marked[prompt_box]
    assert images[0][1] == "Image 1 (marked)" and images[1] == (second, "Image 2")
    assert images[0][0].startswith(str(tmp_path / "cache"))
    assert json.loads(left) == [[], [[5, 5, 50, 50]]]
    assert prompt == "a hat Edit only inside the red box in image 1."
    again = ev.mark_boxes(images, 1, left, prompt)[prompt_box]
    assert again == prompt + " Edit only inside the red box in image 2."
    same = ev.mark_boxes([first], 0, regions.boxes_text([[[1, 1, 9, 9]]]), prompt)[prompt_box]
    assert same == prompt  # that hint is there already


def test_a_model_without_boxes_is_told_how_to_mark_them(tmp_path):
    from client import ValidationError

    error = ValidationError("bbox_list", "not given", [[[1, 1, 5, 5]]], "bbox_list is not taken.")
    refused = refusal_with_remedy(error, {"model": NO_BOXES, "custom_model": ""})
    assert refused.startswith("**Region boxes** is not taken.") and "Mark the boxes" in refused
    assert refusal_with_remedy(error, {"model": WAN, "custom_model": ""}) == (
        "**Region boxes** is not taken."
    )


def test_the_panel_keeps_boxes_with_their_picture_when_the_inputs_move(tmp_path, ev, panel, tab):
    first, second = picture(tmp_path / "a.png"), picture(tmp_path / "b.png", colour=(9, 9, 9))
    boxes = tab.controls["bbox_list"]
    drawn = regions.boxes_text([[[1, 1, 50, 50]], []])
    adopted = ev.adopt_boxes([first, second], drawn)  # drawn on image 1
    assert adopted[panel.accordion]["open"] is True
    followed = ev.follow_inputs([second, first], 0, drawn, adopted[panel.owners])
    moved = followed[boxes]
    assert json.loads(moved) == [[], [[1, 1, 50, 50]]]
    assert followed[panel.owners]["text"] == moved
    removed = ev.follow_inputs([second], 0, moved, followed[panel.owners])[boxes]
    assert removed == ""  # its picture went, and no box is left to send


def test_restored_boxes_belong_to_the_restored_inputs(tmp_path, ev, panel, tab):
    """Restore fills the inputs and bbox_list at once: the boxes are not 'followed' from the
    pictures shown before, whichever of the two changes the panel hears first."""
    old, restored = picture(tmp_path / "old.png"), picture(tmp_path / "run.png", colour=(1, 2, 3))
    owners = ev.adopt_boxes([old], regions.boxes_text([[[1, 1, 9, 9]]]))[panel.owners]
    restored_boxes = regions.boxes_text([[[20, 20, 90, 90]]])
    followed = ev.follow_inputs([restored], 0, restored_boxes, owners)
    assert tab.controls["bbox_list"] not in followed  # bbox_list stays as restored
    owners = followed[panel.owners]
    assert owners["text"] == restored_boxes
    assert owners["keys"] == [regions.content_key(restored)]


def shown_choice(update) -> tuple[list, int | None]:
    return [name for name, _ in update["choices"]], update["value"]


def test_the_panel_keeps_showing_its_picture_as_the_inputs_change(tmp_path, ev, panel):
    """Moving the shown picture takes the panel along; an added picture is shown at once; when
    the shown one is removed, the one now in its place is shown."""
    a, b, c = (picture(tmp_path / f"{name}.png", colour=(n, n, n)) for n, name in enumerate("abc"))

    def follow(*arguments):
        followed = ev.follow_inputs(*arguments)
        return followed[panel.image], followed[panel.owners]

    choice, owners = follow([a, b], None, "", None)
    assert shown_choice(choice) == (["Image 1", "Image 2"], 0)
    choice, owners = follow([a, b, c], 0, "", owners)  # added: shown
    assert shown_choice(choice)[1] == 2
    choice, owners = follow([a, c, b], 2, "", owners)  # ◀ Move left: followed
    assert shown_choice(choice)[1] == 1
    choice, owners = follow([c, a, b], 1, "", owners)  # shown one moved by another's move
    assert shown_choice(choice)[1] == 0
    choice, owners = follow([a, b], 0, "", owners)  # removed: the one in its place
    assert shown_choice(choice) == (["Image 1", "Image 2"], 0)
    choice, owners = follow([a], 1, "", owners)  # the last removed: the one before it
    assert shown_choice(choice)[1] == 0


def chinese_browser() -> SimpleNamespace:
    """A request from a browser that asks for Chinese first."""
    return SimpleNamespace(headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"})


def test_a_chinese_page_names_the_inputs_and_the_marked_copy_in_chinese(
    tmp_path, monkeypatch, ev, panel, tab
):
    monkeypatch.setattr(region_events, "get_upload_folder", lambda: str(tmp_path / "cache"))
    first, second = picture(tmp_path / "a.png"), picture(tmp_path / "b.png", colour=(9, 9, 9))
    zh = chinese_browser()
    choice = ev.follow_inputs([first, second], None, "", None, zh)[panel.image]
    assert shown_choice(choice) == (["图 1", "图 2"], 0)
    text = regions.boxes_text([[], [[5, 5, 50, 50]]])
    images = ev.mark_boxes([first, second], 1, text, "", zh)[tab.images]
    note = ev.redraw(images, 1, "", WAN, "", zh)[panel.note]
    assert "图 2 是标记过的副本" in note and "Image" not in note


def test_a_marked_copy_is_named_in_the_note_after_switching_to_a_model_that_takes_boxes(
    tmp_path, monkeypatch, ev, panel, tab
):
    """The marked copy stays (nothing is undone behind the person's back), and the note says its
    red outlines will be sent, whichever input the panel shows."""
    monkeypatch.setattr(region_events, "get_upload_folder", lambda: str(tmp_path / "cache"))
    first, second = picture(tmp_path / "a.png"), picture(tmp_path / "b.png", colour=(9, 9, 9))
    text = regions.boxes_text([[[100, 60, 400, 300]], []])
    marked = ev.mark_boxes([first, second], 0, text, "a hat")
    images, left = marked[tab.images], marked[tab.controls["bbox_list"]]
    for shown in (0, 1):
        drawn = ev.redraw(images, shown, left, WAN, "")
        note = drawn[panel.note]
        assert "Image 1 is a marked copy" in note and "Image 2 is a marked" not in note
        assert drawn[panel.mark]["visible"] is False  # WAN takes boxes: nothing to mark
    plain = ev.redraw([first, second], 0, left, WAN, "")[panel.note]
    assert "marked copy" not in plain


def test_the_canvas_gets_the_shown_picture_every_box_and_its_words_in_the_browsers_language(
    tmp_path, ev, panel
):
    """The browser draws: it is given the picture by the name the inputs show it by, its
    upright size, every input's boxes and the text they were read from, the limits, and its
    sentences with the places it fills in; nothing to draw on when bbox_list cannot be read."""
    first, second = picture(tmp_path / "a.png"), picture(tmp_path / "b.png", (300, 200))
    text = regions.boxes_text([[[1, 1, 50, 50]], [[10, 10, 90, 90]]])
    canvas = ev.redraw([first, second], 1, text, WAN, "", chinese_browser())[panel.canvas]
    assert canvas["picture"] == {"path": second, "meta": {"_type": "gradio.FileData"}}
    assert canvas["size"] == [300, 200] and canvas["index"] == 1
    assert canvas["boxes"] == [[[1, 1, 50, 50]], [[10, 10, 90, 90]]] and canvas["text"] == text
    assert canvas["max"] == BOXES_MAX_PER_IMAGE and canvas["min"] == regions.MIN_BOX_SIDE
    assert canvas["words"]["corner"] == "第一个角在 ({x}, {y})：现在点击对角。"
    assert canvas["words"]["remove"] == "删除框 {number}"
    assert ev.redraw([first], 0, "not json", WAN, "")[panel.canvas]["boxes"] is None
    assert ev.redraw([], None, "", WAN, "")[panel.canvas] is None
