"""The history store: runs, images stored once, owners kept apart, caps, paging and search."""

import json
import sqlite3
import threading
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from history import HistoryStore, export_zip, remove_export
from history.migrations import MIGRATIONS
from tests.history.support import image_bytes, new_run


def test_a_saved_run_comes_back_whole(store):
    run = new_run(negative_prompt="blur", revised_prompts=["snowy"], elapsed_s=1.5,
                  request_id="req-1", notes=["Image 1 was downscaled"])  # fmt: skip
    run_id = store.save_run(run).id
    detail = store.get_run("anon:alice", run_id)
    assert detail.prompt == "make it snow" and detail.negative_prompt == "blur"
    assert detail.params == run.params and detail.seed == 7
    assert detail.revised_prompts == ["snowy"] and detail.notes == ["Image 1 was downscaled"]
    assert (detail.elapsed_s, detail.request_id, detail.backend) == (1.5, "req-1", "simulator")
    assert [p.read_bytes() for p in detail.input_paths] == list(run.input_images)
    assert [p.read_bytes() for p in detail.output_paths] == list(run.output_images)
    store.ensure_thumbnails(store.list_runs("anon:alice"))
    with Image.open(detail.thumbnail_path) as thumbnail:
        assert max(thumbnail.size) <= 256


def test_a_saved_run_is_returned_as_get_run_gives_it_back_without_reading_it(store, monkeypatch):
    """What the page shows the moment a run ends (its result files included) comes from what
    was written: saving reads nothing back."""
    run = new_run(
        negative_prompt="",
        n=2,
        elapsed_s=3,
        extra={"parameters": {"steps": 30}},
        bbox_list=[[[0, 0, 4, 4]]],
        revised_prompts=("a", "b"),
        notes=("note",),
        input_images=[image_bytes(1), image_bytes(9)],
        output_images=[image_bytes(2), image_bytes(2)],
        stopped=True,
        comparison="cmp-1",
    )

    def unread(*_args, **_kwargs):
        raise AssertionError("saving read the run back")

    monkeypatch.setattr(store, "get_run", unread)
    monkeypatch.setattr(store._sql, "read", unread)
    saved = store.save_run(run)
    monkeypatch.undo()

    assert saved == store.get_run("anon:alice", saved.id)
    assert [p.read_bytes() for p in saved.output_paths] == [image_bytes(2), image_bytes(2)]
    assert [p.read_bytes() for p in saved.input_paths] == [image_bytes(1), image_bytes(9)]
    assert saved.negative_prompt is None and isinstance(saved.elapsed_s, float)
    assert (saved.stopped, saved.comparison, saved.requested_n) == (True, "cmp-1", 2)


def test_failed_runs_are_kept_with_their_error(store):
    run_id = store.save_run(new_run(status="failed", output_images=[], error="blocked")).id
    [summary] = store.list_runs("anon:alice")
    assert (summary.id, summary.status) == (run_id, "failed")
    assert store.get_run("anon:alice", run_id).error == "blocked"
    store.ensure_thumbnails([summary])
    assert Path(summary.thumbnail_path).exists()  # the input stands in for the missing result


@pytest.mark.parametrize(
    "params",
    [
        {"api_key": "sk-1"},
        {"n": 1, "extra": {"Authorization": "Bearer sk-1"}},
        {"extra": {"nested": [{"X-API-Key": "sk-1"}]}},
    ],
)
def test_a_key_can_never_be_stored(store, params):
    with pytest.raises(ValueError, match="never carry a key"):
        store.save_run(new_run(params=params))
    assert store.count_runs() == 0


def test_owners_see_only_their_own_runs(store):
    mine = store.save_run(new_run("anon:alice")).id
    theirs = store.save_run(new_run("anon:bob", prompt="bob's secret")).id
    assert [run.id for run in store.list_runs("anon:alice")] == [mine]
    assert store.get_run("anon:alice", theirs) is None
    assert store.delete_run("anon:alice", theirs) is False
    assert store.get_run("anon:bob", theirs) is not None
    assert {run.id for run in store.list_runs(None)} == {mine, theirs}  # the shared scope


def test_identical_images_are_stored_once_and_removed_with_their_last_run(store, tmp_path):
    shared = image_bytes(99)
    first = store.save_run(new_run(input_images=[shared], output_images=[image_bytes(3)])).id
    second = store.save_run(new_run(input_images=[shared], output_images=[image_bytes(4)])).id
    path = store.get_run("anon:alice", first).input_paths[0]
    assert store.get_run("anon:alice", second).input_paths[0] == path

    assert store.delete_run("anon:alice", first)
    assert path.exists(), "still used by the second run"
    only_first = store.get_run("anon:alice", second).output_paths[0]
    assert store.delete_run("anon:alice", second)
    assert not path.exists() and not only_first.exists()
    assert store.total_bytes() == 0


def test_file_names_cannot_be_derived_from_the_image(open_store, tmp_path):
    import hashlib

    one = open_store(tmp_path / "one")
    two = open_store(tmp_path / "two")
    data = image_bytes(5)
    paths = [s.save_run(new_run(input_images=[data])).input_paths[0].name for s in (one, two)]
    assert paths[0] != paths[1], "each store keys its hashes with its own secret"
    assert hashlib.sha256(data).hexdigest() not in paths[0]


