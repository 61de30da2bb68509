"""Issue 22 item 8 in a real Chromium: the editor survives a reload (per browser, never the key,
never another visitor's pictures), a new seed is one click beside Seed, and History runs an
opened run again with a new seed in one click.

The app runs on its built-in simulator.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.app_process import AppProcess, app_process

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
SEED_MAX = 2_147_483_647


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("reload")
    with app_process(["python", "app.py"], root) as running:
        yield running


@pytest.fixture(scope="module")
def pictures(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("pictures")
    paths = []
    for name, colour in (("teal.png", (20, 150, 140)), ("plum.png", (140, 60, 120))):
        Image.new("RGB", (640, 480), colour).save(folder / name)
        paths.append(folder / name)
    return paths


def open_page(context, app: AppProcess):
    page = context.new_page()
    page.goto(app.url)
    page.locator("#run-button").wait_for()
    return page


def add_inputs(page, paths: list[Path]) -> None:
    page.locator("#input-images input[type=file]").set_input_files([str(p) for p in paths])
    page.locator("#input-images img").nth(len(paths) - 1).wait_for()


def input_count(page) -> int:
    return page.locator("#input-images img").count()


def wait_until_kept(page, prompt: str) -> None:
    """The page keeps the editor a moment after a change: wait until localStorage holds it."""
    page.wait_for_function(
        "(prompt) => Object.values(localStorage).some((v) => v.length > 40)"
        " && document.querySelector('#prompt textarea').value === prompt",
        arg=prompt,
    )
    page.wait_for_timeout(1500)  # the last change's answer (always_last) lands in the store


def wait_for_used_seed(page, seed: str) -> None:
    """Waits until a run's results show and its "Seed used" is `seed`."""
    used = page.get_by_label("Seed used")
    page.wait_for_function(
        "([el, seed]) => el.value === seed", arg=[used.element_handle(), seed], timeout=60_000
    )
    page.locator("#results img").first.wait_for()


def test_the_editor_comes_back_after_a_reload_and_runs(browser, app, pictures, tmp_path):
    context = browser.new_context(viewport=DESKTOP)
    page = open_page(context, app)
    page.locator("#run-plan").get_by_text("Will make 1 image").wait_for()  # the page loaded
    page.wait_for_timeout(1000)  # ... and so did the editor's restore: nothing kept on a first
    assert page.get_by_text("Error", exact=True).count() == 0  # visit, and nothing refused
    add_inputs(page, pictures)
    page.locator("#prompt textarea").fill("turn the teal square into a lake")
    page.locator("#n input").fill("2")
    page.locator("#prompt-extend input").uncheck()
    page.locator("#key-panel").click()
    page.locator("#key-panel input[type=password]").fill("sk-never-kept-0123456789")
    wait_until_kept(page, "turn the teal square into a lake")
    stored = page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert "sk-never-kept" not in stored

    page.reload()
    page.locator("#run-button").wait_for()
    page.locator("#input-images img").nth(1).wait_for(timeout=15_000)
    assert input_count(page) == 2
    prompt = page.locator("#prompt textarea")
    assert prompt.input_value() == "turn the teal square into a lake"
    assert page.locator("#n input").input_value() == "2"
    assert not page.locator("#prompt-extend input").is_checked()
    page.locator("#key-panel").click()
    assert page.locator("#key-panel input[type=password]").input_value() == ""
    page.screenshot(path=str(tmp_path / "reloaded.png"))

    page.locator("#run-button").click()
    page.locator("#results img").nth(1).wait_for(timeout=60_000)
    assert page.locator("#results img").count() == 2

    phone = context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(app.url)
    phone.locator("#input-images img").nth(1).wait_for(timeout=15_000)
    phone.screenshot(path=str(tmp_path / "reloaded-phone.png"), full_page=True)
    context.close()


def test_another_visitor_given_the_stored_editor_gets_no_picture(browser, app, pictures):
    first = browser.new_context(viewport=DESKTOP)
    page = open_page(first, app)
    add_inputs(page, pictures[:1])
    page.locator("#prompt textarea").fill("a secret picture")
    wait_until_kept(page, "a secret picture")
    local_storage = [o for o in first.storage_state()["origins"]]
    first.close()

    # the same localStorage in a browser with another visitor's cookie
    other = browser.new_context(
        viewport=DESKTOP, storage_state={"cookies": [], "origins": local_storage}
    )
    page = open_page(other, app)
    page.locator("#prompt textarea").wait_for()
    page.wait_for_function(
        "() => document.querySelector('#prompt textarea').value === 'a secret picture'"
    )
    page.wait_for_timeout(1000)
    assert input_count(page) == 0  # the words come back; the picture is not theirs
    other.close()


def test_the_dice_puts_a_new_seed_that_the_run_uses(browser, app, pictures, tmp_path):
    context = browser.new_context(viewport=DESKTOP)
    page = open_page(context, app)
    add_inputs(page, pictures[:1])
    page.locator("#prompt textarea").fill("a dice roll")
    seed = page.locator("#seed textarea")
    page.locator("#new-seed").click()
    page.wait_for_function("() => document.querySelector('#seed textarea').value !== ''")
    first = seed.input_value()
    assert 0 <= int(first) <= SEED_MAX
    page.locator("#new-seed").click()
    page.wait_for_function(
        "(old) => document.querySelector('#seed textarea').value !== old", arg=first
    )
    rolled = seed.input_value()
    assert 0 <= int(rolled) <= SEED_MAX
    page.screenshot(path=str(tmp_path / "dice.png"))
    page.locator("#run-button").click()
    wait_for_used_seed(page, rolled)
    phone = context.new_page()
    phone.set_viewport_size(PHONE)
    phone.goto(app.url)
    phone.locator("#new-seed").scroll_into_view_if_needed()
    phone.screenshot(path=str(tmp_path / "dice-phone.png"))
    context.close()


def test_history_runs_an_opened_run_again_with_a_new_seed_in_one_click(
    browser, app, pictures, tmp_path
):
    context = browser.new_context(viewport=DESKTOP)
    page = open_page(context, app)
    add_inputs(page, pictures[:1])
    page.locator("#prompt textarea").fill("the same lake again")
    page.locator("#seed textarea").fill("1234")
    page.get_by_label("Randomize seed").uncheck()
    page.locator("#run-button").click()
    wait_for_used_seed(page, "1234")

    page.get_by_role("tab", name="History").click()
    page.locator("#history-gallery").get_by_text("the same lake again").first.click()
    page.locator("#run-detail").get_by_text("Prompt: the same lake again", exact=True).wait_for()
    page.screenshot(path=str(tmp_path / "history-new-seed.png"))
    page.locator("#run-again-seed").click()

    page.wait_for_function(
        "() => !['', '1234'].includes(document.querySelector('#seed textarea').value)"
    )
    seed = page.locator("#seed textarea").input_value()
    page.screenshot(path=str(tmp_path / "run-again-new-seed.png"))
    assert seed != "1234" and 0 <= int(seed) <= SEED_MAX
    wait_for_used_seed(page, seed)
    assert page.locator("#prompt textarea").input_value() == "the same lake again"
    page.get_by_role("tab", name="History").click()
    page.locator("#history-gallery").get_by_text("the same lake again").nth(1).wait_for()
    context.close()
