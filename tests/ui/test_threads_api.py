"""Edit threads through gradio_client, against the app on the live simulator, on SQLite and on
PostgreSQL: `/edit` continues a run (`parent`, `<run id>#<k>`), `/history_tree` gives the whole
tree as JSON, `/replay` adds a labelled branch, and another visitor's run is unknown to every one
of them, with nothing sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from history import HistoryStore
from tests.app_process import AppProcess, app_on_simulator
from tests.servers import create_database
from tests.simulator.helpers import received


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def app(request, simulator, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp(f"threads-{request.param}")
    settings = {}
    if request.param == "postgres":
        url = create_database(request.getfixturevalue("postgres_url"))
        settings = {"HISTORY_DATABASE_URL": url, "HISTORY_SECRET": "threads-secret"}
    with app_on_simulator(simulator, root, **settings) as running:
        running.database_url = settings.get("HISTORY_DATABASE_URL")
        yield running


@pytest.fixture
def store(app) -> Iterator[HistoryStore]:
    opened = HistoryStore(app.history_dir, database_url=app.database_url)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def photo(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("photo") / "photo.png"
    Image.new("RGB", (640, 480), (200, 80, 40)).save(path)
    return str(path)


def edit(client: Client, store: HistoryStore, prompt: str, images=(), **more) -> str:
    """One /edit; returns the new run's id (the newest in the history)."""
    client.predict(
        images=[handle_file(path) for path in images], prompt=prompt, api_name="/edit", **more
    )
    return store.list_runs(None, limit=1)[0].id


def test_a_thread_grows_a_tree_and_replays_as_a_branch(app, store, photo):
    alice = Client(app.url, verbose=False)
    root = edit(alice, store, "a cat on a sofa", [photo], model="wan2.7-image-pro", n=2)
    second = edit(alice, store, "make the hat red", parent=f"{root}#2")
    other = edit(alice, store, "remove the dog", [photo], parent=root)
    grandchild = edit(alice, store, "now at night", parent=second)

    continued = store.get_run(None, second)
    assert continued.input_paths[0].read_bytes() == (
        store.get_run(None, root).output_paths[1].read_bytes()
    )  # with no images, the parent's second result was the input
    tree = alice.predict(root, api_name="/history_tree")
    assert tree["root"] == root
    assert [(node["id"], node["parent"], node["result_index"]) for node in tree["nodes"]] == [
        (root, None, None),
        (second, root, 2),
        (other, root, 1),
        (grandchild, second, 1),
    ]

    replay = alice.predict(grandchild, "qwen-image-2.0-pro", "42", api_name="/replay")
    assert replay["failed_step"] is None and replay["images"] == 2 + 1 + 1  # n=2 at the root
    assert len(replay["run_ids"]) == 3
    grown = alice.predict(grandchild, api_name="/history_tree")
    replayed = [node for node in grown["nodes"] if node["id"] in replay["run_ids"]]
    assert [node["prompt"] for node in replayed] == [
        "a cat on a sofa", "make the hat red", "now at night"
    ]  # fmt: skip
    assert {(node["model"], node["seed"]) for node in replayed} == {("qwen-image-2.0-pro", 42)}
    assert replayed[0]["branch_label"] == "model=qwen-image-2.0-pro, seed=42"
    assert replayed[0]["parent"] is None and replayed[1]["parent"] == replayed[0]["id"]


def test_another_visitors_run_is_unknown_to_every_door(app, store, sim, photo):
    alice, mallory = Client(app.url, verbose=False), Client(app.url, verbose=False)
    root = edit(alice, store, "alice's cat", [photo])
    sent = len(received(sim))
    with pytest.raises(AppError, match="you have no run"):
        mallory.predict(images=[], prompt="steal", parent=root, api_name="/edit")
    with pytest.raises(AppError):
        mallory.predict(root, api_name="/history_tree")
    with pytest.raises(AppError, match="you have no run"):
        mallory.predict(root, "same", "", api_name="/replay")
    with pytest.raises(AppError, match="you have no run"):
        alice.predict(images=[], prompt="no such result", parent=f"{root}#5", api_name="/edit")
    assert len(received(sim)) == sent
