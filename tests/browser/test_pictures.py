"""Issue 22, item 7 in a real Chromium: the editor's pictures and the controls around them.

Nine inputs show in whole rows; Move and Remove show only while there is an input; the
before/after slider's label and buttons sit beside its picture, never on it; a transparent input
shows light (a checkerboard or the page), never black; an unreadable upload is taken out of the
inputs with a sentence beside them, in the page's language, and nothing else is lost. Each is
looked at 1440x900 and 390x844; the screenshots go to the test's tmp dir.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.app_process import AppProcess, app_process

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
WIDTHS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("pictures-app")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "0"}) as running:
        yield running


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> Path:
    """Nine photos of two shapes, a transparent PNG (a red disc, clear corners) and a file
    named .png that is no image."""
    folder = tmp_path_factory.mktemp("pictures")
    for number in range(9):
        size = (800, 600) if number % 2 else (600, 800)
        Image.new("RGB", size, (25 * number, 120, 200)).save(folder / f"photo-{number}.png")
    clear = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    ImageDraw.Draw(clear).ellipse([150, 150, 450, 450], fill=(220, 30, 30, 255))
    clear.save(folder / "transparent.png")
    (folder / "corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 50)
    return folder


def open_page(browser, app: AppProcess, viewport: dict, locale: str = "en-US"):
    page = browser.new_context(viewport=viewport, locale=locale).new_page()
    page.goto(app.url)
    page.locator("#run-button").wait_for(timeout=60_000)  # the machine may be busy
    return page


def add_inputs(page, *paths: Path) -> None:
    before = page.locator("#input-images img").count()
    page.locator("#input-images input[type=file]").first.set_input_files([str(p) for p in paths])
    page.locator("#input-images img").nth(before + len(paths) - 1).wait_for()
    settle(page)


def settle(page) -> None:
    """Waits until the events an upload or a click set off are answered."""
    page.wait_for_function("() => !document.querySelector('.pending, .generating')")


def choose_model(page, name: str) -> None:
    page.locator("#model input").click()
    page.get_by_role("option", name=name).click()
    settle(page)


def run(page, prompt: str) -> None:
    page.locator("#prompt textarea").fill(prompt)
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("1 image in").wait_for(timeout=60_000)
    page.locator("#compare").scroll_into_view_if_needed()  # its pictures load once in view
    page.wait_for_function(LOADED_JS, arg="#compare img")


LOADED_JS = """(selector) => {
    const images = [...document.querySelectorAll(selector)];
    return images.length > 0 && images.every(img => img.complete && img.naturalWidth > 0);
}"""

TILES_JS = """() => {
    const wrap = document.querySelector('#input-images .grid-wrap').getBoundingClientRect();
    return [...document.querySelectorAll('#input-images .thumbnail-item')].map(tile => {
        const box = tile.getBoundingClientRect();
        return {top: box.top - wrap.top, bottom: wrap.bottom - box.bottom,
                left: box.left - wrap.left, right: wrap.right - box.right};
    });
}"""

PICTURE_JS = """() => {
    // the part of the slider's first picture its pixels fill (object-fit: contain)
    const img = document.querySelector('#compare img');
    const box = img.getBoundingClientRect();
    const scale = Math.min(box.width / img.naturalWidth, box.height / img.naturalHeight);
    const width = img.naturalWidth * scale, height = img.naturalHeight * scale;
    const left = box.left + (box.width - width) / 2, top = box.top + (box.height - height) / 2;
    return {left, top, right: left + width, bottom: top + height};
}"""


def overlaps(box: dict, picture: dict) -> bool:
    return not (
        box["x"] + box["width"] <= picture["left"]
        or box["x"] >= picture["right"]
        or box["y"] + box["height"] <= picture["top"]
        or box["y"] >= picture["bottom"]
    )


def pixel(page, locator, x: float, y: float) -> tuple[int, int, int]:
    """The colour the person sees at page point (x, y) inside `locator`'s element."""
    box = locator.bounding_box()
    shot = Image.open(io.BytesIO(locator.screenshot())).convert("RGB")
    return shot.getpixel((int(x - box["x"]), int(y - box["y"])))


@WIDTHS
def test_nine_inputs_show_in_whole_rows(browser, app, pictures, viewport, tmp_path):
    """Nine wan2.7 inputs used to show one and a half rows in a 230 px box: the gallery grows
    by whole rows and every tile lies inside it."""
    page = open_page(browser, app, viewport)
    choose_model(page, "wan2.7-image-pro")
    add_inputs(page, *sorted(pictures.glob("photo-*.png")))
    page.locator("#input-images").screenshot(path=str(tmp_path / "nine-inputs.png"))
    page.screenshot(path=str(tmp_path / "nine-inputs-page.png"), full_page=True)
    tiles = page.evaluate(TILES_JS)
    assert len(tiles) == 9
    cut = [n for n, tile in enumerate(tiles, start=1) if min(tile.values()) < -1]
    assert cut == [], f"inputs {cut} are cut off by the gallery's edge"
    wrap = page.locator("#input-images .grid-wrap")
    assert wrap.evaluate("el => el.scrollHeight <= el.clientHeight + 1")  # nothing scrolled away
    chrome = page.locator("#input-images [data-testid=block-label], #input-images .icon-button")
    for index, tile in enumerate(page.locator("#input-images .thumbnail-item").all(), start=1):
        edges = tile.bounding_box()
        picture = {
            "left": edges["x"],
            "top": edges["y"],
            "right": edges["x"] + edges["width"],
            "bottom": edges["y"] + edges["height"],
        }
        covering = [part for part in chrome.all() if overlaps(part.bounding_box(), picture)]
        assert covering == [], f"input {index} lies under the gallery's label or buttons"
    page.context.close()


