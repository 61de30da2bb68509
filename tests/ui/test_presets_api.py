"""Team presets through gradio_client, against the app in its own process (issue 25 item 2):
`/presets`, `/preset_save` and `/preset_delete` act for the caller's own identity (two clients
are two visitors, each with its own cookie), a private preset is its maker's alone, a team one
shows everyone who made it, the shared scope shows every preset, only the maker deletes, the
examples are built in, and a bad preset is refused with its reason."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from gradio_client import Client
from gradio_client.exceptions import AppError

from examples import EXAMPLES
from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator

WHITE = {
    "name": "product on white",
    "template": "{subject} on a white background, {colour} light",
    "params": {"model": "wan2.7-image-pro", "n": 2, "size": "1K", "prompt_extend": False},
}


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    with app_on_simulator(simulator, tmp_path_factory.mktemp("presets")) as running:
        yield running


def visitor(app: AppProcess) -> Client:
    return Client(app.url, verbose=False)


def save(client: Client, team: bool = False, preset_id: str = "", **preset) -> dict:
    preset = {**WHITE, **preset}
    return client.predict(**preset, team=team, preset_id=preset_id, api_name="/preset_save")


def listed(client: Client) -> list[dict]:
    return [p for p in client.predict(api_name="/presets") if not p["builtin"]]


def test_a_private_preset_is_its_makers_alone(app):
    alice, bob = visitor(app), visitor(app)
    saved = save(alice)
    assert saved["placeholders"] == ["subject", "colour"] and saved["params"] == WHITE["params"]
    assert (saved["mine"], saved["made_by"], saved["team"]) == (True, "you", False)
    assert [p["id"] for p in listed(alice)] == [saved["id"]]
    assert saved["id"] not in [p["id"] for p in listed(bob)]

    with pytest.raises(AppError, match="You have no such preset"):
        bob.predict(preset_id=saved["id"], api_name="/preset_delete")
    with pytest.raises(AppError, match="You have no such preset"):
        save(bob, preset_id=saved["id"], template="stolen {subject}")
    assert listed(alice)[0]["template"] == WHITE["template"]

    assert alice.predict(preset_id=saved["id"], api_name="/preset_delete") == (
        "The preset is deleted."
    )
    assert listed(alice) == []


def test_a_team_preset_shows_everyone_who_made_it_and_only_the_maker_edits_it(app):
    alice, bob = visitor(app), visitor(app)
    saved = save(alice, name="storyboard", team=True)
    seen = {p["id"]: p for p in listed(bob)}[saved["id"]]
    assert seen["mine"] is False and seen["made_by"].startswith("visitor ")
    assert seen["made_by"] == {p["id"]: p for p in listed(visitor(app))}[saved["id"]]["made_by"]

    edited = save(alice, name="storyboard, 2K", preset_id=saved["id"], params={"size": "2K"})
    assert (edited["id"], edited["params"], edited["team"]) == (saved["id"], {"size": "2K"}, False)
    assert saved["id"] not in [p["id"] for p in listed(bob)], "made private again"


def test_the_examples_are_built_in_presets_nobody_deletes(app):
    anyone = visitor(app)
    built_in = [p for p in anyone.predict(api_name="/presets") if p["builtin"]]
    assert [p["template"] for p in built_in] == [example.prompt for example in EXAMPLES]
    assert {p["made_by"] for p in built_in} == {"built-in example"}
    with pytest.raises(AppError, match="cannot be changed"):
        anyone.predict(preset_id=built_in[0]["id"], api_name="/preset_delete")


@pytest.mark.parametrize(
    ("preset", "words"),
    [
        ({"params": {"n": "two"}}, "“params.n” must be a whole number"),
        ({"params": {"steps": 30}}, "“steps” is not a parameter a preset keeps"),
        ({"name": "   "}, "Give the preset a name"),
        ({"params": '{"n": 2'}, "not valid JSON"),
        ({"template": "x" * 801}, "“template” is too long: at most 800 characters"),
    ],
)
def test_a_bad_preset_is_refused_with_its_reason(app, preset, words):
    alice = visitor(app)
    with pytest.raises(AppError, match=words):
        save(alice, **preset)
    assert listed(alice) == []


def test_the_endpoints_name_their_outputs(app):
    endpoints = visitor(app).view_api(print_info=False, return_format="dict")["named_endpoints"]
    returns = {name: [item["label"] for item in endpoints[name]["returns"]] for name in endpoints}
    assert returns["/presets"] == ["presets"]
    assert returns["/preset_save"] == ["preset"]
    assert returns["/preset_delete"] == ["status"]
    parameters = [item["parameter_name"] for item in endpoints["/preset_save"]["parameters"]]
    assert parameters == ["name", "template", "params", "team", "preset_id"]


@pytest.fixture(scope="module")
def shared_app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    folder = tmp_path_factory.mktemp("presets-shared")
    with app_on_simulator(simulator, folder, HISTORY_SCOPE="shared") as running:
        yield running


def test_the_shared_scope_shows_every_preset_but_only_the_maker_deletes(shared_app):
    alice, bob = visitor(shared_app), visitor(shared_app)
    saved = save(alice)
    assert [(p["id"], p["mine"]) for p in listed(bob)] == [(saved["id"], False)]
    with pytest.raises(AppError, match="You have no such preset"):
        bob.predict(preset_id=saved["id"], api_name="/preset_delete")


def test_a_refusal_is_worded_in_the_callers_language(app):
    chinese = Client(app.url, verbose=False, headers={"Accept-Language": "zh-CN"})
    with pytest.raises(AppError, match=re.escape("“params.seed”的类型应为：整数或空值")):
        save(chinese, params={"seed": "7"})
