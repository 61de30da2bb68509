"""The run journal: a run is in the history, as sending, before it is sent; its answer completes
the same row; a dead process's runs become interrupted, a live one's never; an answer the
history cannot take waits in the spool and is saved once when it can (history/journal.py)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace

import pytest

from history import INTERRUPTED, SENDING, HistoryUnavailable, RunJournal
from history.journal import LONGEST_RUN_S
from tests.app_process import ROOT
from tests.history.support import image_bytes, new_run


@pytest.fixture
def journal(store):
    journal = RunJournal(store)
    yield journal
    journal.close()


def sending_run(**overrides):
    return new_run(output_images=[], status=SENDING, **overrides)


def test_a_run_is_recorded_as_sending_then_completed_in_the_same_row(store, journal):
    begun = journal.begin(sending_run())
    opened = store.get_run("anon:alice", begun.id)
    assert opened.status == SENDING and opened.prompt == "make it snow"
    assert [path.read_bytes() for path in opened.input_paths] == [image_bytes(1)]
    assert opened.output_paths == []

    finished = journal.finish(begun.id, new_run(elapsed_s=2.5))

    assert not finished.spooled and finished.run_id == begun.id
    done = store.get_run("anon:alice", begun.id)
    assert (done.status, done.elapsed_s, done.created_at) == ("ok", 2.5, opened.created_at)
    assert [path.read_bytes() for path in done.output_paths] == [image_bytes(2)]
    assert store.count_runs() == 1 and store.sending_runs() == []
    assert [run.id for run in store.list_runs("anon:alice", search="snow")] == [begun.id]


def test_a_sending_run_is_private_like_every_run(store, journal):
    begun = journal.begin(sending_run())
    assert store.get_run("anon:bob", begun.id) is None
    assert store.list_runs("anon:bob") == []


def test_a_cap_never_evicts_a_run_still_sending(open_store, tmp_path):
    store = open_store(tmp_path / "history", max_runs=1)
    journal = RunJournal(store)
    try:
        begun = journal.begin(sending_run())
        store.save_run(new_run(prompt="a later run"))
        assert store.get_run("anon:alice", begun.id).status == SENDING
        journal.finish(begun.id, new_run())
        assert store.get_run("anon:alice", begun.id).status == "ok"
    finally:
        journal.close()


def test_a_live_process_s_runs_stay_sending_until_they_are_too_old_to_be_waited_for(store, journal):
    other = RunJournal(store)  # another live process on the same folder
    try:
        begun = other.begin(sending_run())
        assert journal.mark_interrupted() == 0
        assert store.get_run(None, begun.id).status == SENDING
        created = store.get_run(None, begun.id).created_at
        assert journal.mark_interrupted(now=created + LONGEST_RUN_S - 1) == 0
        assert journal.mark_interrupted(now=created + LONGEST_RUN_S + 1) == 1
        assert store.get_run(None, begun.id).status == INTERRUPTED
    finally:
        other.close()


DYING = """
import os, signal, sys
from history import HistoryStore, RunJournal
from tests.history.support import new_run

