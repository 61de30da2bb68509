"""Team presets at the store (issue 25), on SQLite and PostgreSQL: private to their maker unless
marked team (or everyone's in the shared scope), edited and deleted by their maker only, the
examples built in and read-only, and round-tripped through a JSON file whose every fault is
refused with its reason and place."""

import json

import pytest

from client import EditParams
from client.models import DEFAULT_SIZE
from examples import EXAMPLES
from history import PresetDraft, PresetRefused
from history.presets import (
    FORMAT,
    MAX_PLACEHOLDERS,
    PRESET_PARAMS,
    VERSION,
    editor_params,
    export_json,
    fill,
    placeholders,
    read_export,
)

WHITE = PresetDraft(
    "product on white",
    "{subject} on a white background, soft shadow, {colour} light",
    {"model": "wan2.7-image-pro", "n": 2, "size": "1K", "seed": None, "prompt_extend": False},
)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request) -> str:
    return request.param


def names(presets) -> list[str]:
    return [preset.name for preset in presets if not preset.builtin]


def test_a_preset_is_private_to_its_maker_until_marked_team(store):
    saved = store.save_preset("anon:alice", None, WHITE)
    assert saved.owner == "anon:alice" and saved.placeholders == ["subject", "colour"]
    assert saved.created_at == saved.updated_at > 0
    assert names(store.presets_for("anon:alice")) == ["product on white"]
    assert names(store.presets_for("anon:bob")) == []

    team = PresetDraft("storyboard", "frame in {style}", {"size": "2K"}, team=True)
    store.save_preset("user:bob", "bob", team)
    seen = [p for p in store.presets_for("anon:alice") if not p.builtin]
    assert [(p.name, p.owner_label) for p in seen] == [("storyboard", "bob"), WHITE_ROW]
    assert names(store.presets_for("anon:carol")) == ["storyboard"]


WHITE_ROW = ("product on white", None)


def test_the_shared_scope_shows_everyones_presets(store):
    store.save_preset("anon:alice", None, WHITE)
    assert names(store.presets_for("anon:bob", everyone=True)) == ["product on white"]


def test_only_the_maker_edits_or_deletes(store):
    saved = store.save_preset("anon:alice", None, WHITE)
    with pytest.raises(PresetRefused, match="not_found"):
        store.save_preset("anon:bob", None, WHITE, saved.id)
    with pytest.raises(PresetRefused, match="not_found"):
        store.delete_preset("anon:bob", saved.id)
    assert names(store.presets_for("anon:alice")) == ["product on white"]

    changed = PresetDraft("white, no shadow", "{subject} on white", {"n": 1}, team=True)
    edited = store.save_preset("anon:alice", None, changed, saved.id)
    assert (edited.id, edited.name, edited.params, edited.team) == (
        saved.id, "white, no shadow", {"n": 1}, True
    )  # fmt: skip
    assert edited.created_at == saved.created_at and edited.updated_at >= saved.updated_at
    store.delete_preset("anon:alice", saved.id)
    assert names(store.presets_for("anon:alice")) == []


def test_saving_under_a_name_in_use_replaces_that_preset_and_renames_cannot_collide(store):
    first = store.save_preset("anon:alice", None, WHITE)
    again = store.save_preset("anon:alice", None, PresetDraft(WHITE.name, "{subject} again"))
    assert again.id == first.id and again.template == "{subject} again"
    other = store.save_preset("anon:alice", None, PresetDraft("other", "x"))
    with pytest.raises(PresetRefused, match="name_taken"):
        store.save_preset("anon:alice", None, PresetDraft(WHITE.name, "y"), other.id)


def test_the_examples_are_built_in_read_only_presets_everyone_sees(store):
    built_in = [p for p in store.presets_for("anon:anyone") if p.builtin]
    assert [p.template for p in built_in] == [example.prompt for example in EXAMPLES]
    assert built_in[3].params == {"model": "wan2.7-image-pro", "n": 1, "size": "1K"}
    with pytest.raises(PresetRefused, match="read_only"):
        store.delete_preset("anon:anyone", built_in[0].id)
    with pytest.raises(PresetRefused, match="read_only"):
        store.save_preset("anon:anyone", None, WHITE, built_in[0].id)


def test_presets_round_trip_through_json_into_another_store(store, open_store, tmp_path):
    store.save_preset("anon:alice", None, WHITE)
    store.save_preset("anon:alice", None, PresetDraft("颜色", "把{主体}画成{颜色}", team=True))
    text = export_json(store.presets_for("anon:alice"))
    assert json.loads(text)["format"] == FORMAT and "example-1" not in text

    elsewhere = open_store(tmp_path / "elsewhere")
    imported = elsewhere.import_presets("anon:dana", "dana", text)
    assert {p.name for p in imported} == {"product on white", "颜色"}
    by_name = {p.name: p for p in elsewhere.presets_for("anon:dana") if not p.builtin}
    assert by_name["product on white"].draft() == WHITE
    assert by_name["颜色"].placeholders == ["主体", "颜色"] and by_name["颜色"].team
    assert {p.owner_label for p in by_name.values()} == {"dana"}
    assert elsewhere.import_presets("anon:dana", "dana", text)  # again: replaced, not doubled
    assert len(names(elsewhere.presets_for("anon:dana"))) == 2