def test_pages_are_newest_first_and_continue_where_the_last_ended(store):
    ids = [store.save_run(new_run(prompt=f"run {i}")).id for i in range(7)]
    first = store.list_runs("anon:alice", limit=3)
    second = store.list_runs("anon:alice", limit=3, before=first[-1].id)
    third = store.list_runs("anon:alice", limit=3, before=second[-1].id)
    assert [r.id for r in first + second + third] == list(reversed(ids))


def test_search_finds_words_and_prefixes_and_survives_odd_input(store):
    store.save_run(new_run(prompt="a red fox in the snow"))
    store.save_run(new_run(prompt="neon city at night"))
    store.save_run(new_run(prompt="雪中的狐狸"))
    assert [r.prompt for r in store.list_runs("anon:alice", search="fox")] == [
        "a red fox in the snow"
    ]
    assert [r.prompt for r in store.list_runs("anon:alice", search="nig")] == ["neon city at night"]
    assert [r.prompt for r in store.list_runs("anon:alice", search="雪中的狐狸")] == ["雪中的狐狸"]
    for odd in ['"', "AND", "fox OR", "*", "(", "NEAR("]:
        store.list_runs("anon:alice", search=odd)  # never an SQL or FTS syntax error


def test_the_model_filter(store):
    store.save_run(new_run(model="wan2.7-image-pro", prompt="wan run"))
    store.save_run(new_run(prompt="qwen run"))
    assert [r.prompt for r in store.list_runs("anon:alice", model="wan2.7-image-pro")] == [
        "wan run"
    ]


def test_export_holds_the_images_and_a_run_json(store):
    run_id = store.save_run(new_run(output_images=[image_bytes(2), image_bytes(3)])).id
    archive = export_zip(store.get_run("anon:alice", run_id))
    with zipfile.ZipFile(archive) as bundle:
        names = set(bundle.namelist())
        record = json.loads(bundle.read("run.json"))
    assert names == {
        "inputs/input-1.png",
        "outputs/output-1.png",
        "outputs/output-2.png",
        "run.json",
    }
    assert record["params"]["prompt"] == "make it snow" and record["params"]["seed"] == 7
    assert "owner" not in record
    remove_export(archive)
    assert not archive.exists() and not archive.parent.exists()


def test_the_run_cap_removes_the_oldest_runs(open_store, tmp_path):
    store = open_store(tmp_path / "h", max_runs=3)
    ids = [
        store.save_run(new_run(prompt=f"run {i}", output_images=[image_bytes(10 + i)])).id
        for i in range(5)
    ]
    assert [r.id for r in store.list_runs(None)] == list(reversed(ids[2:]))
    assert store.get_run(None, ids[0]) is None


def test_the_byte_cap_removes_the_oldest_runs_until_under(open_store, tmp_path):
    one_run = len(image_bytes(1)) + len(image_bytes(50))
    store = open_store(tmp_path / "h", max_bytes=int(one_run * 2.5))
    for i in range(5):
        store.save_run(
            new_run(input_images=[image_bytes(100 + i)], output_images=[image_bytes(200 + i)])
        )
    assert store.total_bytes() <= int(one_run * 2.5)
    assert store.count_runs() == 2


def test_concurrent_savers_keep_exactly_the_newest_runs_under_the_cap(open_store, tmp_path):
    store = open_store(tmp_path / "h", max_runs=5)
    ids, lock = [], threading.Lock()

    def writer(number: int) -> None:
        for i in range(3):
            result = image_bytes(1000 + number * 10 + i)  # never the shared input, image_bytes(1)
            run_id = store.save_run(new_run(output_images=[result])).id
            with lock:
                ids.append(run_id)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [run.id for run in store.list_runs(None)] == sorted(ids, reverse=True)[:5]
    files = [path for path in store.blob_folder.glob("*/*") if path.suffix == ".png"]
    assert len(files) == 6, "five results and the one input they share; the rest were removed"


def test_sixteen_threads_write_at_once(store):
    errors = []

    def writer(number: int) -> None:
        try:
            for i in range(5):
                store.save_run(
                    new_run(f"anon:{number}", output_images=[image_bytes(number * 10 + i)])
                )
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert store.count_runs() == 80
    assert all(len(store.list_runs(f"anon:{n}")) == 5 for n in range(16))


def test_the_database_is_in_wal_mode_with_its_migrations_recorded(tmp_path):
    HistoryStore(tmp_path).close()
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    names = [row[0] for row in db.execute("SELECT name FROM _migrations")]
    assert sorted(names) == sorted(migration.__name__ for migration in MIGRATIONS)


def test_a_stopped_run_is_kept_and_marked_and_the_typical_time_is_the_median(open_store, tmp_path):
    store = open_store(tmp_path)
    stopped_id = store.save_run(new_run(prompt="stopped one", stopped=True, elapsed_s=9.0)).id
    assert store.get_run("anon:alice", stopped_id).stopped
    assert [run.stopped for run in store.list_runs("anon:alice")] == [True]
    assert store.typical_seconds("qwen-image-2.0-pro") == 9.0
    for seconds in (1.0, 2.0, 30.0, 3.0):
        store.save_run(new_run(elapsed_s=seconds))
    store.save_run(new_run(elapsed_s=99.0, status="failed", output_images=[]))
    assert store.typical_seconds("qwen-image-2.0-pro") == 3.0  # failed runs do not count
    assert store.typical_seconds("wan2.7-image-pro") is None
