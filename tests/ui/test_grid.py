"""The comparison's plan and its grid, as plain functions: which cells run, how they are named,
what a person reads in the table, and what is refused before anything is sent."""

import dataclasses
import re

import pytest

from client import EditParams, ValidationError
from client.models import SEED_MAX
from history import RunDetail
from ui.comparison.handlers import plan_from_page, reopened_grid
from ui.comparison.plan import parse_models, parse_seeds, plan_comparison, refusal_text
from ui.comparison.view import CellView, grid_html
from ui.core.controls import CONTROL_NAMES, CUSTOM_CHOICE
from ui.core.usage import requested_images

QWEN, WAN = "qwen-image-2.0-pro", "wan2.7-image-pro"


def test_every_model_meets_every_seed_row_by_row_and_nothing_else_changes():
    params = EditParams(prompt="make it snow", n=2, size="1280*720", negative_prompt="fog")
    plan = plan_comparison(params, [QWEN, WAN], [7, 8])
    assert [(cell.model, cell.seed) for cell in plan.cells] == [
        (QWEN, 7), (QWEN, 8), (WAN, 7), (WAN, 8),
    ]  # fmt: skip
    assert [cell.caption for cell in plan.cells][:2] == [f"{QWEN} · seed 7", f"{QWEN} · seed 8"]
    for cell in plan.cells:
        assert cell.params == dataclasses.replace(params, model=cell.model, seed=cell.seed)


@pytest.mark.parametrize(
    ("text", "seeds"),
    [("1, 2", (1, 2)), ("4 3", (4, 3)), (" 0,7,\n9 ", (0, 7, 9)), (f"{SEED_MAX}", (SEED_MAX,)),
     ("1,2,3,4", (1, 2, 3, 4))],
)  # fmt: skip
def test_seeds_are_read_in_the_order_typed(text, seeds):
    assert parse_seeds(text) == seeds


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "Give the seeds to compare: up to 4 whole numbers"), (None, "Give the seeds"),
     ("1,2,3,4,5", "5 seeds given: compare up to 4."), ("2, 2", "Seed 2 is given twice"),
     ("-1", f"-1 is not a seed: seeds are whole numbers from 0 to {SEED_MAX}."),
     ("1.5", "1.5 is not a seed"), ("abc", "abc is not a seed"), ("1e3", "1e3 is not a seed"),
     ("5.0", "5.0 is not a seed"), ("١", "١ is not a seed"),
     (str(SEED_MAX + 1), f"{SEED_MAX + 1} is not a seed")],
)  # fmt: skip
def test_seeds_out_of_bounds_are_refused_saying_what_is_wrong(text, problem):
    with pytest.raises(ValidationError, match=re.escape(problem)):
        parse_seeds(text)


def test_seed_and_model_refusals_speak_the_browsers_language():
    with pytest.raises(ValidationError, match="-1 不是种子"):
        parse_seeds("-1", "zh")
    with pytest.raises(ValidationError, match="请选择要对比的模型"):
        parse_models([], "zh")


def test_models_come_from_a_list_or_comma_separated_text_and_may_be_custom():
    assert parse_models([QWEN, WAN]) == (QWEN, WAN)
    assert parse_models(f" {WAN} ,{QWEN}") == (WAN, QWEN)
    assert parse_models("my-own-model") == ("my-own-model",)


@pytest.mark.parametrize(
    ("models", "problem"),
    [([], f"Pick the models to compare: up to 4 of {QWEN}, {WAN}."), ("", "Pick the models"),
     (f"{QWEN},{QWEN}", f"{QWEN} is given twice"),
     (f"{QWEN},{QWEN.upper()}", f"{QWEN.upper()} is given twice"),
     ([WAN.title(), WAN], f"{WAN} is given twice"),
     ("a,b,c,d,e", f"5 models given: compare up to 4, e.g. {QWEN}, {WAN}.")],
)  # fmt: skip
def test_no_model_a_repeated_one_or_too_many_are_refused(models, problem):
    with pytest.raises(ValidationError, match=re.escape(problem)):
        parse_models(models)


