"""The editor's rules as plain functions: sizes, limits per model, `extra`, seeds, restoring."""

import asyncio
import json
from types import SimpleNamespace

import gradio as gr
import pytest
from PIL import Image

from client import EditParams, EditRequest, InvalidImageError
from client.errors import ValidationError
from client.models import MAX_OUTPUT_PIXELS, MIN_OUTPUT_PIXELS, MODELS, PROMPT_MAX_CHARS, SEED_MAX
from client.preparation import PreparationCache
from client.validation import validate_request
from ui.core.backend import VisitorKey
from ui.core.controls import (
    CONTROL_NAMES,
    CUSTOM_CHOICE,
    CUSTOM_SIZE,
    MATCH_INPUT,
    check_upload_size,
    model_limits_text,
    nearest_size,
    number_refusal,
    page_values,
    params_from_page,
    parse_json_text,
    prompt_counter,
    read_count,
    read_seed,
    resolve_model,
    resolve_size,
    size_controls,
    whole_number,
)
from ui.core.gallery import gallery_paths
from ui.core.owner import Owner
from ui.editor import handlers as ev
from ui.editor import inputs
from ui.editor.parts import EditTab, build_edit_tab


def built_tab() -> tuple[EditTab, gr.Markdown]:
    """The Edit tab and a banner, built in a Blocks as the page builds them. Built inside a
    running event loop: outside one, Gradio opens a loop per lock it makes and never closes
    them (ResourceWarning, an error under this suite's filterwarnings)."""

    async def build() -> tuple[EditTab, gr.Markdown]:
        with gr.Blocks():
            return build_edit_tab(), gr.Markdown()

    return asyncio.run(build())


@pytest.fixture(scope="module")
def built() -> tuple[EditTab, gr.Markdown]:
    return built_tab()


@pytest.fixture
def tab(built) -> EditTab:
    return built[0]


@pytest.fixture
def banner(built) -> gr.Markdown:
    return built[1]


def page_context(runner) -> SimpleNamespace:
    """What the editor's handlers use of PageContext: the runner, one visitor, and their
    inputs as the files they are (no run's picture among them, so none continues a run)."""
    return SimpleNamespace(
        runner=runner,
        owner=lambda _request: Owner("anon:a"),
        input_files=lambda images, _request: gallery_paths(images),
        gate=SimpleNamespace(lineage_of=lambda _paths, _owner: None),
    )


@pytest.fixture
def editor(tab, banner) -> ev.EditorHandlers:

    from ui.core.runs import Runner

    runner = Runner(backend=None, store=None, preparation=PreparationCache())
    return ev.EditorHandlers(page_context(runner), tab, banner)


def model_change(editor: ev.EditorHandlers, *values) -> tuple:
    """on_model_change's answer as (custom name, n, size, input notes)."""
    out = editor.on_model_change(*values)
    c, tab = editor.tab.controls, editor.tab
    assert set(out) == {c["custom_model"], c["n"], c["size"], tab.input_notes}
    return out[c["custom_model"]], out[c["n"]], out[c["size"]], out[tab.input_notes]


@pytest.mark.parametrize(
    ("width", "height", "expected"),
    [
        (1024, 1024, "1024*1024"),
        (4000, 3000, "1184*880"),
        (3000, 4000, "880*1184"),
        (1920, 1080, "1360*768"),
        (8000, 1000, "2896*368"),
        (300, 300, "1024*1024"),
    ],
)
def test_match_the_input_picks_the_nearest_valid_size_of_about_a_megapixel(width, height, expected):
    assert nearest_size(width, height) == expected


@pytest.mark.parametrize(("width", "height"), [(1, 1), (10_000, 1), (1, 10_000), (6000, 4000)])
def test_a_matched_size_is_always_within_the_pixel_limits_in_steps_of_16(width, height):
    out_w, out_h = map(int, nearest_size(width, height).split("*"))
    assert MIN_OUTPUT_PIXELS <= out_w * out_h <= MAX_OUTPUT_PIXELS
    assert out_w % 16 == 0 and out_h % 16 == 0