def file_of(*presets, **document) -> str:
    return json.dumps({"format": FORMAT, "version": VERSION, "presets": list(presets), **document})


GOOD = {"name": "ok", "template": "a {thing}"}


@pytest.mark.parametrize(
    ("text", "reason", "number", "values"),
    [
        ("{not json", "bad_json", None, {}),
        ('{"presets": []}', "not_a_preset_file", None, {}),
        (file_of(GOOD, colour="red"), "unknown_field", None, {"name": "colour"}),
        (file_of(GOOD, version=2), "wrong_version", None, {"version": VERSION}),
        (
            file_of(GOOD, {**GOOD, "name": "x", "owner": "me"}),
            "unknown_field",
            2,
            {"name": "owner"},
        ),
        (file_of({**GOOD, "params": {"steps": 30}}), "unknown_param", 1, {"name": "steps"}),
        (file_of({**GOOD, "params": {"prompt": "x"}}), "unknown_param", 1, {"name": "prompt"}),
        (
            file_of({**GOOD, "params": {"n": "two"}}),
            "wrong_type",
            1,
            {"name": "params.n", "expected": "integer"},
        ),
        (
            file_of({**GOOD, "params": {"watermark": 1}}),
            "wrong_type",
            1,
            {"name": "params.watermark", "expected": "boolean"},
        ),
        (
            file_of({**GOOD, "team": "yes"}),
            "wrong_type",
            1,
            {"name": "team", "expected": "boolean"},
        ),
        (
            file_of({"name": "no template"}),
            "wrong_type",
            1,
            {"name": "template", "expected": "string"},
        ),
        (file_of({**GOOD, "name": " "}), "empty", 1, {"name": "name"}),
        (file_of({**GOOD, "name": "n" * 61}), "too_long", 1, {"name": "name", "most": 60}),
        (
            file_of({**GOOD, "template": "t" * 801}),
            "too_long",
            1,
            {"name": "template", "most": 800},
        ),
        (
            file_of({**GOOD, "params": {"negative_prompt": "x" * 501}}),
            "too_long",
            1,
            {"name": "params.negative_prompt", "most": 500},
        ),
        (file_of({**GOOD, "params": {"extra": {"a": "x" * 5000}}}), "too_long", 1, None),
        (file_of(GOOD, GOOD), "name_repeated", 2, {"name": "ok"}),
        (file_of([1, 2]), "not_an_object", 1, {}),
        ("[" + " " * (600 * 1024) + "]", "file_too_large", None, {"most": 512}),
    ],
)
def test_a_bad_file_is_refused_whole_with_its_reason_and_place(store, text, reason, number, values):
    with pytest.raises(PresetRefused) as refused:
        store.import_presets("anon:alice", None, text)
    assert (refused.value.reason, refused.value.number) == (reason, number)
    if values is not None and reason != "bad_json":
        assert refused.value.values == values
    assert names(store.presets_for("anon:alice")) == []


def test_a_file_with_one_bad_preset_imports_none(store):
    with pytest.raises(PresetRefused):
        store.import_presets("anon:alice", None, file_of(GOOD, {**GOOD, "name": "b", "n": 2}))
    assert names(store.presets_for("anon:alice")) == []


def test_placeholders_are_filled_and_an_empty_one_is_refused():
    template = "{subject} on {colour}, {subject} centred"
    assert placeholders(template) == ["subject", "colour"]
    assert fill(template, {"subject": " a mug ", "colour": "white"}) == (
        "a mug on white, a mug centred"
    )
    with pytest.raises(PresetRefused, match="missing_value"):
        fill(template, {"subject": "a mug", "colour": "  "})
    many = " ".join(f"{{p{i}}}" for i in range(MAX_PLACEHOLDERS + 1))
    with pytest.raises(PresetRefused, match="too_many_placeholders"):
        read_export(file_of({"name": "many", "template": many}))


def test_a_preset_keeps_every_edit_parameter_but_the_prompt_and_boxes():
    assert "prompt" not in PRESET_PARAMS and "bbox_list" not in PRESET_PARAMS
    assert {"model", "n", "size", "negative_prompt", "prompt_extend", "seed"} <= set(PRESET_PARAMS)


def test_a_preset_saved_from_the_editor_keeps_the_example_settings_and_what_was_changed():
    params = EditParams(
        prompt="{subject} on white", model="wan2.7-image-pro", negative_prompt="blur", seed=7
    )
    assert editor_params(params) == {
        "model": "wan2.7-image-pro",
        "n": 1,
        "size": DEFAULT_SIZE,
        "seed": 7,
        "negative_prompt": "blur",
    }
    assert set(editor_params(EditParams(prompt_extend=False))) == {
        "model", "n", "size", "prompt_extend"
    }  # fmt: skip
    untouched = EditParams(wire_format="flat")  # what an untouched editor reads
    assert "wire_format" not in editor_params(EditParams(wire_format="flat"), untouched)
