"""Issue 24 in a real Chromium: History's list says how many runs and branches a run's tree
holds; opening a run shows its tree with the run marked, and a click on a run of the tree opens
it; deleting a run that later runs grew from asks what happens to them and does what it said
(this run only: the tree shows the gap and the later run stays; with its later runs: they go).

The runs are made through the API (`/edit` with `parent`) by the same visitor as the browser:
the gradio_client presents the browser's own owner cookie. The app runs on its simulator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from gradio_client import Client, handle_file
from PIL import Image

from tests.app_process import AppProcess, app_process
from tests.browser.test_page import DESKTOP, PHONE
from ui.core.owner import COOKIE_BASE
from ui.core.texts import text_in

pytestmark = pytest.mark.browser

HISTORY_TAB = re.compile("^(History|历史)$")
REFRESH = re.compile("^(Refresh|刷新)$")
PROMPTS = ("a cat on a sofa", "make the hat red", "now at night", "remove the dog")
"""The root, its child, the child's child, and a branch from the root."""


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("tree")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "0.1"}) as running:
        yield running


@pytest.fixture(scope="module")
def picture(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pictures") / "square.png"
    Image.new("RGB", (512, 384), (90, 140, 200)).save(path)
    return path


def same_visitor(context, url: str) -> Client:
    """A gradio_client presenting the owner cookie the page gave this browser."""
    [cookie] = [c for c in context.cookies() if COOKIE_BASE in c["name"]]
    return Client(url, headers={"Cookie": f"{cookie['name']}={cookie['value']}"}, verbose=False)


def grow_tree(client: Client, picture: Path) -> dict[str, str]:
    """root → child → grandchild, and root → branch; their run ids by role."""

    def edit(prompt: str, images: list, parent: str = "") -> str:
        answer = client.predict(images=images, prompt=prompt, parent=parent, api_name="/edit")
        assert answer[3], answer
        return answer[3]

    root = edit(PROMPTS[0], [handle_file(str(picture))])
    child = edit(PROMPTS[1], [], root)
    grandchild = edit(PROMPTS[2], [], child)
    branch = edit(PROMPTS[3], [], f"{root}#1")
    return {"root": root, "child": child, "grandchild": grandchild, "branch": branch}


def open_history(context, app: AppProcess, picture: Path):
    """A page of a visitor who has the tree (made after the page loaded), on History."""
    page = context.new_page()
    page.goto(app.url)
    runs = grow_tree(same_visitor(context, app.url), picture)
    page.get_by_role("tab", name=HISTORY_TAB).click()
    page.get_by_role("button", name=REFRESH).click()  # the list was read when the page loaded
    page.locator("#history-gallery").get_by_text(PROMPTS[3]).first.wait_for(timeout=30_000)
    return page, runs


def caption_of(page, prompt: str) -> str:
    return page.locator("#history-gallery .caption-label", has_text=prompt).first.inner_text()


def open_run(page, prompt: str) -> None:
    page.locator("#history-gallery").get_by_text(prompt).first.click()
    page.locator("#run-detail").get_by_text(prompt).first.wait_for()


def node(page, run_id: str):
    return page.locator(f'#run-tree .tree-node[data-run="{run_id}"]')


def assert_fits(page) -> None:
    """Nothing runs off the page's side (the tree scrolls inside its own box)."""
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    box = page.locator("#run-tree").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box


def test_the_list_counts_the_tree_and_delete_does_what_it_asked(browser, app, picture, tmp_path):
    context = browser.new_context(viewport=DESKTOP)
    page, runs = open_history(context, app, picture)
    for prompt in PROMPTS:
        assert caption_of(page, prompt).endswith("· 4 runs, 2 branches"), caption_of(page, prompt)
    page.screenshot(path=str(tmp_path / "list-desktop.png"))

    open_run(page, PROMPTS[0])
    node(page, runs["root"]).and_(page.locator(".opened")).wait_for()
    assert page.locator("#run-tree .tree-node").count() == 4
    page.locator("#run-tree").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "tree-desktop.png"))

    node(page, runs["child"]).click()  # a run of the tree opens
    page.locator("#run-detail").get_by_text(PROMPTS[1]).first.wait_for()
    node(page, runs["child"]).and_(page.locator(".opened")).wait_for()

    page.locator("#delete-button").click()
    ask = page.locator("#confirm-delete")
    only = ask.get_by_role("button", name=text_in("en", "delete_run_only_one"))
    only.wait_for()
    ask.get_by_role("button", name=text_in("en", "delete_with_later_one")).wait_for()
    ask.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "ask-desktop.png"))
    page.set_viewport_size(PHONE)
    ask.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "ask-phone.png"))
    page.set_viewport_size(DESKTOP)

    only.click()  # this run only: the grandchild stays, behind a gap
    page.locator("#history-gallery").get_by_text(PROMPTS[1]).wait_for(state="detached")
    assert caption_of(page, PROMPTS[2]).endswith("· 3 runs, 2 branches")
    open_run(page, PROMPTS[2])
    page.locator("#run-tree .tree-gap", has_text="a deleted run").wait_for()
    node(page, runs["grandchild"]).and_(page.locator(".opened")).wait_for()
    assert node(page, runs["child"]).count() == 0
    page.locator("#run-tree").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "gap-desktop.png"))

    open_run(page, PROMPTS[0])  # the root with its later run (the branch; not behind the gap)
    page.locator("#delete-button").click()
    ask.get_by_role("button", name=text_in("en", "delete_with_later_one")).click()
    gallery = page.locator("#history-gallery")
    for gone in (PROMPTS[0], PROMPTS[3]):
        gallery.get_by_text(gone).wait_for(state="detached")
    assert caption_of(page, PROMPTS[2]).endswith("· done")  # alone now
    context.close()


