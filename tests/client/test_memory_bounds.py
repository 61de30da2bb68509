"""Preparing big photos stays within bounds: reduced-scale decoding, one full-size copy at most,
a memory budget that never admits more than its bytes, and one preparation per content."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from PIL import Image

from client import model_spec
from client import preparation as preparation_module
from client.preparation import MemoryBudget, PreparationCache
from tests.app_process import ROOT

BIG_PHOTO = (9000, 6700)
"""60 megapixels: 241 MB once decoded (Pillow keeps RGB in four bytes a pixel)."""
FULL_DECODE_BYTES = BIG_PHOTO[0] * BIG_PHOTO[1] * 4
WAIT_S = 10.0
"""How long a test waits for something that should happen at once, before failing."""

PEAK_GROWTH = """
import sys
from pathlib import Path
from client.images import allow_large_photos, prepare_image
from client.models import model_spec

def peak_rss():
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) * 1024

allow_large_photos()
before = peak_rss()
prepared = prepare_image(sys.argv[1], model_spec(sys.argv[2]))
print(peak_rss() - before, prepared.width, prepared.height)
"""
"""Run in a fresh interpreter: prints how much preparing one file raised its peak RSS. VmHWM
(per address space, so it starts afresh at exec) rather than ru_maxrss, which a child inherits
from the parent it was forked from."""

linux_only = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads the peak RSS from Linux's /proc"
)


@pytest.fixture(scope="module")
def big_jpeg(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("big") / "photo.jpg"
    Image.new("RGB", BIG_PHOTO, (120, 80, 40)).save(path, "JPEG", quality=85)
    return str(path)


def peak_growth(path: str, model: str) -> tuple[int, tuple[int, int]]:
    done = subprocess.run(
        [sys.executable, "-c", PEAK_GROWTH, path, model],
        check=True, capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    growth, width, height = (int(part) for part in done.stdout.split())
    return growth, (width, height)


@linux_only
def test_a_big_jpeg_is_decoded_at_reduced_scale_never_at_full_size(big_jpeg):
    growth, size = peak_growth(big_jpeg, "qwen-image-2.0-pro")
    assert size == (3072, 2286)
    # 1/2 scale: a quarter of the pixels, then the 3072 px copy; the full decode never happens
    assert growth < FULL_DECODE_BYTES / 2


@linux_only
def test_a_jpeg_too_close_to_the_target_for_reduced_decoding_has_one_full_size_copy(big_jpeg):
    growth, size = peak_growth(big_jpeg, "wan2.7-image-pro")
    assert size == (8000, 5955)
    # the decoded photo and its 8000 px copy (0.8 of it), without a second full-size copy
    # (orientation) or a full-height scratch copy of the resampling
    assert growth < FULL_DECODE_BYTES * 2.1


class Occupancy:
    """What the threads inside a budget's reservations hold at once, as they report it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.held = 0
        self.most = 0
        self.inside: list[int] = []
        self.alone_each_time: list[bool] = []

    def enter(self, weight: int) -> None:
        with self.lock:
            self.held += weight
            self.inside.append(weight)
            self.most = max(self.most, self.held)

    def leave(self, weight: int) -> None:
        with self.lock:
            self.held -= weight
            self.inside.remove(weight)


def run_all(budget: MemoryBudget, weights: list[int], inside) -> None:
    threads = [
        threading.Thread(target=lambda w=weight: inside(w), daemon=True) for weight in weights
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S * 2)
    assert not any(thread.is_alive() for thread in threads), "a reservation never ended"


def test_the_budget_never_admits_more_than_its_bytes_and_admits_up_to_them():
    budget = MemoryBudget(100)
    occupancy = Occupancy()
    three_inside = threading.Event()

    def inside(weight: int) -> None:
        with budget.reserve(weight):
            occupancy.enter(weight)
            if len(occupancy.inside) == 3:
                three_inside.set()
            three_inside.wait(WAIT_S)  # hold on until as many as fit are inside together
            occupancy.leave(weight)

    run_all(budget, [30] * 9, inside)
    assert three_inside.is_set()  # 3 x 30 fit in 100 and were let in together
    assert occupancy.most == 90  # never a fourth


def test_a_reservation_larger_than_the_budget_runs_alone():
    budget = MemoryBudget(100)
    occupancy = Occupancy()
    big_was_alone = []

    def inside(weight: int) -> None:
        with budget.reserve(weight):
            occupancy.enter(weight)
            if weight > 100:
                big_was_alone.append(occupancy.inside == [weight])
            threading.Event().wait(0.01)  # stay a moment, so others would overlap if let in
            occupancy.leave(weight)

    run_all(budget, [40, 40, 250, 40, 40, 250, 40], inside)
    assert big_was_alone == [True, True]
    assert occupancy.most <= 250


class WatchedFuture(Future):
    """A Future that tells when someone starts waiting for its result."""

    waited = threading.Event()

    def result(self, timeout=None):
        WatchedFuture.waited.set()
        return super().result(timeout)


def test_concurrent_prepares_of_the_same_photo_share_one_preparation(monkeypatch, tmp_path):
    path = tmp_path / "photo.jpg"
    Image.new("RGB", (4000, 3000), (10, 120, 200)).save(path, "JPEG")
    started, release, calls = threading.Event(), threading.Event(), []
    real = preparation_module.prepare_image

    def slow(source, spec, **kwargs):
        calls.append(source)
        started.set()
        release.wait(WAIT_S)
        return real(source, spec, **kwargs)

    WatchedFuture.waited.clear()
    monkeypatch.setattr(preparation_module, "prepare_image", slow)
    monkeypatch.setattr(preparation_module, "Future", WatchedFuture)
    cache, results = PreparationCache(), {}
    qwen = model_spec("qwen-image-2.0-pro")

    def prepare(name: str, index: int) -> None:
        results[name] = cache.prepare(path, qwen, index=index)

    first = threading.Thread(target=prepare, args=("first", 1))
    first.start()
    assert started.wait(WAIT_S)
    second = threading.Thread(target=prepare, args=("second", 2))
    second.start()
    assert WatchedFuture.waited.wait(WAIT_S)  # the second waits for the first's preparation
    release.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert len(calls) == 1
    assert results["first"].data is results["second"].data
    assert results["second"].note.startswith("Image 2 was downscaled")
