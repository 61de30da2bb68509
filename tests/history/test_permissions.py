"""Everything the history keeps is private to the app's user (files 0600, folders 0700), whatever
the umask, older stores are tightened when opened, and emptied image folders go away."""

import os
import stat
import zipfile
from pathlib import Path

import pytest

from history import HistoryStore, export_zip, remove_export
from history import blobs as blobs_module
from tests.history.support import image_bytes, new_run


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def every_path(directory: Path) -> list[Path]:
    return [directory, *directory.rglob("*")]


@pytest.fixture
def open_umask():
    """The loosest umask, so modes set only through it would show up as world-readable."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_a_new_store_is_private_whatever_the_umask(tmp_path, open_umask):
    directory = tmp_path / "history"
    store = HistoryStore(directory)
    run_id = store.save_run(new_run()).id
    store.ensure_thumbnails(store.list_runs("anon:alice"))
    names = {path.name for path in directory.iterdir()}
    assert {"history.sqlite3", "history.sqlite3-wal", "history.sqlite3-shm"} <= names
    assert any(path.name.endswith(".thumb.webp") for path in directory.rglob("*/*"))
    assert store.get_run("anon:alice", run_id).input_paths[0].is_file()
    loose = {
        str(path): oct(mode(path))
        for path in every_path(directory)
        if mode(path) != (0o700 if path.is_dir() else 0o600)
    }
    assert loose == {}
    store.close()


def test_an_older_world_readable_store_is_tightened_when_opened(tmp_path):
    directory = tmp_path / "history"
    store = HistoryStore(directory)
    store.save_run(new_run())
    store.ensure_thumbnails(store.list_runs("anon:alice"))
    for path in every_path(directory):  # as the previous version left them
        path.chmod(0o755 if path.is_dir() else 0o644)
    store.close()

    HistoryStore(directory).close()
    assert {mode(path) for path in every_path(directory) if path.is_dir()} == {0o700}
    assert {mode(path) for path in every_path(directory) if path.is_file()} == {0o600}


def test_removing_the_last_image_of_a_folder_removes_the_folder(tmp_path):
    store = HistoryStore(tmp_path / "history")
    run_id = store.save_run(new_run()).id
    detail = store.get_run("anon:alice", run_id)
    folders = {path.parent for path in detail.input_paths + detail.output_paths}
    store.delete_run("anon:alice", run_id)
    assert not any(folder.exists() for folder in folders)
    assert store.save_run(new_run()).id  # and saving into them again works
    store.close()


def test_a_folder_still_holding_an_image_stays(tmp_path):
    store = HistoryStore(tmp_path / "history")
    kept = store.save_run(new_run(input_images=[image_bytes(1)], output_images=[image_bytes(2)])).id
    [kept_path] = store.get_run("anon:alice", kept).output_paths
    other = next(
        seed
        for seed in range(3, 5000)
        if store._blobs.digest(image_bytes(seed))[:2] == kept_path.parent.name
    )
    gone = store.save_run(new_run(output_images=[image_bytes(other)])).id
    store.delete_run("anon:alice", gone)
    assert kept_path.is_file()
    store.close()


def test_a_save_survives_its_folder_vanishing_under_it(tmp_path, monkeypatch):
    """A delete may remove an emptied folder between a save's mkdir and its write."""
    store = HistoryStore(tmp_path / "history")
    make_folder, raced = blobs_module.make_folder, []

    def make_then_lose(path: Path) -> None:
        make_folder(path)
        if not raced:
            raced.append(path)
            path.rmdir()

    monkeypatch.setattr(blobs_module, "make_folder", make_then_lose)
    run_id = store.save_run(new_run()).id
    assert raced, "the race was staged"
    detail = store.get_run("anon:alice", run_id)
    assert all(path.is_file() for path in detail.input_paths + detail.output_paths)
    store.close()


def test_an_export_is_private(tmp_path, open_umask):
    store = HistoryStore(tmp_path / "history")
    archive = export_zip(store.get_run("anon:alice", store.save_run(new_run()).id))
    assert (mode(archive), mode(archive.parent)) == (0o600, 0o700)
    with zipfile.ZipFile(archive) as bundle:
        assert bundle.testzip() is None
    remove_export(archive)
    store.close()
