"""Issue 22 item 8 as plain functions: the editor a browser kept comes back only as far as this
server can vouch for it, a refusal names the control the page shows, the plan claims no count for
an n the model does not take, and a new seed is any seed the model takes."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest
from PIL import Image

from client import ValidationError
from client.models import SEED_MAX
from ui.core.controls import CONTROL_NAMES, fresh_seed, page_words, refusal_with_remedy
from ui.core.owner import Owner
from ui.core.picture_gate import PictureGate
from ui.editor import kept
from ui.editor.parts import EditTab, build_edit_tab
from ui.usage.handlers import UsageHandlers

SECRET = b"s" * 32
ME, OTHER = Owner("anon:me"), Owner("anon:other")


def built_tab() -> EditTab:
    """The Edit tab built in a Blocks, inside a running event loop (as tests/ui does)."""

    async def build() -> EditTab:
        with gr.Blocks():
            return build_edit_tab()

    return asyncio.run(build())


@pytest.fixture(scope="module")
def tab() -> EditTab:
    return built_tab()


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(folder))
    return folder


@pytest.fixture
def gate(cache) -> PictureGate:
    return PictureGate(None, cache / "gate", SECRET, shared_scope=False)


def upload(cache: Path, name: str = "in.png") -> str:
    folder = cache / "0123abcd"
    folder.mkdir(exist_ok=True)
    Image.new("RGB", (32, 32), "teal").save(folder / name)
    return str(folder / name)


def stored(paths: list[str], owner: Owner = ME) -> dict:
    """What the browser keeps of the inputs after `owner` edited with `paths`."""
    return kept.kept_images(SECRET, owner.id, [(p, "Image 1") for p in paths])


def kept_controls(**controls) -> dict:
    """What the browser keeps of the controls (KEEP_CONTROLS_JS) after an edit with `controls`."""
    return {"version": kept.KEPT_VERSION, "controls": controls}


def test_the_browser_keeps_every_control_by_name_and_the_inputs_signed_but_never_the_key():
    names = json.loads(re.search(r"const names = (\[.*?\]);", kept.KEEP_CONTROLS_JS)[1])
    assert names == list(CONTROL_NAMES) and "key" not in names
    [picture] = stored(["/x/in.png"])["images"]
    assert picture["path"] == "/x/in.png" and len(picture["sig"]) == 64


def test_a_kept_upload_comes_back_to_its_own_visitor_only(cache, gate):
    path = upload(cache)
    assert kept.kept_pictures(stored([path]), SECRET, ME, gate) == [path]
    assert kept.kept_pictures(stored([path]), SECRET, OTHER, gate) == []  # another browser
    assert kept.kept_pictures(stored([path], OTHER), SECRET, ME, gate) == []


def signed(path: str) -> dict:
    return {"path": path, "sig": kept.signature(SECRET, ME.id, path)}


@pytest.mark.parametrize(
    "kept_entry",
    [
        lambda cache: signed("/etc/passwd"),  # outside Gradio's upload cache
        lambda cache: signed(str(cache / "0123abcd" / "gone.png")),  # a restart emptied it
        lambda cache: {"path": upload(cache), "sig": "0" * 64},  # typed into localStorage
        lambda cache: {"path": 5, "sig": "x"},
        lambda cache: upload(cache),
    ],
    ids=["outside-the-cache", "gone", "forged", "not-a-path", "unsigned"],
)
def test_a_kept_picture_the_server_cannot_vouch_for_is_dropped(cache, gate, kept_entry):
    value = {**stored([]), "images": [kept_entry(cache)]}
    assert kept.kept_pictures(value, SECRET, ME, gate) == []


def test_only_values_a_control_takes_come_back(tab, cache, gate):
    c = tab.controls
    value = kept_controls(
        prompt="a lake",
        n=2,
        prompt_extend=False,
        model="no-such-model",
        response_format=["b64_json"],
        seed=7,
        randomize_seed="yes",
    )
    restored = kept.restored_editor(None, value, SECRET, ME, gate, tab)
    assert {name: restored.get(c[name]) for name in ("prompt", "n", "prompt_extend")} == {
        "prompt": "a lake",
        "n": 2,
        "prompt_extend": False,
    }
    refused = ("model", "response_format", "seed", "randomize_seed", "negative_prompt")
    assert not {c[name] for name in refused} & set(restored)  # None is no text either
    old = {"version": 1, "controls": {"prompt": "a lake"}, "images": stored([])["images"]}
    assert kept.restored_editor(old, old, SECRET, ME, gate, tab) == {}  # an older page's keeping
    assert kept.restored_editor(None, None, SECRET, ME, gate, tab) == {}


def test_the_restored_inputs_are_numbered(tab, cache, gate):
    path = upload(cache)
    restored = kept.restored_editor(stored([path]), None, SECRET, ME, gate, tab)
    assert restored[tab.images] == [(path, "Image 1")]


@pytest.mark.parametrize(
    ("language", "control"), [("en", "**Region boxes**"), ("zh", "**区域框**")]
)
def test_a_refusal_names_the_control_the_page_shows(language, control):
    message = "bbox_list: image 1 has 30 boxes; `bbox_list` takes at most 20."
    assert page_words(message, language) == (
        f"{control}: image 1 has 30 boxes; {control} takes at most 20."
    )
    error = ValidationError("bbox_list", "x", [], "bbox_list is not taken by qwen-image-2.0-pro.")
    wan = {"model": "wan2.7-image-pro", "custom_model": ""}
    assert refusal_with_remedy(error, wan) == "**Region boxes** is not taken by qwen-image-2.0-pro."
    assert page_words("size 2K is not taken", "en") == "size 2K is not taken"


@pytest.mark.parametrize(
    ("model", "n", "plan"),
    [
        ("wan2.7-image-pro", 3, "Will make 3 images"),
        ("wan2.7-image-pro", 6, "Results (n) must be a whole number from 1 to 4"),
        ("wan2.7-image-pro", None, "Results (n) must be a whole number from 1 to 4"),
        ("wan2.7-image-pro", 2.5, "Results (n) must be a whole number from 1 to 4"),
        ("qwen-image-2.0-pro", 0, "Results (n) must be a whole number from 1 to 6"),
        ("qwen-image-2.0-pro", 6, "Will make 6 images"),
    ],
)
def test_the_plan_claims_no_count_for_an_n_the_model_does_not_take(model, n, plan):
    unset = SimpleNamespace(configured=False)  # no prices, no budget
    ctx = SimpleNamespace(config=SimpleNamespace(prices=unset), store=SimpleNamespace(budget=unset))
    assert UsageHandlers(ctx).plan(model, "", n).startswith(plan)


def test_a_new_seed_is_any_seed_the_model_takes():
    seeds = {fresh_seed() for _ in range(50)}
    assert all(0 <= seed <= SEED_MAX for seed in seeds) and len(seeds) > 40
