"""Issue 22.6 in a real Chromium set to Chinese (zh-CN): every word the page shows is Chinese.

A visitor walks the page at desktop and phone width: the Edit tab before and after a run on the
simulator (the status line, its usage and notes), a refused Results (n), a comparison, History with
the run opened and shared, the shared run's own tab, and a corrupt file among the inputs. At
each step the text a person can see (the page's text, and the title, placeholder and aria-label
of what is shown) must hold no English: no ASCII word of three letters or more outside a short
list of names (models, brands, file formats, keys), whether it stands alone ("Image 1", "OK") or
in a sentence.

What people and models wrote is theirs, not the page's words, and is left out: the examples'
prompts (sent to the model as they are), the simulator's revised prompt, the parameters as JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import TimeoutError

from examples import EXAMPLES
from tests.app_process import AppProcess, app_process
from tests.browser.test_page import PHONE

pytestmark = pytest.mark.browser

PROMPT = "把天空改成晚霞"
NAMES = re.compile(r"\S*[\d_]\S*")
"""Tokens with a digit or an underscore are names or values, never English prose:
qwen-image-2.0-pro, wan2.7-image-pro, POWERTOKENS_API_KEY, request ids, 1024*1024, 0.2."""
ALLOWED_WORDS = {
    # brands and products named as they are spelled
    "API",
    "MCP",
    "PowerTokens",
    "Gradio",
    # keys on the keyboard
    "Ctrl",
    "Enter",
    # file formats
    "JPEG",
    "PNG",
    "WebP",
    "BMP",
    "TIFF",
    "GIF",
    "JSON",
    "zip",
}
GRADIO_LABELS = (
    "Click to upload or drop files",
    "Paste from clipboard",
    "Upload file",
    "Delete image",
    "Thumbnail",
    "Fullscreen",
    "Exit fullscreen mode",
    "Gradio footer navigation",
    "Line number",
    "Empty value",
    "Copy",
    "Collapse",
    "Expand",
    "undo",
    "Clear",
    "Remove",
    "Download",
    "Share",
    "Close",
)
"""Labels (aria-label, and the title of its icon buttons) that Gradio 6.31's own components write in
English with no translation key: the page cannot give them another language."""
VISIBLE_WORDS_JS = """() => {
    const data = [...document.querySelectorAll('.json-holder, .cm-editor')];
    const shown = data.map(el => el.style.display);
    data.forEach(el => { el.style.display = 'none'; });
    const out = [document.body.innerText];
    data.forEach((el, i) => { el.style.display = shown[i]; });
    for (const el of document.querySelectorAll('[title], [placeholder], [aria-label]')) {
        const box = el.getBoundingClientRect();
        if (!box.width && !box.height) continue;
        for (const name of ['title', 'placeholder', 'aria-label']) {
            const value = el.getAttribute(name);
            if (value) out.push(name === 'placeholder' ? value : '[label] ' + value);
        }
    }
    return out.join('\\n');
}"""
"""The page's text but its JSON views (parameters, not words), and the shown elements' titles,
placeholders and aria-labels (marked, so Gradio's own can be told apart)."""


def english_in(text: str, content: list[str]) -> list[str]:
    """The English left in `text`: each line's words outside the allowed names, once the
    people's and models' own `content` is taken out."""
    for written in sorted(content, key=len, reverse=True):
        text = text.replace(written, "")
    found = []
    for line in text.splitlines():
        if line.startswith("[label] "):
            line = line[len("[label] ") :]
            if line.startswith(GRADIO_LABELS):
                continue
        if _example_prompt(line):
            continue
        words = [
            word
            for word in re.findall(r"[A-Za-z]{3,}", NAMES.sub(" ", line))
            if word not in ALLOWED_WORDS
        ]
        if words:
            found.append(line.strip())
    return found


def _example_prompt(line: str) -> bool:
    """A cell of the examples' table: the start of an example's prompt, cut with "..."."""
    shown = line.strip().removesuffix("...")
    return len(shown) > 10 and any(example.prompt.startswith(shown) for example in EXAMPLES)


def check(page, where: str, shots: Path, content: list[str] = ()) -> None:
    """No English on the page as it stands (screenshot kept for a person to look at)."""
    page.screenshot(path=str(shots / f"{where}.png"), full_page=True)
    english = english_in(page.evaluate(VISIBLE_WORDS_JS), list(content))
    assert not english, f"English on the Chinese page ({where}): {english}"


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("chinese")
    with app_process(["python", "app.py"], root, env={"SIMULATOR_LATENCY": "0.2"}) as running:
        yield running


@pytest.fixture
def pictures(tmp_path) -> tuple[Path, Path]:
    """A photo, and a file named like one that is no picture at all."""
    photo, corrupt = tmp_path / "photo.png", tmp_path / "corrupt.png"
    Image.new("RGB", (800, 600), (90, 140, 210)).save(photo)
    corrupt.write_bytes(b"\x89PNG this is not a picture")
    return photo, corrupt


@pytest.mark.parametrize("viewport", [PHONE], ids=["phone"])
def test_the_chinese_page_shows_no_english_from_edit_to_a_shared_run(
    browser, app, pictures, viewport, tmp_path
):
    photo, corrupt = pictures
    shots = tmp_path / f"{viewport['width']}"
    shots.mkdir()
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    page = context.new_page()
    page.goto(app.url)
    page.get_by_role("button", name="运行", exact=True).wait_for()
    # the notes the page was built with are said again in Chinese when it loads; if they stay
    # English, the check names them
    with suppress(TimeoutError):
        page.locator("#input-notes").get_by_text("张输入图片").wait_for(timeout=15_000)
    check(page, "start", shots)

    page.locator("#input-images input[type=file]").set_input_files([str(photo)])
    page.locator("#input-images").get_by_text("图 1", exact=True).wait_for()
    page.locator("#prompt textarea").fill(PROMPT)
    page.locator("#n input").fill("9")  # qwen makes at most 6 at once
    page.locator("#run-button").click()
    page.locator("#run-status").get_by_text("未运行").wait_for()
    check(page, "n-refused", shots)

    page.locator("#n input").fill("1")
    page.locator("#run-button").click()
    status = page.locator("#run-status")
    status.get_by_text("用时").wait_for(timeout=60_000)
    status.get_by_text("本次会话").wait_for()
    revised = page.get_by_label("改写后的提示词").input_value()
    check(page, "after-run", shots, [revised])

    page.get_by_text("对比模型 × 种子").click()
    page.locator("#compare-seeds textarea").fill("1, 2")
    page.locator("#compare-plan").get_by_text("将生成").wait_for()
    page.locator("#compare-button").click()
    page.locator("#compare-status").get_by_text("本次对比").wait_for(timeout=60_000)
    page.locator("#compare-panel").scroll_into_view_if_needed()
    check(page, "comparison", shots, [revised])

    page.get_by_role("tab", name="历史").click()
    page.locator("#history-usage").get_by_text("张图片").wait_for()
    page.locator("#history-gallery").get_by_text(PROMPT).first.click()
    detail = page.locator("#run-detail")
    detail.get_by_text(f"提示词： {PROMPT}", exact=True).wait_for()
    page.locator("#share-button").click()
    link_field = page.locator("#share-link").locator("input, textarea")
    page.wait_for_function(
        "() => (document.querySelector('#share-link input, #share-link textarea') || {}).value"
    )
    link = link_field.input_value()
    page.locator("#share-links").get_by_text("创建于").first.wait_for()
    check(page, "history", shots, [revised, link])

    friend = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    friend.goto(link)
    friend.locator("#shared-run").get_by_text(PROMPT).first.wait_for()
    friend.locator("#shared-inputs").get_by_text("图 1", exact=True).wait_for()
    check(friend, "shared-run", shots, [revised])
    friend.context.close()

    page.get_by_role("tab", name="编辑").click()
    page.locator("#input-images input[type=file]").set_input_files([str(corrupt)])
    page.locator("#input-notes").get_by_text("已从输入中移除").wait_for()  # taken out, named
    check(page, "corrupt-file", shots, [revised, corrupt.name])  # the file named is content
    context.close()


def test_what_counts_as_english_on_the_chinese_page():
    assert english_in("1 of 1 images in 0.2 s · seed 12", []) == [
        "1 of 1 images in 0.2 s · seed 12"
    ]
    assert english_in("Image 1", []) == ["Image 1"]
    assert english_in("OK · qwen-image-2.0-pro · simulator", []) != []
    assert english_in("**1 张图片**，用时 0.2 秒 · 种子 12 · qwen-image-2.0-pro", []) == []
    assert english_in("文件最大 50 MB；JPEG、PNG 或 GIF · 10 px", []) == []
    assert english_in("提示词：make it snow", ["make it snow"]) == []
    assert english_in("[label] Delete image", []) == []
    assert english_in("[label] Made by the simulator", []) == ["Made by the simulator"]