def test_match_the_input_follows_the_last_image(tmp_path):
    first, last = tmp_path / "wide.png", tmp_path / "tall.png"
    Image.new("RGB", (1600, 900)).save(first)
    Image.new("RGB", (900, 1600)).save(last)
    assert resolve_size(MATCH_INPUT, None, None, [str(first), str(last)]) == "768*1360"
    assert resolve_size(MATCH_INPUT, None, None, []) == "1024*1024"


def test_a_preset_size_is_sent_as_is_and_a_custom_one_is_built_from_width_and_height():
    assert resolve_size("1280*720", None, None, []) == "1280*720"
    assert resolve_size(CUSTOM_SIZE, 1200.0, 800.0, []) == "1200*800"


@pytest.mark.parametrize(
    ("width", "height"), [(1200, None), (1200.5, 800), (0, 800), (-1200, 800), (1200, "abc")]
)
def test_a_custom_size_not_of_two_whole_positive_sides_is_refused_never_rounded(width, height):
    with pytest.raises(ValidationError) as caught:
        resolve_size(CUSTOM_SIZE, width, height, [])
    assert caught.value.field == "size"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (3, 3),
        (3.0, 3),
        (" 4 ", 4),
        (0, 0),
        (-2, -2),
        (7, 7),
        (2.5, None),
        (None, None),
        ("", None),
        ("x", None),
        (True, None),
        (float("inf"), None),
        (float("nan"), None),
    ],
)
def test_a_typed_number_is_read_as_the_whole_number_it_is_and_never_rounded(typed, expected):
    assert whole_number(typed) == expected


@pytest.mark.parametrize("typed", [None, "", 2.5, "two"])
def test_n_that_is_no_whole_number_is_refused_not_sent_as_another(typed):
    """An empty n used to be sent as 1 and 2.5 as 2; 0 and 7 go through to the validation,
    which refuses them against the selected model's range."""
    with pytest.raises(ValidationError) as caught:
        read_count(typed)
    assert caught.value.field == "n"
    assert read_count(0) == 0 and read_count(7.0) == 7


def refusal_of(values: dict, language: str) -> str | None:
    """The page's words for what the validation refuses in `values` (a picture-less run)."""
    base = {"prompt": "p", "model": "qwen-image-2.0-pro", "custom_model": "", "n": 1}
    base |= {
        "size": "1024*1024",
        "width": None,
        "height": None,
        "seed": "",
        "randomize_seed": False,
    }
    base |= {"negative_prompt": "", "watermark": False, "prompt_extend": True, "extra": ""}
    base |= {"response_format": "b64_json", "encoding": "json", "wire_format": "flat"}
    values = {**base, "bbox_list": "", **values}
    try:
        params = params_from_page(values, [])
        validate_request(EditRequest.of(params, ["in.png"]))
    except ValidationError as error:
        return number_refusal(error, values, language)
    return None


@pytest.mark.parametrize(
    ("values", "english", "chinese"),
    [
        (
            {"model": "wan2.7-image-pro", "n": 6},
            "Results (n) is 6: wan2.7-image-pro makes 1 to 4 results at once.",
            "结果数 (n) 为 6：wan2.7-image-pro 一次生成 1 到 4 张。",
        ),
        ({"n": 7}, "qwen-image-2.0-pro makes 1 to 6", "qwen-image-2.0-pro 一次生成 1 到 6 张"),
        ({"n": 0}, "Results (n) is 0:", "结果数 (n) 为 0："),
        ({"n": None}, "Results (n) is empty:", "结果数 (n) 为 空："),
        ({"n": 2.5}, "Results (n) is 2.5:", "结果数 (n) 为 2.5："),
        (
            {"seed": "-1"},
            "The seed is -1: a seed is a whole number from 0 to 2147483647.",
            "种子为 -1",
        ),
        ({"seed": "2147483648"}, "The seed is 2147483648:", "0 到 2147483647 之间的整数"),
        ({"seed": "1.5"}, "The seed is 1.5:", "种子为 1.5"),
        (
            {"size": CUSTOM_SIZE, "width": 4096, "height": 4096},
            "The size is 4096 × 4096: width and height are whole numbers of pixels, W×H between "
            "512×512 and 2048×2048 pixels in total",
            "尺寸为 4096 × 4096",
        ),
        ({"size": CUSTOM_SIZE, "width": 1200.5, "height": 800}, "1200.5 × 800", "1200.5 × 800"),
        ({"size": CUSTOM_SIZE, "width": 600}, "The size is 600 × empty", "尺寸为 600 × 空"),
    ],
)
def test_a_refused_number_is_worded_in_the_pages_language_with_the_models_range(
    values, english, chinese
):
    assert english in refusal_of(values, "en")
    assert chinese in refusal_of(values, "zh")