store = HistoryStore(sys.argv[1])
run = RunJournal(store).begin(new_run(output_images=[], status="sending"))
print(run.id, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_process_s_runs_are_marked_interrupted_at_once_by_the_next_one(tmp_path):
    directory = tmp_path / "history"
    dying = subprocess.run(
        [sys.executable, "-c", DYING, str(directory)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert dying.returncode == -signal.SIGKILL, dying.stderr
    run_id = dying.stdout.strip()

    from history import HistoryStore

    store = HistoryStore(directory)
    journal = RunJournal(store)
    try:
        assert journal.mark_interrupted() == 1
        run = store.get_run("anon:alice", run_id)
        assert run.status == INTERRUPTED and run.prompt == "make it snow"
        assert [path.read_bytes() for path in run.input_paths] == [image_bytes(1)]
        assert [path.name for path in journal.lock.folder.glob("*.lock")] == [
            f"{journal.lock.sender}.lock"
        ], "the dead process's lock file is gone"
    finally:
        journal.close()
        store.close()


def test_an_answer_the_history_cannot_take_is_spooled_then_saved_exactly_once(
    store, journal, monkeypatch
):
    begun = journal.begin(sending_run())
    save = store.save_run

    def database_down(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "save_run", database_down)
    finished = journal.finish(begun.id, new_run(elapsed_s=1.0, notes=["kept"]))
    assert finished.spooled and finished.run_id == begun.id
    assert [path.read_bytes() for path in finished.output_paths] == [image_bytes(2)]
    assert journal.replay() == [], "still down: kept for the next replay"
    assert journal.spool.pending() == [begun.id]
    for path in journal.spool.folder.rglob("*"):
        assert (os.stat(path).st_mode & 0o077) == 0, f"{path} is private"

    monkeypatch.setattr(store, "save_run", save)
    assert journal.replay() == [begun.id]
    assert journal.replay() == [] and journal.spool.pending() == []
    journal.spool.keep(begun.id, new_run(elapsed_s=1.0, notes=["kept"]))  # replayed twice
    assert journal.replay() == [begun.id]

    done = store.get_run("anon:alice", begun.id)
    assert (done.status, done.notes, store.count_runs()) == ("ok", ["kept"], 1)
    assert [path.read_bytes() for path in done.output_paths] == [image_bytes(2)]


def test_the_next_save_that_succeeds_replays_the_spool(store, journal):
    first, second = journal.begin(sending_run()), journal.begin(sending_run(prompt="rain"))
    journal.spool.keep(first.id, new_run())
    journal.finish(second.id, new_run(prompt="rain"))
    assert journal.spool.pending() == []
    assert {run.status for run in store.list_runs("anon:alice")} == {"ok"}


def test_a_run_is_refused_when_it_cannot_be_recorded_before_sending(store, journal, monkeypatch):
    def database_down(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(store, "save_run", database_down)
    with pytest.raises(HistoryUnavailable):
        journal.begin(sending_run())


def test_a_sending_run_without_its_process_or_carrying_a_key_is_refused(store, journal):
    with pytest.raises(ValueError, match="sender"):
        store.save_run(sending_run())
    with pytest.raises(ValueError, match="key"):
        journal.spool.keep(
            "0" * 33, replace(new_run(), params={**new_run().params, "extra": {"api_key": "x"}})
        )


def test_a_copy_of_a_run_still_sending_is_saved_as_interrupted(store, journal):
    begun = journal.begin(sending_run())
    copy = store.save_copy(store.get_run(None, begun.id), "anon:bob")
    assert copy.status == INTERRUPTED and copy.prompt == "make it snow"
    assert store.get_run("anon:alice", begun.id).status == SENDING


def test_a_run_deleted_while_sending_stays_deleted_when_its_answer_comes(store, journal):
    """Delete means gone: the answer neither brings the run back nor leaves its pictures."""
    begun = journal.begin(sending_run())
    assert store.delete_run("anon:alice", begun.id)

    finished = journal.finish(begun.id, new_run(elapsed_s=2.0))

    assert finished.deleted and not finished.spooled and finished.output_paths == []
    assert store.get_run("anon:alice", begun.id) is None and store.count_runs() == 0
    if not store._blobs.remote:
        images = [path for path in store.blob_folder.rglob("*") if path.is_file()]
        assert [path for path in images if not path.name.startswith("placeholder")] == []


def test_a_spooled_answer_of_a_run_deleted_meanwhile_is_dropped_not_saved(store, journal):
    begun = journal.begin(sending_run())
    journal.spool.keep(begun.id, new_run())
    assert store.delete_run("anon:alice", begun.id)

    assert journal.replay() == []
    assert journal.spool.pending() == [] and store.count_runs() == 0
