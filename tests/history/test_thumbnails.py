"""Thumbnails are made in bounded memory: a JPEG is decoded at a reduced scale, an image too large
to decode whole gets the placeholder instead (and is never decoded), and a broken one too."""

import json
import subprocess
import sys
from pathlib import Path

from PIL import Image

from history import HistoryStore
from history.blobs import THUMBNAIL_MAX_PIXELS
from tests.app_process import ROOT
from tests.history.support import encoded, new_run

THUMBNAIL_IN_A_FRESH_PROCESS = """
import json, sys
from history import HistoryStore

def peak_kb():  # VmHWM, not ru_maxrss: Linux carries that over from the parent across exec
    status = open("/proc/self/status").read()
    return int(status.split("VmHWM:")[1].split()[0])

store = HistoryStore(sys.argv[1])
runs = store.list_runs(None)
before = peak_kb()
store.ensure_thumbnails(runs)
grown_kb = peak_kb() - before
print(json.dumps({"grown_mb": grown_kb / 1024, "thumbnail": runs[0].thumbnail_path}))
"""


def thumbnail_in_a_fresh_process(directory: Path) -> dict:
    """Thumbnails the store's only run; returns how far the peak memory grew doing it."""
    result = subprocess.run(
        [sys.executable, "-c", THUMBNAIL_IN_A_FRESH_PROCESS, str(directory)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return json.loads(result.stdout)


def store_with_result(directory: Path, result: bytes) -> str:
    store = HistoryStore(directory)
    run_id = store.save_run(new_run(output_images=[result])).id
    store.close()
    return run_id


def test_a_large_jpeg_is_thumbnailed_at_a_reduced_scale(tmp_path):
    photo = encoded(Image.new("RGB", (6000, 4000), (40, 120, 200)), "JPEG")  # 72 MB decoded
    store_with_result(tmp_path, photo)
    measured = thumbnail_in_a_fresh_process(tmp_path)
    assert measured["grown_mb"] < 30
    assert measured["thumbnail"].endswith(".jpg.thumb.webp")
    with Image.open(measured["thumbnail"]) as thumbnail:
        assert max(thumbnail.size) == 256
        colour = thumbnail.convert("RGB").getpixel((10, 10))
    assert all(abs(got - want) <= 8 for got, want in zip(colour, (40, 120, 200), strict=True))


def test_a_png_too_large_to_decode_gets_the_placeholder_without_being_decoded(tmp_path):
    side = int(THUMBNAIL_MAX_PIXELS**0.5) + 100  # one byte a pixel: ~52 MB if it were decoded
    huge = encoded(Image.new("L", (side, side), 128), "PNG")
    run_id = store_with_result(tmp_path, huge)
    measured = thumbnail_in_a_fresh_process(tmp_path)
    assert measured["grown_mb"] < 30
    store = HistoryStore(tmp_path)
    cover = store.get_run("anon:alice", run_id).thumbnail_path
    assert not Path(cover).exists(), "no thumbnail was made"
    placeholder = measured["thumbnail"]
    assert placeholder != cover and Path(placeholder).is_file()
    with Image.open(placeholder) as image:
        assert image.size == (256, 256)
    store.close()


def test_a_cover_lost_from_disk_gets_the_placeholder_and_the_list_still_works(tmp_path):
    store = HistoryStore(tmp_path)
    run_id = store.save_run(new_run()).id
    for path in store.get_run("anon:alice", run_id).output_paths:
        path.unlink()
    runs = store.list_runs("anon:alice")
    store.ensure_thumbnails(runs)
    assert Path(runs[0].thumbnail_path).is_file()
    assert runs[0].thumbnail_path != store.get_run("anon:alice", run_id).thumbnail_path
    store.close()
