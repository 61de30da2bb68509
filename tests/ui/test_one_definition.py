"""Every field of EditParams reaches the page, the wire, the /edit API, the CLI, history, restore.

The tests walk the definition itself, so a field added to `EditParams` is covered at once: each
fails until the new field has a control, travels on the wire, is stored and comes back.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from PIL import Image

from client import PARAM_NAMES, EditParams, EditRequest, ImageEditClient
from client.cli import build_parser
from client.params import WIRE_NAMES
from history import HistoryStore, NewRun
from ui.core.controls import CONTROL_NAMES, page_values, params_from_page
from ui.editor.handlers import EditorHandlers

CHANGED = {
    "prompt": "a lighthouse in fog",
    "model": "wan2.7-image-pro",
    "n": 3,
    "size": "1200*800",
    "seed": 0,
    "negative_prompt": "blur",
    "watermark": True,
    "prompt_extend": False,
    "response_format": "url",
    "extra": {"parameters": {"steps": 4}},
    "encoding": "multipart",
    "wire_format": "messages",
    "bbox_list": [[[10, 20, 300, 400]]],
}
"""A value other than the default for every parameter (a new field needs one here)."""


@pytest.fixture
def changed() -> EditParams:
    assert set(CHANGED) == set(PARAM_NAMES), "give the new parameter a non-default value"
    params = EditParams(**CHANGED)
    for spec in fields(EditParams):
        assert getattr(params, spec.name) != spec.default, spec.name
    return params


def test_the_page_has_one_control_per_parameter_and_restores_each_exactly(changed):
    assert set(PARAM_NAMES) <= set(CONTROL_NAMES)
    restored = page_values(changed)
    assert list(restored) == list(CONTROL_NAMES)
    assert params_from_page(restored, []) == changed


def test_the_edit_endpoint_takes_and_documents_every_parameter_by_name():
    # the live endpoint's listing is checked in tests/ui/test_edit_api.py
    signature = EditorHandlers.edit.__signature__
    assert list(signature.parameters) == ["self", "images", *PARAM_NAMES, "parent", "request"]
    for name in (*PARAM_NAMES, "parent"):
        assert f"{name}:" in EditorHandlers.edit.__doc__


def test_every_body_field_is_sent_in_both_encodings_and_both_shapes(changed, sim, tmp_path):
    picture = tmp_path / "in.png"
    Image.new("RGB", (640, 480), "olive").save(picture)
    for encoding in ("json", "multipart"):
        flat = EditParams(**{**CHANGED, "encoding": encoding, "wire_format": "flat"})
        sent = sent_body(EditRequest.of(flat, [picture]), sim)
        assert set(WIRE_NAMES) <= set(sent), encoding
    assert not {"encoding", "wire_format"} & set(WIRE_NAMES)  # how it travels, not a field
    sent = sent_body(EditRequest.of(EditParams(**{**CHANGED, "encoding": "json"}), [picture]), sim)
    [message] = sent["input"]["messages"]
    assert message["content"][-1] == {"text": CHANGED["prompt"]}
    top_level = set(WIRE_NAMES) - {"prompt", "extra"}
    assert top_level <= set(sent) and sent["steps"] == 4  # extra.parameters joins the top level


def sent_body(request: EditRequest, sim) -> dict:
    with ImageEditClient(api_key="test-key", base_url=sim.base_url) as api:
        body = api._core.prepare(request).body.kwargs
    return json.loads(body["content"]) if "content" in body else body["data"]


def test_the_cli_has_one_option_per_parameter():
    parser = build_parser()
    edit = parser._subparsers._group_actions[0].choices["edit"]
    destinations = {action.dest for action in edit._actions}
    assert set(PARAM_NAMES) <= destinations


def test_history_stores_every_parameter_once_and_gives_it_back(changed, tmp_path: Path):
    store = HistoryStore(tmp_path / "history")
    try:
        run_id = store.save_run(
            NewRun(
                owner="anon:alice",
                params=changed.as_dict(),
                input_images=[],
                output_images=[],
                status="failed",
                backend="simulator",
            )
        ).id
        stored = store.get_run("anon:alice", run_id)
        assert EditParams.from_dict(stored.params) == changed
        with store._sql.read() as db:
            row = db.execute("SELECT params FROM runs WHERE id = ?", (run_id,)).fetchone()
        assert "seed" not in json.loads(row[0])  # the seed has a column of its own
    finally:
        store.close()