def test_other_refusals_keep_the_validations_own_words():
    assert refusal_of({"prompt": " "}, "zh") is None
    assert refusal_of({"size": "2K"}, "en") is None  # a size chosen, not typed
    assert refusal_of({"n": 4, "model": "wan2.7-image-pro"}, "en") is None  # in range: no refusal


@pytest.mark.parametrize(
    ("model", "max_n", "max_images"),
    [("qwen-image-2.0-pro", 6, 3), ("wan2.7-image-pro", 4, 9)],
)
def test_choosing_a_model_notes_its_n_range_and_leaves_the_typed_n_alone(
    editor, model, max_n, max_images
):
    custom, n, _size, notes = model_change(editor, model, "", "1024*1024")
    assert custom["visible"] is False
    assert n["info"] == f"1–{max_n}"
    assert "value" not in n and "maximum" not in n  # never clamped: Run refuses it in words
    assert f"1–{max_images} input images" in notes and f"n up to {max_n}" in notes


def test_the_size_list_offers_the_models_named_sizes_and_drops_one_it_does_not_take(editor):
    _custom, _n, size, _notes = model_change(editor, "wan2.7-image-pro", "", "1280*720")
    assert size["choices"][:2] == ["1K", "2K"] and size["value"] == "1280*720"
    _custom, _n, size, _notes = model_change(editor, "qwen-image-2.0-pro", "", "2K")
    assert "2K" not in size["choices"] and size["value"] == "1024*1024"


def test_the_custom_model_choice_shows_its_name_field_and_general_limits(editor):
    custom, n, _size, notes = model_change(editor, CUSTOM_CHOICE, "my-model", "1024*1024")
    assert custom["visible"] is True
    assert n["info"] == "1–6"
    assert notes.startswith("Custom model")


def test_a_custom_model_needs_a_name():
    assert resolve_model(CUSTOM_CHOICE, "  my-model ") == "my-model"
    assert resolve_model("wan2.7-image-pro", "ignored") == "wan2.7-image-pro"
    with pytest.raises(ValidationError) as caught:
        resolve_model(CUSTOM_CHOICE, " ")
    assert caught.value.field == "model"


def test_model_limits_text_reads_the_model_table_and_says_what_happens_to_big_photos():
    spec = MODELS["wan2.7-image-pro"]
    text = model_limits_text(spec.name)
    assert "Files up to 50 MB" in text
    assert f"over {spec.max_side} px a side or 20 MB are scaled down and re-encoded" in text


