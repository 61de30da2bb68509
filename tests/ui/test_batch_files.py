"""A batch without the app: the inputs read from pictures and zips (an unreadable entry left out
by name, the rest kept in order), the CSV and zip of what was done, its counts and time left, and
the plan said before sending."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from PIL import Image

from client import EditParams, ValidationError
from ui.batch.engine import DONE, FAILED, NOT_SENT, Batch, ItemState
from ui.batch.handlers import Asked, plan_words
from ui.batch.items import MAX_BATCH_IMAGES, Inputs, Item, Refused, read_inputs
from ui.batch.report import CSV_COLUMNS, CSV_NAME, batch_csv, batch_zip
from ui.core.owner import Owner
from ui.core.prices import parse_prices


def picture(path: Path) -> Path:
    Image.new("RGB", (64, 48), (10, 200, 30)).save(path)
    return path


def test_a_zip_gives_its_pictures_in_order_and_names_what_it_leaves_out(tmp_path):
    one = picture(tmp_path / "one.png")
    archive = tmp_path / "shots.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(one, "shots/b.png")
        zipped.writestr("shots/", "")
        zipped.writestr("__MACOSX/shots/._b.png", "resource fork")
        zipped.writestr("shots/.DS_Store", "finder")
        zipped.writestr("shots/readme.txt", "not a picture")
        zipped.writestr("shots/broken.jpg", b"\xff\xd8\xff\xe0 cut short")
        zipped.write(one, "shots/a.png")
    out = tmp_path / "out"
    out.mkdir()

    inputs = read_inputs([str(one), str(archive)], out)

    assert [item.name for item in inputs.items] == ["one.png", "shots/b.png", "shots/a.png"]
    assert [refused.name for refused in inputs.refused] == ["shots/readme.txt", "shots/broken.jpg"]
    assert all("not a picture" in refused.reason for refused in inputs.refused)
    extracted = [Path(item.path) for item in inputs.items[1:]]
    assert all(path.parent == out and path.read_bytes() == one.read_bytes() for path in extracted)
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in extracted)
    counted = read_inputs([str(one), str(archive)], None)  # the plan only counts: no files
    assert [item.name for item in counted.items] == [item.name for item in inputs.items]
    assert [item.path for item in counted.items] == [str(one), "", ""]
    assert counted.refused == inputs.refused


def test_a_loose_file_that_is_not_a_picture_is_left_out_by_name(tmp_path):
    one = picture(tmp_path / "one.png")
    notes = tmp_path / "notes.png"
    notes.write_text("words, not pixels")
    inputs = read_inputs([str(notes), str(one)], tmp_path)
    assert [item.name for item in inputs.items] == ["one.png"]
    assert [refused.name for refused in inputs.refused] == ["notes.png"]


@pytest.mark.parametrize(
    ("count", "problem"),
    [(0, "Give the pictures to edit"), (MAX_BATCH_IMAGES + 1, "a batch takes at most 200")],
)
def test_no_picture_or_too_many_refuse_the_whole_batch(tmp_path, count, problem):
    archive = tmp_path / "many.zip"
    data = (picture(tmp_path / "one.png")).read_bytes()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("readme.txt", "no pictures")
        for index in range(count):
            zipped.writestr(f"{index}.png", data)
    with pytest.raises(ValidationError, match=problem):
        read_inputs([str(archive)], tmp_path)


def test_the_csv_has_a_row_per_item_and_the_zip_holds_every_file_it_names(tmp_path):
    inputs = [picture(tmp_path / f"{name}.png") for name in ("a", "b", "c")]
    result = picture(tmp_path / "result.png")
    batch = Batch(
        Owner("anon:alice"),
        "session",
        EditParams(prompt="on white"),
        tuple(Item(str(path), f"shots/{path.name}") for path in inputs),
    )
    batch.set(0, ItemState(DONE, "run-1", (str(result),), elapsed_s=1.5))
    batch.set(1, ItemState(FAILED, "run-2", error="Blocked, twice", retry_blocker="billed"))
    batch.set(2, ItemState(NOT_SENT))

    rows = list(csv.DictReader(io.StringIO(batch_csv(batch))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["item"], r["name"], r["state"], r["run_id"]) for r in rows] == [
        ("1", "shots/a.png", "done", "run-1"),
        ("2", "shots/b.png", "failed", "run-2"),
        ("3", "shots/c.png", "not sent", ""),
    ]
    assert rows[1]["error"] == "Blocked, twice" and rows[1]["retry_blocker"] == "billed"
    assert rows[0]["result_files"] == "results/001-1.png" and rows[2]["result_files"] == ""

    with zipfile.ZipFile(batch_zip(batch, tmp_path / "all.zip")) as zipped:
        names = set(zipped.namelist())
        assert zipped.read(CSV_NAME).decode() == batch_csv(batch)
        assert zipped.read("results/001-1.png") == result.read_bytes()
    named = {row["input_file"] for row in rows} | {"results/001-1.png", CSV_NAME}
    assert names == named


def test_the_time_left_follows_the_pace_of_the_items_going_now_and_retry_takes_only_the_safe(
    tmp_path,
):
    path = str(picture(tmp_path / "a.png"))
    batch = Batch(
        Owner("anon:alice"),
        "s",
        EditParams(prompt="p"),
        tuple(Item(path, f"{i}") for i in range(5)),
    )
    batch.started = 100.0
    assert batch.seconds_left(now=110.0) is None  # nothing ended yet: no pace
    batch.set(0, ItemState(DONE))
    batch.set(1, ItemState(FAILED, error="refused", retry_blocker=None))
    batch.set(2, ItemState(FAILED, error="502", retry_blocker="may have been billed"))
    assert batch.counts() == {"done": 1, "failed": 2, "not_sent": 0, "left": 2}
    assert batch.seconds_left(now=130.0) == pytest.approx(20.0)  # 10 s an item, 2 left
    assert batch.retryable() == [1]
    assert batch.not_retryable() == [(batch.items[2], "may have been billed")]
    batch.set(3, ItemState(NOT_SENT))
    batch.set(4, ItemState(DONE))
    assert batch.over and batch.seconds_left() == 0.0


def test_the_plan_says_the_requests_the_images_their_cost_and_what_is_left_out():
    ctx = SimpleNamespace(config=SimpleNamespace(prices=parse_prices("wan2.7-image-pro=0.05")))
    items = tuple(Item(f"{i}.png", f"{i}.png") for i in range(3))
    inputs = Inputs(items, (Refused("notes.txt", "it is not a picture, or it is damaged."),))
    asked = Asked(inputs, EditParams(prompt="p", model="wan2.7-image-pro", n=2), ())

    words = plan_words(ctx, asked, "en")

    assert words.startswith("Will send **3 requests** for 6 images (≈ $0.30).")
    assert words.endswith("Left out notes.txt: it is not a picture, or it is damaged.")
    assert "3 个请求" in plan_words(ctx, asked, "zh")
