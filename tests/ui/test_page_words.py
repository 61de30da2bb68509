"""Issue 22.6: every text of the page has English and Chinese, and the client's sentences a visitor
meets (refusals of inputs and prompts, notes on inputs changed to fit) read back into their texts,
so a Chinese page says them in Chinese and an English one exactly as the client wrote them."""

from __future__ import annotations

import io
import re
import string

import pytest
from PIL import Image

from client import EditRequest, InvalidImageError, ValidationError, model_spec
from client.images import PreparedImage, prepare_image
from client.validation import image_count_problem, validate_request
from ui.core.client_words import CLIENT_SENTENCES, translated
from ui.core.controls import check_upload_size, resolve_model
from ui.core.texts import GRADIO_WORDS, TEXTS, text_in

QWEN, WAN = "qwen-image-2.0-pro", "wan2.7-image-pro"
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
NAMES = re.compile(r"\S*[\d_.]\S*|`[^`]*`|\{\w+\}")
"""Model names, values, code and {names}: not words of a language."""
NOT_WORDS = {
    "API",
    "PowerTokens",
    "JPEG",
    "PNG",
    "WebP",
    "BMP",
    "TIFF",
    "GIF",
    "Pillow",
    "JSON",
    "Ctrl",
    "Enter",
}


def english_words(text: str) -> list[str]:
    return [w for w in ENGLISH_WORD.findall(NAMES.sub(" ", text)) if w not in NOT_WORDS]


def names_in(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_has_english_and_chinese_with_the_same_values():
    """One test over the whole table (a case per text would be 300 cases for one rule)."""
    wrong = {}
    for key, (english, chinese) in {**TEXTS, **GRADIO_WORDS}.items():
        if not english.strip() or not chinese.strip():
            wrong[key] = "a language is missing"
        elif names_in(english) != names_in(chinese):
            wrong[key] = f"values differ: {names_in(english)} vs {names_in(chinese)}"
        elif english_words(chinese):
            wrong[key] = f"English left in the Chinese: {english_words(chinese)}"
    assert not wrong


def png_bytes(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (90, 140, 210)).save(out, "PNG")
    return out.getvalue()


def image_refusal(data: bytes, model: str = QWEN) -> str:
    with pytest.raises(InvalidImageError) as refused:
        prepare_image(data, model_spec(model), index=2)
    return str(refused.value)


def request_refusal(**fields) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_request(EditRequest(**{"prompt": "snow", "images": [b"x"], **fields}))
    return str(refused.value)


def upload_refusal(path) -> str:
    with pytest.raises(InvalidImageError) as refused:
        check_upload_size(str(path), 1)
    return str(refused.value)


def custom_name_refusal() -> str:
    with pytest.raises(ValidationError) as refused:
        resolve_model("Custom model name…", "  ")
    return str(refused.value)


CLIENT_SAYS = {
    "not an image": lambda tmp: image_refusal(b"\x89PNG not a picture"),
    "damaged": lambda tmp: image_refusal(png_bytes(800, 600)[:300]),
    "too small": lambda tmp: image_refusal(png_bytes(100, 100)),
    "too narrow": lambda tmp: image_refusal(png_bytes(4000, 300), WAN),
    "no such file": lambda tmp: image_refusal(str(tmp / "gone.png")),
    "gone from the server": lambda tmp: upload_refusal(tmp / "gone.png"),
    "empty prompt": lambda tmp: request_refusal(prompt="  "),
    "long prompt": lambda tmp: request_refusal(prompt="x" * 801),
    "long negative prompt": lambda tmp: request_refusal(negative_prompt="y" * 501),
    "too many inputs": lambda tmp: image_count_problem(QWEN, 4),
    "no custom name": lambda tmp: custom_name_refusal(),
    "downscaled": lambda tmp: (
        PreparedImage(
            b"",
            "image/jpeg",
            1,
            1,
            changes="downscaled from 4000x3000 to 3072x2304",
            model=QWEN,
            index=1,
        ).note
    ),
    "downscaled, first frame, re-encoded": lambda tmp: (
        PreparedImage(
            b"",
            "image/jpeg",
            1,
            1,
            changes="downscaled from 400x300 to 384x288, reduced to its first frame and "
            "re-encoded as JPEG",
            model=WAN,
            index=3,
        ).note
    ),
}


@pytest.mark.parametrize("case", CLIENT_SAYS)
def test_a_client_sentence_is_chinese_on_a_chinese_page_and_unchanged_on_an_english_one(
    case, tmp_path
):
    said = CLIENT_SAYS[case](tmp_path)
    assert english_words(said), "the client speaks English"
    assert translated(said, "en") == said
    chinese = translated(said, "zh")
    assert not english_words(chinese), f"{case}: {chinese!r}"
    assert set(re.findall(r"\d+", said)) == set(re.findall(r"\d+", chinese))  # same values


@pytest.mark.parametrize("key", CLIENT_SENTENCES)
def test_each_client_sentence_reads_back_into_its_values(key):
    values = {name: f"v{index}" for index, name in enumerate(sorted(names_in(TEXTS[key][0])))}
    english = text_in("en", key, **values)
    assert translated(english, "zh") == text_in("zh", key, **values)


def test_a_sentence_the_page_has_no_text_for_stays_as_the_client_wrote_it():
    assert translated("bbox_list: box 1 of image 1 is odd.", "zh") == (
        "bbox_list: box 1 of image 1 is odd."
    )