def test_a_file_over_the_upload_limit_is_named_with_what_to_do(tmp_path):
    huge = tmp_path / "huge.png"
    with huge.open("wb") as handle:
        handle.truncate(52 * 1000 * 1000)
    with pytest.raises(InvalidImageError) as caught:
        check_upload_size(str(huge), 2)
    assert str(caught.value) == (
        "Image 2: it is 52 MB; files up to 50 MB are taken. Save it as a JPEG or scale it "
        "down first."
    )


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (None, f"0 / {PROMPT_MAX_CHARS} characters"),
        ("make it snow", f"12 / {PROMPT_MAX_CHARS} characters"),
        ("x" * 801, f"801 / {PROMPT_MAX_CHARS} characters — over the limit"),
    ],
)
def test_the_prompt_counter_counts_against_the_limit(prompt, expected):
    assert prompt_counter(prompt) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("   ", None),
        ('{"parameters": {"steps": 30}}', {"parameters": {"steps": 30}}),
    ],
)
def test_extra_json_is_parsed_when_given(text, expected):
    assert parse_json_text("extra", text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"parameters": ', "extra is not valid JSON"),
        ("[1, 2]", "extra must be an object"),
        ('"text"', "extra must be an object"),
    ],
)
def test_bad_extra_json_is_refused_with_a_message_on_the_extra_field(text, message):
    with pytest.raises(ValidationError) as caught:
        parse_json_text("extra", text)
    assert caught.value.field == "extra"
    assert str(caught.value).startswith(message)


def test_a_random_seed_is_drawn_once_when_the_run_starts_and_a_given_one_is_kept():
    assert read_seed("42", True) is None and read_seed("", False) is None
    assert read_seed(" 42 ", False) == 42 and read_seed(42.0, False) == 42
    for bad in ("4.5", "abc", "1e400"):
        with pytest.raises(ValidationError, match="whole number from 0 to 2147483647"):
            read_seed(bad, False)
    drawn = EditParams(prompt="p").with_seed()
    assert 0 <= drawn.seed <= SEED_MAX and drawn.with_seed() == drawn
    assert EditParams(prompt="p", seed=0).with_seed().seed == 0


def test_reuse_seed_fills_the_seed_and_turns_randomize_off(editor, tab):
    out = editor.reuse_seed("1234")
    assert set(out) == {tab.controls["seed"], tab.controls["randomize_seed"]}
    seed, randomize = out[tab.controls["seed"]], out[tab.controls["randomize_seed"]]
    assert seed["value"] == "1234" and randomize["value"] is False
    with pytest.raises(Exception, match="Run an edit first"):
        editor.reuse_seed("")  # "Seed used" is empty before any run


@pytest.mark.parametrize(
    ("size", "controls"),
    [("1280*720", ("1280*720", None, None)), ("1200*800", (CUSTOM_SIZE, 1200, 800))],
)
def test_a_stored_size_maps_back_to_the_size_controls(size, controls):
    assert size_controls(size) == controls


def test_restore_brings_back_every_parameter_with_the_seed_fixed():
    params = EditParams(
        model="wan2.7-image-pro",
        prompt="p",
        negative_prompt="blur",
        n=3,
        size="1200*800",
        seed=77,
        watermark=True,
        prompt_extend=False,
        response_format="url",
        encoding="multipart",
        extra={"parameters": {"steps": 4}},
        wire_format="flat",
        bbox_list=[[[10, 20, 300, 400]]],
    )
    values = page_values(params)
    assert list(values) == list(CONTROL_NAMES)
    assert values["model"] == "wan2.7-image-pro" and values["custom_model"] == ""
    assert (values["size"], values["width"], values["height"]) == (CUSTOM_SIZE, 1200, 800)
    assert values["seed"] == "77" and values["randomize_seed"] is False
    assert (values["watermark"], values["prompt_extend"]) == (True, False)
    assert (values["response_format"], values["encoding"]) == ("url", "multipart")
    assert json.loads(values["extra"]) == {"parameters": {"steps": 4}}
    assert json.loads(values["bbox_list"]) == [[[10, 20, 300, 400]]]
    assert values["negative_prompt"] == "blur" and values["n"] == 3
    assert params_from_page(values, []) == params  # what is restored runs the same edit


def test_restoring_a_custom_model_run_fills_the_custom_name():
    values = page_values(EditParams(model="my-model", prompt="p"))
    assert values["model"] == CUSTOM_CHOICE and values["custom_model"] == "my-model"


