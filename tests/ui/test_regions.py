"""Region boxes without a browser: clicks to boxes in the input's own pixels, boxes that follow
their picture, outlines drawn where the boxes are, and the hint added to the prompt once."""

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
from client.models import MODELS
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


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ((100, 50), (300, 200), [100, 50, 300, 200]),
        ((300, 200), (100, 50), [100, 50, 300, 200]),  # corners in any order
        ((300, 50), (100, 200), [100, 50, 300, 200]),  # the other diagonal
        ((-20, 400), (700, 520), [0, 400, 640, 480]),  # kept inside the picture
        ((100, 50), (101, 300), None),  # too narrow to be a region
        ((100, 50), (100, 50), None),  # a double click
    ],
)
def test_two_corners_make_one_box_inside_the_picture(first, second, expected):
    assert regions.box_from_corners(first, second, (640, 480)) == expected


def test_a_click_on_the_preview_lands_in_the_inputs_own_pixels():
    size = (4000, 3000)
    shown = regions.preview_size(size)
    assert shown == (regions.PREVIEW_SIDE, 768)
    assert regions.to_source((512, 384), shown, size) == (2000, 1500)
    assert regions.to_source((1024, 768), shown, size) == (4000, 3000)
    assert regions.to_source((2000, -5), shown, size) == (4000, 0)


def test_boxes_are_written_as_bbox_list_and_read_back_by_the_editor():
    boxes = regions.with_box([[], []], 1, [10, 20, 30, 40])
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


def test_an_exif_rotated_photo_takes_boxes_in_its_upright_pixels(tmp_path):
    stored_landscape = picture(tmp_path / "turned.jpg", (640, 480), orientation=6)
    assert regions.source_size(stored_landscape) == (480, 640)
    prepared = prepare_image(stored_landscape, MODELS[WAN])
    assert prepared.source_size == regions.source_size(stored_landscape)
    box = regions.box_from_corners((10, 500), (470, 630), (480, 640))
    assert scaled_boxes([[box]], [prepared]) == [[box]]  # inside the photo as the client sees it
    assert regions.preview(stored_landscape, [box], None).size == regions.preview_size((480, 640))


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
    assert set(marked) == {tab.images, boxes, prompt_box, panel.corner}
    images, left, prompt = marked[tab.images], marked[boxes], marked[prompt_box]
    assert images[0][1] == "Image 1 (marked)" and images[1] == (second, "Image 2")
    assert images[0][0].startswith(str(tmp_path / "cache"))
    assert json.loads(left) == [[], [[5, 5, 50, 50]]]
    assert prompt == "a hat Edit only inside the red box in image 1."
    assert marked[panel.corner] is None
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
    assert adopted[panel.accordion]["open"] is True and adopted[panel.opened] is True
    followed = ev.follow_inputs([second, first], 0, drawn, adopted[panel.owners])
    moved = followed[boxes]
    assert json.loads(moved) == [[], [[1, 1, 50, 50]]]
    assert followed[panel.owners]["text"] == moved and followed[panel.corner] is None
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


def test_a_panoramas_preview_shows_every_box_beside_a_small_number_tag(tmp_path):
    """A 6000×600 panorama's preview is about 1024×102: the number tags and outlines shrink with
    it, and a tag sits outside its box, so even a small box shows the picture inside it."""
    panorama = picture(tmp_path / "panorama.png", (6000, 600))
    boxes = [[3000, 200, 3300, 400], [3400, 250, 3500, 350]]
    shown = regions.preview(panorama, boxes, None)
    assert shown.size == regions.preview_size((6000, 600)) == (1024, 102)
    scale, line = shown.width / 6000, 7  # inside the widest outline a preview gets
    for x1, y1, x2, y2 in boxes:
        inside = [
            shown.getpixel((x, y))
            for x in range(round(x1 * scale) + line, round(x2 * scale) - line)
            for y in range(round(y1 * scale) + line, round(y2 * scale) - line)
        ]
        assert inside and set(inside) == {(40, 90, 160)}  # no tag over the region
    tag_rows = [y for y in range(shown.height) if shown.getpixel((520, y)) != (40, 90, 160)]
    assert tag_rows[0] > 0 and len(tag_rows) <= shown.height // 3  # tag 1 and box 1's outline
    assert regions.preview_line(shown.size) < regions.preview_line((1024, 768))


@pytest.mark.parametrize(
    ("box", "corner"),
    [
        ((100, 100, 200, 200), (100, 56)),  # above the box
        ((100, 0, 200, 200), (56, 0)),  # at the top edge: left of it
        ((0, 0, 200, 200), (0, 201)),  # in the top-left corner: below it
        ((0, 0, 1023, 767), (0, 0)),  # the whole picture: inside its corner
    ],
)
def test_a_number_tag_sits_outside_its_box_when_there_is_room(box, corner):
    assert regions.tag_side((1024, 768)) == 44
    assert regions.tag_corner(box, 44, (1024, 768)) == corner


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
    note = ev.redraw(images, 1, "", None, WAN, "", True, zh)[panel.note]
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
        drawn = ev.redraw(images, shown, left, None, WAN, "", True)
        note = drawn[panel.note]
        assert "Image 1 is a marked copy" in note and "Image 2 is a marked" not in note
        assert drawn[panel.mark]["visible"] is False  # WAN takes boxes: nothing to mark
    plain = ev.redraw([first, second], 0, left, None, WAN, "", True)[panel.note]
    assert "marked copy" not in plain


class Click:
    """A click on the preview at a pixel, as Gradio's SelectData gives it."""

    def __init__(self, x: int, y: int):
        self.index = [x, y]


def test_a_second_click_too_close_keeps_the_first_corner_and_the_note_says_so(
    tmp_path, ev, panel, tab
):
    source = picture(tmp_path / "a.png", (1024, 768))  # its preview is its own size
    boxes = tab.controls["bbox_list"]
    first = ev.click_preview([source], 0, "", None, Click(100, 100))
    assert boxes not in first  # bbox_list stays as it was
    too_close = ev.click_preview([source], 0, "", first[panel.corner], Click(101, 100))
    assert boxes not in too_close  # bbox_list stays as it was
    kept = too_close[panel.corner]
    assert kept[:2] == [100, 100]
    note = ev.redraw([source], 0, "", kept, WAN, "", True)[panel.note]
    assert "too close to the first corner at (100, 100)" in note
    done = ev.click_preview([source], 0, "", kept, Click(300, 200))
    assert json.loads(done[boxes]) == [[[100, 100, 300, 200]]] and done[panel.corner] is None
