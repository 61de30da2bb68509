"""What one visitor may have in flight (MAX_RUNS_PER_VISITOR, ui/core/jobs.py): counted by owner
over every tab and API session, admitted all together or refused before anything is sent.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PIL import Image

from client import ImageEditClient
from client.preparation import PreparationCache
from history import HistoryStore
from tests.ui.test_editor_rules import built_tab
from ui.core.backend import Backend
from ui.core.config import AppConfig
from ui.core.controls import CONTROL_NAMES
from ui.core.gallery import gallery_paths
from ui.core.jobs import AlreadyRunning, Job, Jobs, TooManyInFlight
from ui.core.owner import Owner
from ui.core.picture_gate import PictureGate
from ui.core.runs import Runner
from ui.core.session_usage import SessionUsage
from ui.editor.handlers import EditorHandlers

ALICE = "anon:alice"


def test_an_owners_requests_are_counted_until_each_ends():
    jobs = Jobs()
    comparison = jobs.admit(ALICE, 6, most=8)
    edit = jobs.admit(ALICE, 2, most=8)
    with pytest.raises(TooManyInFlight) as refused:
        jobs.admit(ALICE, 1, most=8)
    assert refused.value.values == {"in_flight": 8, "asked": 1, "most": 8}
    comparison.release()  # one cell ended
    jobs.admit(ALICE, 1, most=8)
    with pytest.raises(TooManyInFlight):
        jobs.admit(ALICE, 1, most=8)
    comparison.close()  # the other five
    edit.close()
    edit.close()  # closing twice frees nothing more
    assert jobs.admit(ALICE, 7, most=8)


def test_a_refused_admission_counts_nothing():
    jobs = Jobs()
    jobs.admit(ALICE, 5, most=8)
    with pytest.raises(TooManyInFlight):
        jobs.admit(ALICE, 4, most=8)
    assert jobs.admit(ALICE, 3, most=8)


def test_visitors_are_bounded_apart_and_none_means_no_bound():
    jobs = Jobs()
    jobs.admit(ALICE, 8, most=8)
    assert jobs.admit("anon:bob", 8, most=8)
    assert jobs.admit(ALICE, 100, most=None)


def test_a_page_job_counts_with_the_owners_api_calls_and_frees_its_place_when_it_ends():
    jobs = Jobs()
    api_calls = jobs.admit(ALICE, 6, most=8)
    with pytest.raises(TooManyInFlight):
        jobs.claim(Job(ALICE, "tab-2", "p", "m", kind="comparison"), requests=4, most=8)
    assert not jobs.running(ALICE)  # the refused job was never registered
    job = jobs.claim(Job(ALICE, "tab-2", "p", "m"), requests=2, most=8)
    with pytest.raises(TooManyInFlight):
        jobs.admit(ALICE, 1, most=8)
    jobs.finish(job)
    api_calls.close()
    assert jobs.admit(ALICE, 8, most=8)


def test_a_second_click_of_a_session_is_its_own_job_going_before_the_bound_counts():
    jobs = Jobs()
    jobs.claim(Job(ALICE, "tab-1", "p", "m"), requests=1, most=1)
    with pytest.raises(AlreadyRunning):
        jobs.claim(Job(ALICE, "tab-1", "p", "m"), requests=1, most=1)


@pytest.fixture
def photo(tmp_path) -> str:
    path = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (90, 160, 40)).save(path)
    return str(path)


def test_the_pages_run_beyond_the_bound_is_refused_saying_how_many_are_in_flight(
    sim, tmp_path, photo
):
    store = HistoryStore(tmp_path / "history")
    client = ImageEditClient(api_key="test-key", base_url=sim.base_url)
    jobs = Jobs()
    context = SimpleNamespace(
        runner=Runner(Backend("api", client, sim.base_url), store, PreparationCache()),
        owner=lambda _request: Owner(ALICE), jobs=jobs, store=store,
        session_usage=SessionUsage(), config=AppConfig(max_runs_per_visitor=2),
        shared_history=False, visible_to=lambda owner: owner.id,
        input_files=lambda images, _request: gallery_paths(images),
        gate=PictureGate(store, tmp_path / "gate", b"secret", shared_scope=False),
    )  # fmt: skip
    tab, _banner = built_tab()
    values = {name: None for name in CONTROL_NAMES}
    values.update(
        images=[(photo, None)], prompt="one more", model="qwen-image-2.0-pro", n=1,
        size="1024*1024", randomize_seed=True, watermark=False, prompt_extend=True,
        response_format="b64_json", encoding="json", extra="",
    )  # fmt: skip
    try:
        with jobs.admit(ALICE, 2, most=2):  # e.g. /compare cells from another session
            [refused] = EditorHandlers(context, tab).run_from_page(None, None, **values)
        status = refused[tab.status]
        assert "Not run" in status and "You already have 2 requests queued or running" in status
        assert "at most 2 at once" in status and refused[tab.run]["interactive"] is True
        assert not jobs.running(ALICE) and store.list_runs(ALICE) == []
        *_progress, done = EditorHandlers(context, tab).run_from_page(None, None, **values)
        assert "**1 image** in" in done[tab.status]
    finally:
        client.close()
        store.close()
