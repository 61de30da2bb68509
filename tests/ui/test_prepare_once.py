"""A photo is prepared once, when it is added: the Run check and the request reuse those bytes.

The page's handlers run against a live simulator with a real history; Pillow's preparation is
counted, and the bytes the simulator received are compared with what was prepared on upload.
"""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from types import SimpleNamespace

import httpx2
import pytest
from PIL import Image

from client import EditRequest, ImageEditClient, model_spec
from client import preparation as preparation_module
from client.preparation import PreparationCache
from history import HistoryStore
from tests.ui.test_editor_rules import built_tab
from ui.core.backend import Backend
from ui.core.config import AppConfig
from ui.core.controls import CONTROL_NAMES
from ui.core.gallery import gallery_paths
from ui.core.jobs import Jobs
from ui.core.owner import Owner
from ui.core.picture_gate import PictureGate
from ui.core.runs import Runner
from ui.core.session_usage import SessionUsage
from ui.editor import handlers as handlers_module
from ui.editor.handlers import EditorHandlers


@pytest.fixture
def prepared_count(monkeypatch) -> list[str]:
    """Names of the files Pillow prepared, one entry per preparation."""
    calls: list[str] = []
    real = preparation_module.prepare_image

    def counting(source, spec, **kwargs):
        calls.append(str(source))
        return real(source, spec, **kwargs)

    monkeypatch.setattr(preparation_module, "prepare_image", counting)
    return calls


@pytest.fixture
def big_photo(tmp_path) -> str:
    path = tmp_path / "photo.jpg"
    Image.effect_noise((4000, 3000), 40).convert("RGB").save(path, "JPEG", quality=85)
    return str(path)


def test_an_added_photo_is_prepared_once_for_notes_check_and_request(
    prepared_count, big_photo, sim, tmp_path, monkeypatch
):
    store = HistoryStore(tmp_path / "history")
    client = ImageEditClient(api_key="test-key", base_url=sim.base_url)
    backend = Backend("api", client, sim.base_url)
    runner = Runner(backend, store, PreparationCache())
    context = SimpleNamespace(
        runner=runner, owner=lambda _r: Owner("anon:a"), jobs=Jobs(), store=store,
        session_usage=SessionUsage(), config=AppConfig(), shared_history=False,
        visible_to=lambda owner: owner.id,
        input_files=lambda images, _request: gallery_paths(images),
        gate=PictureGate(store, tmp_path / "gate", b"secret", shared_scope=False),
    )  # fmt: skip
    tab, _banner = built_tab()
    handlers = EditorHandlers(context, tab)
    try:
        notes = handlers.on_images_change([(big_photo, None)], "qwen-image-2.0-pro", "")
        assert "Image 1 was downscaled from 4000x3000 to 3072x2304" in notes
        values = {name: None for name in CONTROL_NAMES}
        values.update(
            images=[(big_photo, None)], prompt="make it snow", model="qwen-image-2.0-pro",
            n=1, size="1024*1024", randomize_seed=True, watermark=False, prompt_extend=True,
            response_format="b64_json", encoding="json", extra="",
        )  # fmt: skip
        parsed = count_page_reads(monkeypatch)
        started = handlers.start_run(None, **values)
        assert started[tab.status] == "Starting…"
        assert started[tab.stop]["visible"] is True and started[tab.results] == []
        assert all(verdict["is_valid"] for verdict in handlers.validate_page(**values))
        *_progress, outputs = handlers.run_from_page(None, None, **values)
        assert "**1 image** in" in outputs[tab.status]
        assert len(parsed) == 1  # one click: its first step, validator and run read it once
        assert prepared_count == [big_photo]  # added, checked and sent: one preparation
        sent = httpx2.get(sim.origin + "/_simulator/requests").json()["requests"][-1]
        assert sent["image_count"] == 1
        cached = runner.preparation.prepare(big_photo, model_spec("qwen-image-2.0-pro"))
        assert (cached.width, cached.height) == (3072, 2304)
    finally:
        client.close()
        store.close()


def count_page_reads(monkeypatch) -> list[dict]:
    """The values the editor's handlers parsed into EditParams, one entry per reading."""
    calls: list[dict] = []
    real = handlers_module.params_from_page

    def counting(values, images):
        calls.append(dict(values))
        return real(values, images)

    monkeypatch.setattr(handlers_module, "params_from_page", counting)
    return calls


def test_a_model_switch_prepares_again_only_when_the_limits_differ(prepared_count, big_photo):
    cache = PreparationCache()
    qwen = cache.prepare(big_photo, model_spec("qwen-image-2.0-pro"), index=1)
    assert cache.prepare(big_photo, model_spec("qwen-image-2.0-pro"), index=2).data is qwen.data
    assert len(prepared_count) == 1
    wan = cache.prepare(big_photo, model_spec("wan2.7-image-pro"), index=1)
    assert len(prepared_count) == 2 and wan.note is None  # wan takes 4000 px as it is
    renamed = replace(model_spec("qwen-image-2.0-pro"), name="qwen-image-2.0")
    again = cache.prepare(big_photo, renamed, index=3)
    assert len(prepared_count) == 2 and again.data is qwen.data
    assert again.note.startswith("Image 3 was") and "qwen-image-2.0's limits" in again.note


def test_a_refused_file_is_remembered_and_named_at_its_position(prepared_count, tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff not a jpeg")
    cache = PreparationCache()
    for index in (1, 2):
        with pytest.raises(Exception, match=f"^Image {index}: this file is not an image"):
            cache.prepare(broken, model_spec("qwen-image-2.0-pro"), index=index)
    assert len(prepared_count) == 1


def test_the_client_sends_a_prepared_image_as_it_is(big_photo, sim):
    prepared = PreparationCache().prepare(big_photo, model_spec("qwen-image-2.0-pro"))
    with ImageEditClient(api_key="test-key", base_url=sim.base_url) as api:
        request = EditRequest(prompt="p", images=[prepared])
        body = json.loads(api._core.prepare(request).body.kwargs["content"])
    assert body["image"] == "data:image/jpeg;base64," + base64.b64encode(prepared.data).decode()