def test_move_and_remove_show_only_while_there_is_an_input(browser, app, pictures, tmp_path):
    page = open_page(browser, app, PHONE)
    tools = [page.get_by_role("button", name=name) for name in ("Move left", "Move right")]
    tools.append(page.locator("#input-tools").get_by_role("button", name="Remove"))
    for tool in tools:
        expect(tool).to_be_hidden()
    page.screenshot(path=str(tmp_path / "no-inputs.png"))

    add_inputs(page, pictures / "photo-1.png")
    for tool in tools:
        expect(tool).to_be_visible()
    page.locator("#input-images .thumbnail-item").first.click()
    settle(page)
    tools[2].click()
    expect(page.locator("#input-images img")).to_have_count(0)
    for tool in tools:
        expect(tool).to_be_hidden()


@WIDTHS
def test_the_slider_label_and_buttons_sit_off_its_picture(
    browser, app, pictures, viewport, tmp_path
):
    """The label chip ("Before / after ...") used to float on the picture's top left, and on a
    phone its buttons covered the top right."""
    page = open_page(browser, app, viewport)
    add_inputs(page, pictures / "photo-1.png")
    run(page, "a slider to look at")
    page.locator("#compare").screenshot(path=str(tmp_path / "slider.png"))
    picture = page.evaluate(PICTURE_JS)
    chip = page.locator("#compare [data-testid=block-label]")
    assert not overlaps(chip.bounding_box(), picture), "the label covers the picture"
    buttons = page.locator("#compare .icon-button")
    assert buttons.count() > 0
    for index in range(buttons.count()):
        button = buttons.nth(index)
        label = button.get_attribute("aria-label")
        assert not overlaps(button.bounding_box(), picture), f"{label} covers the picture"
    page.context.close()


@WIDTHS
def test_a_transparent_input_shows_light_in_the_inputs_and_the_slider(
    browser, app, pictures, viewport, tmp_path
):
    """A transparent PNG's clear corners used to turn black on the slider's "before" side; they
    show on a checkerboard there, and on the page's own colour in the inputs."""
    page = open_page(browser, app, viewport)
    add_inputs(page, pictures / "transparent.png")
    run(page, "transparency kept")
    page.screenshot(path=str(tmp_path / "transparent.png"), full_page=True)

    slider = page.locator("#compare")
    slider.scroll_into_view_if_needed()
    picture = page.evaluate(PICTURE_JS)
    width = picture["right"] - picture["left"]
    height = picture["bottom"] - picture["top"]
    for x, y in [(0.06, 0.06), (0.1, 0.9), (0.2, 0.12)]:  # clear corners on the "before" half
        seen = pixel(page, slider, picture["left"] + width * x, picture["top"] + height * y)
        assert min(seen) > 150, f"the slider's before side shows {seen} where the input is clear"

    tile = page.locator("#input-images img").first
    tile.scroll_into_view_if_needed()
    box = tile.bounding_box()
    seen = pixel(page, tile, box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.08)
    assert min(seen) > 150, f"the input's clear top shows {seen}"
    page.context.close()


@pytest.mark.parametrize(
    ("locale", "said", "viewport"),
    [("en-US", "Taken out of the inputs", DESKTOP), ("zh-CN", "已从输入中移除", PHONE)],
    ids=["desktop-en", "phone-zh"],
)
def test_an_unreadable_upload_is_taken_out_and_said_beside_the_inputs(
    browser, app, pictures, locale, said, viewport, tmp_path
):
    """A file that is no image used to stay as a blank "Image 1" tile; it is taken out at once,
    the notes under the inputs name it, and the other inputs and the prompt stay."""
    page = open_page(browser, app, viewport, locale)
    add_inputs(page, pictures / "photo-1.png")
    page.locator("#prompt textarea").fill("keep me")
    page.locator("#input-images input[type=file]").first.set_input_files(
        [str(pictures / "corrupt.png"), str(pictures / "photo-2.png")]
    )
    notes = page.locator("#input-notes")
    expect(notes).to_contain_text(said, timeout=20_000)
    expect(notes).to_contain_text("corrupt.png")
    settle(page)
    expect(page.locator("#input-images .thumbnail-item")).to_have_count(2)
    expect(page.locator("#input-images img")).to_have_count(2)
    names = page.locator("#input-images img").evaluate_all("els => els.map(e => e.src)")
    assert [name.rsplit("/", 1)[-1] for name in names] == ["photo-1.png", "photo-2.png"]
    expect(page.locator("#prompt textarea")).to_have_value("keep me")
    expect(notes).to_contain_text(said)  # the notes' later answers keep saying it
    gallery, note = page.locator("#input-images").bounding_box(), notes.bounding_box()
    assert 0 <= note["y"] - (gallery["y"] + gallery["height"]) < 80  # right under the inputs
    notes.scroll_into_view_if_needed()
    settle(page)
    page.screenshot(path=str(tmp_path / "unreadable.png"))

    add_inputs(page, pictures / "photo-3.png")  # the inputs changed: the sentence has been read
    expect(notes).not_to_contain_text(said, timeout=20_000)  # once the new input is checked
    page.context.close()
