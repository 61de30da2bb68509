"""Region boxes drawn by dragging, in a real Chromium, against a live simulator that logs what
it received.

A drag on the panel's picture shows its box while the pointer moves, makes the box when it is
let go, and the boxes reach the wire in the picture's own pixels (the picture is shown smaller
than it is). Several boxes go on one picture and one is removed with its ×; the keyboard draws
one too (arrow keys and Enter); opening the panel asks the server nothing. On a phone the same is
done with a finger.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator
from tests.browser.test_region_boxes import WAN, garden, logged_requests

pytestmark = pytest.mark.browser

SIZE = (800, 600)
"""The picture's own size (garden()); the panel shows it smaller at both widths."""
STEPS = 6
"""Moves between a drag's press and its release."""


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("region-drag")
    with app_on_simulator(simulator, root) as running:
        yield running


def js_round(value: float) -> int:
    """Math.round: halves go up."""
    return math.floor(value + 0.5)


def picture_frame(page) -> dict:
    picture = page.locator("#region-preview img")
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const img = document.querySelector('#region-preview img');"
        " return img && img.complete && img.naturalWidth > 0; }"
    )
    return picture.bounding_box()


def on_screen(frame: dict, point: tuple[int, int]) -> tuple[int, int]:
    """The whole screen pixel nearest to where the picture's pixel `point` is shown."""
    return (
        round(frame["x"] + point[0] * frame["width"] / SIZE[0]),
        round(frame["y"] + point[1] * frame["height"] / SIZE[1]),
    )


def in_picture(frame: dict, screen: tuple[int, int]) -> list[int]:
    """The picture's pixel under a screen pixel: what a page that converts must send."""
    x = js_round((screen[0] - frame["x"]) * SIZE[0] / frame["width"])
    y = js_round((screen[1] - frame["y"]) * SIZE[1] / frame["height"])
    return [min(max(x, 0), SIZE[0]), min(max(y, 0), SIZE[1])]


def expected_box(frame: dict, start: tuple[int, int], end: tuple[int, int]) -> list[int]:
    (x1, y1), (x2, y2) = in_picture(frame, start), in_picture(frame, end)
    return [min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)]


def path(start: tuple[int, int], end: tuple[int, int]) -> list[tuple[float, float]]:
    return [
        (
            start[0] + (end[0] - start[0]) * step / STEPS,
            start[1] + (end[1] - start[1]) * step / STEPS,
        )
        for step in range(1, STEPS + 1)
    ]


class EventRequests:
    """The events the page sends the app (POSTs: its files, heartbeat and the queue's long
    stream of answers are not events), counted as they go."""

    def __init__(self, page) -> None:
        self.page, self.in_flight, self.sent = page, set(), []
        page.on("request", self.started)
        page.on("requestfinished", self.ended)
        page.on("requestfailed", self.ended)

    def started(self, request) -> None:
        if request.method == "POST" and "/gradio_api/" in request.url:
            self.in_flight.add(request)
            self.sent.append(request.url)

    def ended(self, request) -> None:
        self.in_flight.discard(request)

    def settle(self) -> None:
        """Waits until no event has been under way for a while (a chain's next step starts
        the moment the last one ends)."""
        quiet = 0
        while quiet < 6:
            self.page.wait_for_timeout(250)
            quiet = 0 if self.in_flight else quiet + 1


def open_panel(page, requests: EventRequests, pictures: list, title: str) -> list[str]:
    """Adds the pictures, picks a model that takes boxes, lets the page settle, opens the panel
    and returns the event requests that opening it made."""
    page.locator("#input-images input[type=file]").set_input_files([str(p) for p in pictures])
    page.locator("#input-images img").nth(len(pictures) - 1).wait_for()
    page.locator("#model input").click()
    page.get_by_role("option", name=WAN, exact=True).click()
    requests.settle()
    before = len(requests.sent)
    page.locator("#region-panel").get_by_text(title).first.click()
    picture_frame(page)
    requests.settle()
    return requests.sent[before:]