def test_a_refusal_says_a_reason_all_models_share_once_and_names_the_others():
    shared = refusal_text(
        [(QWEN, "The prompt is empty."), (WAN, "The prompt is empty.")], [QWEN, WAN]
    )
    assert shared == "Nothing was sent. The prompt is empty."
    own = refusal_text(
        [(QWEN, "size 2K is not taken."), (QWEN, "size 2K is not taken.")], [QWEN, WAN]
    )
    assert (
        own
        == f"Nothing was sent. {QWEN}: size 2K is not taken. Untick {QWEN} to compare the others."
    )
    both = refusal_text([(QWEN, "a."), (WAN, "b.")], [QWEN, WAN])
    assert both == f"Nothing was sent. {QWEN}: a. {WAN}: b."


def test_the_grid_labels_rows_by_model_and_columns_by_seed_and_shows_each_state():
    cells = {
        (QWEN, 1): CellView(("/h/blobs/a b.png",)),
        (WAN, 1): CellView(error="Inappropriate <content>."),
        (WAN, 2): CellView(),
    }
    html = grid_html([QWEN, WAN], [1, 2], cells)
    assert "Rows: model · columns: seed" in html
    assert re.findall(r'<th scope="col">([^<]*)</th>', html) == ["seed 1", "seed 2"]
    assert re.findall(r'<th scope="row" class="model">([^<]*)</th>', html) == [QWEN, WAN]
    rows = html.split("<tr>")[2:]  # header row first
    assert 'src="gradio_api/file=/h/blobs/a%20b.png"' in rows[0]
    # the picture opens whole in a new tab
    assert '<a href="gradio_api/file=/h/blobs/a%20b.png" target="_blank" rel="noopener"' in rows[0]
    assert f'alt="{QWEN} · seed 1"' in rows[0] and "running…" in rows[0]  # seed 2 still runs
    assert "Failed: Inappropriate &lt;content&gt;." in rows[1]
    assert "No image came back." in rows[1]
    assert "行：模型 · 列：种子" in grid_html([QWEN], [1], {}, "zh")


def test_a_reopened_comparison_orders_models_by_the_table_and_seeds_upwards():
    def run(model: str, seed: int) -> RunDetail:
        return RunDetail(
            id=f"{model}{seed}", created_at=0.0, model=model, prompt="p", status="ok",
            owner_label=None, thumbnail_path=None, seed=seed, comparison="c",
        )  # fmt: skip

    models, seeds, views = reopened_grid(
        [run(WAN, 9), run(QWEN, 2), run(QWEN, 9)], "en", lambda cell: []
    )
    assert (models, seeds) == ([QWEN, WAN], [2, 9])
    assert views[(WAN, 2)] == CellView(note="Deleted from History since.")  # no failure
    assert views[(QWEN, 9)] == CellView((), None)
    html = grid_html(models, seeds, views)
    assert "Deleted from History since." in html and "Failed" not in html


def test_the_page_compares_its_settings_whatever_its_own_model_and_seed_fields_hold():
    editor = {name: None for name in CONTROL_NAMES} | {
        "prompt": "make it snow", "model": CUSTOM_CHOICE, "custom_model": "", "n": 2,
        "size": "1280*720", "seed": "not a number", "randomize_seed": False, "watermark": True,
        "prompt_extend": False, "response_format": "url", "encoding": "json",
    }  # fmt: skip
    plan = plan_from_page(editor, [], [WAN, QWEN], "5, 6")
    assert (plan.models, plan.seeds) == ((WAN, QWEN), (5, 6))
    first = plan.cells[0].params
    assert (first.model, first.seed, first.n, first.size) == (WAN, 5, 2, "1280*720")
    assert (first.watermark, first.prompt_extend, first.response_format) == (True, False, "url")


@pytest.mark.parametrize(("n", "images"), [(None, 1), (0, 1), (1.0, 1), (3.0, 3), (6, 6)])
def test_a_run_asks_for_n_images_and_at_least_one(n, images):
    assert requested_images(n) == images
