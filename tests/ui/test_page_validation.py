"""The Run button's validator: a value the service would refuse is named next to its field.

`validate_page` gets the Edit tab's values as keywords named after the controls and answers one
verdict per input, in the same order; only the failing control carries a message, taken from the
model table's limits.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PIL import Image

from client.preparation import PreparationCache
from tests.ui.test_editor_rules import built_tab, page_context
from ui.core.controls import CONTROL_NAMES, CUSTOM_CHOICE, CUSTOM_SIZE
from ui.core.runs import Runner
from ui.editor.handlers import EditorHandlers


@pytest.fixture
def handlers() -> EditorHandlers:
    runner = Runner(backend=None, store=None, preparation=PreparationCache())
    tab, _banner = built_tab()
    return EditorHandlers(page_context(runner), tab)


@pytest.fixture
def picture(tmp_path) -> str:
    path = tmp_path / "in.png"
    Image.new("RGB", (640, 480), "olive").save(path)
    return str(path)


def page_values(picture: str, **changes) -> dict:
    values = {
        "images": [(picture, None)],
        "prompt": "make it snow",
        "negative_prompt": "",
        "model": "qwen-image-2.0-pro",
        "custom_model": "",
        "n": 1,
        "size": "1024*1024",
        "width": None,
        "height": None,
        "seed": None,
        "randomize_seed": True,
        "watermark": False,
        "prompt_extend": True,
        "response_format": "b64_json",
        "encoding": "json",
        "extra": "",
        "wire_format": "flat",
        "bbox_list": "",
    }
    assert set(values) == {"images", *CONTROL_NAMES}  # every control of the editor
    return {**values, **changes, "key": None}


def verdicts(handlers: EditorHandlers, values: dict) -> dict[str, str]:
    answers = handlers.validate_page(**values)
    assert len(answers) == len(values)
    return {
        name: a["message"] for name, a in zip(values, answers, strict=True) if not a["is_valid"]
    }


def test_valid_values_pass(handlers, picture):
    assert verdicts(handlers, page_values(picture)) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"prompt": "  "}, "prompt", "The prompt is empty."),
        ({"prompt": "x" * 801}, "prompt", "the limit is 800"),
        ({"negative_prompt": "y" * 501}, "negative_prompt", "the limit is 500"),
        ({"n": 7}, "n", "qwen-image-2.0-pro makes 1 to 6 results"),
        ({"n": 5, "model": "wan2.7-image-pro"}, "n", "wan2.7-image-pro makes 1 to 4 results"),
        ({"n": 0}, "n", "Results (n) is 0: qwen-image-2.0-pro makes 1 to 6"),
        ({"n": None}, "n", "Results (n) is empty"),
        ({"n": 2.5}, "n", "Results (n) is 2.5"),
        ({"model": CUSTOM_CHOICE}, "custom_model", "Type the custom model's name."),
        ({"size": CUSTOM_SIZE, "width": 600}, "width", "The size is 600 × empty"),
        ({"size": CUSTOM_SIZE, "width": 4096, "height": 4096}, "width", "2048×2048"),
        ({"size": CUSTOM_SIZE, "width": 1280.5, "height": 720}, "width", "1280.5 × 720"),
        ({"seed": 3_000_000_000, "randomize_seed": False}, "seed", "0 to 2147483647"),
        ({"seed": "-5", "randomize_seed": False}, "seed", "The seed is -5"),
        ({"extra": "{oops"}, "extra", "extra is not valid JSON"),
        ({"extra": '{"parameters": {"api_key": "x"}}'}, "extra", "extra.parameters.api_key"),
        ({"extra": '{"input": {"a": [{"Cookie": "c"}]}}'}, "extra", "keys or secrets"),
        ({"extra": '{"parameters": {"p": "' + "x" * 70_000 + '"}}'}, "extra", "64 KB"),
        ({"model": CUSTOM_CHOICE, "custom_model": "m" * 101}, "custom_model", "limit is 100"),
        ({"size": "2K"}, "size", 'size "2K" is not taken by qwen-image-2.0-pro'),
        ({"bbox_list": "[[[1, 2, 3, 4]]]"}, "bbox_list", "**Region boxes** is not taken by qwen"),
        (
            {"model": "wan2.7-image-pro", "bbox_list": "[[[1, 2, 3000, 4]]]"},
            "bbox_list",
            "reaches outside that image (640×480 pixels)",
        ),
        ({"encoding": "multipart", "wire_format": "messages"}, "wire_format", "JSON only"),
        ({"images": []}, "images", "takes 1 to 3 input images; got 0"),
    ],
)
def test_a_refused_value_is_reported_on_its_own_field(handlers, picture, changes, field, message):
    problems = verdicts(handlers, page_values(picture, **changes))
    assert list(problems) == [field]
    assert message in problems[field]


def test_an_unreadable_upload_is_reported_on_the_images(handlers, picture, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not really a jpeg")
    problems = verdicts(
        handlers, page_values(picture, images=[(picture, None), (str(broken), None)])
    )
    assert list(problems) == ["images"] and problems["images"].startswith("Image 2: ")


CHINESE_BROWSER = SimpleNamespace(headers={"accept-language": "zh-CN,zh;q=0.9"})
"""A request from a browser set to zh-CN: what validate_page and start_run read the language of."""


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"n": 6, "model": "wan2.7-image-pro"}, "n", "wan2.7-image-pro 一次生成 1 到 4 张"),
        ({"seed": "-1", "randomize_seed": False}, "seed", "种子为 -1"),
        ({"size": CUSTOM_SIZE, "width": 100, "height": 100}, "width", "尺寸为 100 × 100"),
    ],
)
def test_a_refused_number_is_told_beside_its_field_and_under_run_in_the_pages_language(
    handlers, picture, changes, field, message
):
    values = page_values(picture, **changes)
    answers = handlers.validate_page(CHINESE_BROWSER, **values)
    problems = {
        name: a["message"] for name, a in zip(values, answers, strict=True) if not a["is_valid"]
    }
    assert list(problems) == [field] and message in problems[field]
    status = handlers.start_run(CHINESE_BROWSER, **values)[handlers.tab.status]
    assert status.startswith("⚠ **未运行。**") and message in status
