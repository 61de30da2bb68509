"""The runner and the run journal over the live simulator and a real store: a run is recorded, key
masked, before it is sent, and completed in the same row; one the history cannot record is never
sent; an answer the history cannot take still reaches the visitor, spooled. And the words the
page says of them, in English and Chinese."""

from __future__ import annotations

import sqlite3
import threading
import time
from types import SimpleNamespace

import httpx2
import pytest

from client import EditParams
from history import INTERRUPTED, SENDING
from tests.history_ui.conftest import KEY
from tests.simulator.helpers import received
from ui.core.owner import Owner
from ui.core.run_words import detail_markdown, problem_text, spooled_warning
from ui.core.runs import NotJournalled
from ui.history.handlers import caption

OWNER = Owner("anon:journal")


def failing_on(store, monkeypatch, completing: bool) -> None:
    """The store's writes fail from now on: when a run begins, or only when it completes."""
    save = store.save_run

    def save_run(run, run_id=None):
        if (run_id is not None) == completing:
            raise sqlite3.OperationalError("disk I/O error")
        return save(run, run_id)

    monkeypatch.setattr(store, "save_run", save_run)


def test_a_run_is_recorded_masked_before_it_is_sent_and_completed_in_the_same_row(
    runner, sim, store, photo
):
    httpx2.post(sim.origin + "/_simulator/faults", json=[{"delay_s": 1.5}]).raise_for_status()
    params = EditParams(prompt=f"snow, with {KEY} in it", model="qwen-image-2.0-pro")
    outcome: dict = {}
    going = threading.Thread(
        target=lambda: outcome.setdefault("run", runner.run(params, [photo], OWNER, None))
    )
    going.start()
    deadline = time.monotonic() + 10
    while not store.sending_runs():
        assert time.monotonic() < deadline, "the run was never recorded as sending"
        time.sleep(0.02)
    [(run_id, _sender, _created)] = store.sending_runs()
    sending = store.get_run(OWNER.id, run_id)
    assert sending.status == SENDING and KEY not in sending.prompt and "***" in sending.prompt
    assert len(sending.input_paths) == 1
    going.join()

    assert outcome["run"].run_id == run_id and not outcome["run"].spooled
    done = store.get_run(OWNER.id, run_id)
    assert done.status == "ok" and len(done.output_paths) == 1 and store.count_runs() == 1


def test_a_run_the_history_cannot_record_is_never_sent(runner, sim, store, photo, monkeypatch):
    failing_on(store, monkeypatch, completing=False)
    with pytest.raises(NotJournalled, match="nothing was billed"):
        runner.run(EditParams(prompt="make it snow"), [photo], OWNER, None)
    assert received(sim) == [] and store.count_runs() == 0


def test_an_answer_the_history_cannot_take_reaches_the_visitor_from_the_spool(
    runner, sim, store, photo, monkeypatch
):
    failing_on(store, monkeypatch, completing=True)
    outcome = runner.run(EditParams(prompt="make it snow"), [photo], OWNER, None)

    assert outcome.spooled and outcome.error is None and len(outcome.output_paths) == 1
    assert outcome.output_paths[0].is_relative_to(runner.journal.spool.folder)
    assert store.get_run(OWNER.id, outcome.run_id).status == SENDING
    monkeypatch.undo()
    assert runner.journal.replay() == [outcome.run_id]
    done = store.get_run(OWNER.id, outcome.run_id)
    assert done.status == "ok" and len(done.output_paths) == 1 and store.count_runs() == 1


def summary(status: str) -> SimpleNamespace:
    return SimpleNamespace(
        created_at=0.0, status=status, stopped=False, owner_label=None, prompt="p", model="m"
    )


@pytest.mark.parametrize(
    ("status", "language", "words"),
    [
        (INTERRUPTED, "en", "interrupted: the service may have billed it"),
        (INTERRUPTED, "zh", "已中断：服务可能已计费"),
        (SENDING, "en", "sending…"),
        (SENDING, "zh", "发送中…"),
    ],
)
def test_history_names_a_sending_or_interrupted_run_in_the_page_s_language(status, language, words):
    assert caption(summary(status), language).endswith(words)


def test_the_journal_s_sentences_follow_the_browser_s_language(store):
    english = SimpleNamespace(headers={"accept-language": "en-GB"})
    chinese = SimpleNamespace(headers={"accept-language": "zh-CN,zh"})
    spooled = SimpleNamespace(spooled=True)
    assert "Saved locally; will be added to History" in spooled_warning(spooled, english)
    assert "数据库恢复后会加入历史" in spooled_warning(spooled, chinese)
    assert spooled_warning(SimpleNamespace(spooled=False), english) == ""
    assert "没有计费" in problem_text(NotJournalled(), chinese)
    interrupted = SimpleNamespace(
        **vars(summary(INTERRUPTED)),
        backend="api",
        negative_prompt=None,
        revised_prompts=[],
        elapsed_s=None,
        seed=1,
        output_paths=[],
        requested_n=1,
        request_id=None,
        error=None,
        notes=[],
    )
    assert detail_markdown(interrupted, "zh").startswith("**已中断：服务可能已计费。**")