def test_a_pasted_key_is_hidden_from_repr_and_cleared_from_the_field(editor, tab, banner):
    out = editor.set_visitor_key("  sk-secret-123  ", "banner_simulator")
    assert set(out) == {tab.key_state, tab.key_box, tab.key_status, banner}
    state, field, status, shown = (
        out[tab.key_state],
        out[tab.key_box],
        out[tab.key_status],
        out[banner],
    )
    assert field == "" and shown.startswith("**Your key.**") and "sk-secret" not in shown
    assert isinstance(state, VisitorKey) and state.reveal() == "sk-secret-123"
    assert "sk-secret" not in repr(state) and "sk-secret" not in str(state)
    assert "sk-secret" not in status
    assert editor.set_visitor_key("   ", "banner_simulator")[tab.key_state] is None
    forgotten = editor.forget_visitor_key("banner_simulator")
    assert set(forgotten) == {tab.key_state, tab.key_status, banner}
    assert forgotten[tab.key_state] is None
    assert forgotten[banner].startswith("**Offline simulator.**")


def test_gallery_paths_reads_every_shape_gradio_hands_over(tmp_path):
    value = [
        ("/a.png", "caption"),
        {"path": "/b.png"},
        {"image": {"path": "/c.png"}, "caption": None},
        "/d.png",
    ]
    assert inputs.gallery_paths(value) == ["/a.png", "/b.png", "/c.png", "/d.png"]
    assert inputs.gallery_paths(None) == []


def test_use_as_input_replaces_the_inputs_and_add_to_inputs_appends_within_the_limit():
    results = ["/r0.png", "/r1.png"]
    assert inputs.use_as_input(results, 1) == [("/r1.png", "Image 1")]
    assert inputs.add_to_inputs([("/in.png", None)], results, 0, "qwen-image-2.0-pro", "") == [
        ("/in.png", "Image 1"),
        ("/r0.png", "Image 2"),
    ]


def test_add_to_inputs_refuses_past_the_models_image_limit():
    full = [(f"/in{i}.png", None) for i in range(3)]
    with pytest.raises(Exception, match="takes 1 to 3 input images; got 4"):
        inputs.add_to_inputs(full, ["/r.png"], 0, "qwen-image-2.0-pro", "")


def test_inputs_are_numbered_and_move_or_go_one_at_a_time(tab):
    three = [("/a.png", None), ("/b.png", None), ("/c.png", None)]
    out = inputs.move(tab, 1, three, 0)
    assert out[tab.images] == [("/b.png", "Image 1"), ("/a.png", "Image 2"), ("/c.png", "Image 3")]
    assert out[tab.input_selected] == 1
    assert inputs.move(tab, -1, three, 0)[tab.images][0] == ("/a.png", "Image 1")  # stays first
    out = inputs.remove(tab, three, 1)
    assert out[tab.images] == [("/a.png", "Image 1"), ("/c.png", "Image 2")]
    assert out[tab.input_selected] is None
    with pytest.raises(Exception, match="Click an input image first"):
        inputs.move(tab, 1, three, None)


def test_a_broken_upload_is_named_as_soon_as_it_is_added(tmp_path, editor):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image at all")
    good = tmp_path / "good.png"
    Image.new("RGB", (640, 480)).save(good)
    pair = [(str(good), None), (str(broken), None)]
    notes = editor.on_images_change(pair, "qwen-image-2.0-pro", "")
    assert "⚠ Image 2:" in notes
    assert "Image 1" not in notes


def test_too_many_uploads_for_the_model_are_named_with_its_limit(tmp_path, editor):
    paths = []
    for index in range(4):
        path = tmp_path / f"{index}.png"
        Image.new("RGB", (640, 480)).save(path)
        paths.append((str(path), None))
    notes = editor.on_images_change(paths, "qwen-image-2.0-pro", "")
    assert "qwen-image-2.0-pro takes 1 to 3 input images; got 4." in notes
    assert "input images; got" not in editor.on_images_change(paths, "wan2.7-image-pro", "")