@pytest.mark.parametrize(("viewport", "locale"), [(PHONE, "zh-CN")])
def test_the_tree_and_its_question_fit_a_phone(browser, app, picture, tmp_path, viewport, locale):
    context = browser.new_context(viewport=viewport, locale=locale)
    page, runs = open_history(context, app, picture)
    language = "zh" if locale == "zh-CN" else "en"
    words = text_in(language, "tree_shape", runs=4, branches=2)
    assert caption_of(page, PROMPTS[0]).endswith(f"· {words}")
    page.locator("#history-gallery").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / f"list-phone-{locale}.png"))
    entry = page.locator("#history-gallery .caption-label", has_text=PROMPTS[0]).first
    assert entry.evaluate("e => e.scrollHeight <= e.clientHeight"), "the tree's words cut off"

    open_run(page, PROMPTS[0])
    node(page, runs["root"]).and_(page.locator(".opened")).wait_for()
    page.locator("#run-tree").scroll_into_view_if_needed()
    assert_fits(page)
    page.screenshot(path=str(tmp_path / f"tree-phone-{locale}.png"))

    page.locator("#delete-button").click()
    ask = page.locator("#confirm-delete")
    ask.get_by_role("button", name=text_in(language, "delete_run_only", later=3)).wait_for()
    ask.get_by_role("button", name=text_in(language, "delete_with_later", later=3)).wait_for()
    ask.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.screenshot(path=str(tmp_path / f"ask-phone-{locale}.png"))
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(tmp_path / f"ask-desktop-{locale}.png"))
    context.close()


def test_continue_editing_from_a_result_in_history_makes_the_next_run_its_child(
    browser, app, picture, tmp_path
):
    context = browser.new_context(viewport=DESKTOP)
    page, runs = open_history(context, app, picture)
    open_run(page, PROMPTS[2])  # the grandchild
    page.locator("#history-continue").click()
    page.locator("#input-images img").first.wait_for()
    assert page.locator("#input-images img").count() == 1  # its result, the only input
    assert page.locator("#prompt textarea").input_value() == ""  # ready for the next turn
    page.locator("#prompt textarea").fill("add a moon")
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("1 image in").wait_for(timeout=60_000)
    page.screenshot(path=str(tmp_path / "continued-from-history.png"))

    tree = same_visitor(context, app.url).predict(runs["root"], api_name="/history_tree")
    [turn] = [n for n in tree["nodes"] if n["prompt"] == "add a moon"]
    assert (turn["parent"], turn["result_index"]) == (runs["grandchild"], 1)
    context.close()