def test_a_mouse_drag_shows_its_box_and_sends_it_in_the_pictures_own_pixels_as_keys_do(
    browser, app, sim, tmp_path
):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    requests = EventRequests(page)
    page.goto(app.url)
    sky = tmp_path / "sky.png"
    Image.new("RGB", (400, 300), (90, 140, 220)).save(sky)
    asked = open_panel(page, requests, [garden(tmp_path / "garden.png"), sky], "Region boxes")
    assert asked == []  # opening the panel asks the server nothing: the picture is at hand
    frame = picture_frame(page)
    assert frame["width"] < SIZE[0]  # shown smaller: every point is converted

    start, end = on_screen(frame, (520, 420)), on_screen(frame, (200, 150))  # right to left
    page.mouse.move(*start)
    page.mouse.down()
    for point in path(start, end)[:-2]:
        page.mouse.move(*point)
    draft = page.locator("#region-preview .region-draft")
    draft.wait_for()
    shown = draft.bounding_box()
    page.screenshot(path=str(tmp_path / "mid-drag.png"))
    assert shown["width"] > 50 and shown["height"] > 50  # the box grows with the pointer
    assert abs(shown["x"] + shown["width"] - start[0]) <= 2
    for point in path(start, end)[-2:]:
        page.mouse.move(*point)
    page.mouse.up()
    first = expected_box(frame, start, end)
    assert draft.count() == 0
    page.locator("#region-preview .region-box").first.wait_for()
    page.locator("#region-note").get_by_text(f"1 {first}").wait_for()

    second_start, second_end = on_screen(frame, (560, 60)), on_screen(frame, (760, 240))
    page.mouse.move(*second_start)
    page.mouse.down()
    for point in path(second_start, second_end):
        page.mouse.move(*point)
    page.mouse.up()
    second = expected_box(frame, second_start, second_end)
    assert page.locator("#region-preview .region-box").count() == 2
    page.locator("#region-note").get_by_text(str(second)).wait_for()
    page.screenshot(path=str(tmp_path / "two-boxes.png"))

    page.get_by_role("button", name="Remove box 1").click()
    assert page.locator("#region-preview .region-box").count() == 1
    note = page.locator("#region-note")
    note.get_by_text(f"1 {second}").wait_for()
    assert str(first) not in note.inner_text()

    page.locator("#region-preview .region-layer").focus()  # as Tab gets there: keys draw
    page.keyboard.press("Enter")  # a corner under the cross, which starts in the middle
    page.locator("#region-preview").get_by_text("First corner at (400, 300)").wait_for()
    for key in ("Shift+ArrowRight", "Shift+ArrowRight", "Shift+ArrowDown"):
        page.keyboard.press(key)  # a tenth of the picture's side each
    page.keyboard.press("Enter")
    keyed = [400, 300, 560, 360]
    page.locator("#region-note").get_by_text(f"2 {keyed}").wait_for()

    page.locator("#prompt textarea").fill("a kite in the sky")
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("1 image in").wait_for(timeout=60_000)
    [sent] = logged_requests(sim)
    assert sent["model"] == WAN
    assert sent["bbox_list"] == [[second, keyed], []]  # exactly, in the picture's own pixels
    page.close()


def touch(session, kind: str, point: tuple[float, float] | None) -> None:
    points = [] if point is None else [{"x": point[0], "y": point[1]}]
    session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def test_a_finger_drag_on_a_phone_draws_a_box_said_in_chinese(browser, app, sim, tmp_path):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True, locale="zh-CN"
    )
    page = context.new_page()
    requests = EventRequests(page)
    page.goto(app.url)
    asked = open_panel(page, requests, [garden(tmp_path / "garden.png")], "区域框")
    assert asked == []
    frame = picture_frame(page)
    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= 390  # the whole picture in view
    start, end = on_screen(frame, (100, 100)), on_screen(frame, (600, 500))
    session = context.new_cdp_session(page)
    touch(session, "touchStart", start)
    for point in path(start, end):
        touch(session, "touchMove", point)
    page.locator("#region-preview .region-draft").wait_for()
    page.screenshot(path=str(tmp_path / "phone-mid-drag.png"))
    touch(session, "touchEnd", None)
    box = expected_box(frame, start, end)
    page.locator("#region-note").get_by_text(str(box)).wait_for()
    remove = page.get_by_role("button", name="删除框 1")
    assert remove.bounding_box()["width"] >= 30  # a finger's target
    page.locator("#region-panel").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "phone-box.png"))
    remove.tap()
    page.locator("#region-note").get_by_text("图 1 上还没有框").wait_for()
    context.close()
