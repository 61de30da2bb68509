"""The editor's picture rules as plain functions: unreadable inputs taken out and named, and the
slider's "before" picture of a transparent input (issue 22, item 7)."""

import io
from types import SimpleNamespace

import pytest
from PIL import Image, ImageDraw

from client import UnreadableImageError
from client.models import model_spec
from client.preparation import PreparationCache
from ui.core.picture_gate import aligned_jpeg
from ui.core.runs import Runner
from ui.editor import handlers as ev
from ui.editor.inputs import RemovedInputs

from .test_editor_rules import built_tab, page_context

QWEN = "qwen-image-2.0-pro"
ENGLISH = SimpleNamespace(headers={"accept-language": "en-US,en"})
CHINESE = SimpleNamespace(headers={"accept-language": "zh-CN,zh"})


@pytest.fixture(scope="module")
def editor() -> ev.EditorHandlers:
    tab, banner = built_tab()
    runner = Runner(backend=None, store=None, preparation=PreparationCache())
    return ev.EditorHandlers(page_context(runner), tab, banner)


@pytest.fixture
def files(tmp_path) -> dict[str, str]:
    """Two photos, a file that is no image, a PNG cut short and a picture too small for qwen."""
    made = {}
    for name in ("first", "second"):
        path = tmp_path / f"{name}.png"
        Image.new("RGB", (640, 480), (40, 90, 200)).save(path)
        made[name] = str(path)
    (tmp_path / "not-an-image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 40)
    made["not-an-image"] = str(tmp_path / "not-an-image.png")
    whole = io.BytesIO()
    Image.effect_noise((640, 480), 60).convert("RGB").save(whole, "PNG")
    (tmp_path / "cut-short.png").write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    made["cut-short"] = str(tmp_path / "cut-short.png")
    Image.new("RGB", (100, 100)).save(tmp_path / "tiny.png")
    made["tiny"] = str(tmp_path / "tiny.png")
    return made


def gallery(*paths: str) -> list[tuple[str, None]]:
    return [(path, None) for path in paths]


@pytest.mark.parametrize("broken", ["not-an-image", "cut-short"])
def test_an_unreadable_input_is_taken_out_and_named_beside_the_inputs(editor, files, broken):
    tab = editor.tab
    images = gallery(files["first"], files[broken], files["second"])
    out = editor.on_inputs_change(images, QWEN, "", None, ENGLISH)
    assert out[tab.images] == [(files["first"], "Image 1"), (files["second"], "Image 2")]
    notes = out[tab.input_notes]
    assert "Taken out of the inputs, as it is not an image that can be read" in notes
    assert f"`{broken}.png`" in notes
    assert "Image 2:" not in notes  # the old position is not named as well
    assert out[tab.removed_inputs] == RemovedInputs(
        (files["first"], files["second"]), out[tab.removed_inputs].message
    )


def test_the_sentence_stays_until_the_inputs_change_again(editor, files):
    tab = editor.tab
    first = editor.on_inputs_change(
        gallery(files["not-an-image"], files["first"]), QWEN, "", None, CHINESE
    )
    removed = first[tab.removed_inputs]
    assert "已从输入中移除" in first[tab.input_notes]
    again = editor.on_inputs_change(first[tab.images], QWEN, "", removed, CHINESE)
    assert tab.images not in again  # nothing more to take out: the inputs are left alone
    assert "已从输入中移除" in again[tab.input_notes]
    assert again[tab.removed_inputs] == removed
    changed = gallery(files["first"], files["second"])
    later = editor.on_inputs_change(changed, QWEN, "", removed, CHINESE)
    assert "已从输入中移除" not in later[tab.input_notes]
    assert later[tab.removed_inputs] is None


def test_an_input_the_model_refuses_is_named_but_kept(editor, files):
    """Too small for qwen is not unreadable: another model may take it, so it stays."""
    tab = editor.tab
    out = editor.on_inputs_change(gallery(files["first"], files["tiny"]), QWEN, "", None)
    assert tab.images not in out
    assert "⚠ Image 2:" in out[tab.input_notes]
    assert out[tab.removed_inputs] is None


def test_a_remembered_unreadable_file_is_still_unreadable(files):
    """The preparation cache answers a second ask from memory, with the same kind of error."""
    cache = PreparationCache()
    for _ in range(2):
        with pytest.raises(UnreadableImageError, match="Image 3: "):
            cache.prepare(files["cut-short"], model_spec(QWEN), index=3)


def test_the_slider_shows_a_transparent_input_on_a_checkerboard_not_black(tmp_path):
    clear = Image.new("RGBA", (600, 400), (0, 0, 0, 0))
    ImageDraw.Draw(clear).ellipse([200, 100, 400, 300], fill=(220, 30, 30, 255))
    clear.save(tmp_path / "clear.png")
    Image.new("RGB", (300, 200), (0, 0, 0)).save(tmp_path / "result.png")
    before = Image.open(io.BytesIO(aligned_jpeg(tmp_path / "clear.png", tmp_path / "result.png")))
    assert before.size == (300, 200)
    corners = [before.getpixel(point) for point in [(2, 2), (297, 2), (2, 197), (297, 197)]]
    assert all(min(colour) > 190 for colour in corners), corners
    squares = {before.getpixel((x, 4))[0] > 235 for x in range(2, 40, 4)}
    assert squares == {True, False}  # light and lighter grey squares, as editors show it
    red, green, blue = before.getpixel((150, 100))
    assert red > 180 and green < 80 and blue < 80  # the picture itself as it is
