"""How much does the app grow while many visitors send it very big photos at once?

Runs as deployed: the simulator (`python -m simulator`) and the app (`python app.py`, pointed at
it) each in their own process, driven by `gradio_client`. For N in 1, 6 and 16, a fresh app gets
N concurrent `/edit` calls with wan2.7-image-pro (max side 8000 px), each with a distinct photo:
a 12000x10000 (120-megapixel) JPEG for 1 and 6, a 16320x12240 (200-megapixel, a phone sensor's
size) JPEG for 16. The photos are generated once; each call's copy differs by a JPEG comment, so
the app cannot share one preparation between visitors. The app's RSS (/proc/<pid>/status) is
sampled every 50 ms, and its kernel high-water mark (VmHWM) is read too.

Printed per N, over rounds that alternate a fresh app with a real naive run (its own process,
fully decoding the N photos at once in N threads, resizing and encoding them, its peak RSS
growth read from VmHWM): RSS before (after a small warm-up edit), peak growth, growth still held
once the runs are over, the naive run's measured peak growth, the ratio app ÷ naive, and the
issue's 1 GB target (six concurrent 120-megapixel photos grow the app by at most 1 GB).

    python -m bench.memory [--quick] [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gradio_client import Client, handle_file
from gradio_client.client import Job
from PIL import Image

from bench.rounds import alternated, line, ratio_line
from client.models import model_spec
from tests.app_process import AppProcess, app_process
from ui.core.config import MAX_FILE_SIZE

MODEL = "wan2.7-image-pro"
PROMPT = "make it autumn"
PHOTO_120MP = (12000, 10000)
PHOTO_200MP = (16320, 12240)
PHOTO_54MP = (9000, 6000)
CASES = ((1, PHOTO_120MP), (6, PHOTO_120MP), (16, PHOTO_200MP))
QUICK_CASES = ((6, PHOTO_54MP),)
ROUNDS = 2
UPLOAD_LIMIT_BYTES = int(MAX_FILE_SIZE.lower().removesuffix("mb")) * 1000 * 1000
"""The app refuses larger uploads: every generated photo must be under it."""
TARGET_BYTES = 1024**3
SAMPLE_S = 0.05
SETTLE_S = 3.0
SIMULATOR_LATENCY_S = 0.5
MB = 1024 * 1024


def make_photo(directory: Path, size: tuple[int, int]) -> Path:
    """A photo-like JPEG: a smooth tinted gradient with sensor-like grain, quality 85."""
    path = directory / f"photo-{size[0]}x{size[1]}.jpg"
    small = Image.linear_gradient("L").resize((size[0] // 20, size[1] // 20)).convert("RGB")
    tint = Image.new("RGB", small.size, (100, 120, 160))
    base = Image.blend(small, tint, 0.5).resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 25).convert("RGB")
    Image.blend(base, grain, 0.25).save(path, "JPEG", quality=85)
    if path.stat().st_size >= UPLOAD_LIMIT_BYTES:
        raise SystemExit(f"{path.name} is over the app's {MAX_FILE_SIZE} upload limit")
    return path


def distinct_copies(photo: Path, count: int, directory: Path) -> list[Path]:
    """`count` copies of `photo`, each with its own JPEG comment: the same pixels, different
    files, as distinct visitors' photos are to the app's content-keyed cache."""
    data = photo.read_bytes()
    copies = []
    for number in range(count):
        text = f"visitor {number}".encode()
        comment = b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text
        path = directory / f"{photo.stem}-{number}.jpg"
        path.write_bytes(data[:2] + comment + data[2:])
        copies.append(path)
    return copies


def rss_bytes(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of process `pid`, in bytes."""
    fields = {}
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = row.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024
    return fields


def reset_high_water_mark(pid: int) -> bool:
    """Resets the kernel's peak RSS of `pid` (Linux >= 4.0); False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class RssSampler:
    """Samples a process's RSS every SAMPLE_S seconds in a thread; `peak` is the highest seen."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes(self.pid)["VmRSS"])
            self._stop.wait(SAMPLE_S)


@dataclass
class Measurement:
    calls: int
    size: tuple[int, int]
    file_mb: float
    baseline: int
    peak: int
    held: int
    seconds: float
    failures: int

    @property
    def peak_growth(self) -> int:
        return self.peak - self.baseline

    @property
    def held_growth(self) -> int:
        return self.held - self.baseline


@contextmanager
def deployment(root: Path) -> Iterator[AppProcess]:
    """The simulator and the app, each in its own process; yields the app."""
    simulator_command = [
        "python",
        "-m",
        "simulator",
        "--port",
        "{port}",
        "--latency",
        str(SIMULATOR_LATENCY_S),
    ]
    with app_process(simulator_command, root) as simulator:
        app_env = {
            "POWERTOKENS_API_KEY": "bench",
            "POWERTOKENS_BASE_URL": simulator.url + "/v1",
            "MAX_CONCURRENT_RUNS": "16",
        }
        with app_process(["python", "app.py"], root, env=app_env) as app:
            yield app


def submit(client: Client, photo: Path) -> Job:
    """Starts one /edit call with `photo`, as a script user does."""
    return client.submit(
        images=[handle_file(str(photo))], prompt=PROMPT, model=MODEL, n=1, api_name="/edit"
    )


def warm_up(client: Client, directory: Path) -> None:
    """One small edit, so the app's code paths are loaded before the baseline is read."""
    path = directory / "warm-up.jpg"
    Image.linear_gradient("L").resize((1024, 1024)).convert("RGB").save(path, quality=90)
    submit(client, path).result()


def fan_out(client: Client, photos: list[Path]) -> int:
    """Sends one /edit per photo, all at once; returns how many failed."""
    jobs = [submit(client, photo) for photo in photos]
    failures = 0
    for job in jobs:
        try:
            job.result()
        except Exception as error:  # counted and reported; the bench goes on
            print(f"  a call failed: {error}")
            failures += 1
    return failures


def measure(root: Path, photos: list[Path], size: tuple[int, int]) -> Measurement:
    """Peak and held RSS of a fresh app while it serves one concurrent /edit per photo."""
    root.mkdir()
    with deployment(root) as app:
        pid = app.process.pid
        client = Client(app.url, verbose=False, download_files=str(root / "downloads"))
        warm_up(client, root)
        time.sleep(1.0)
        baseline = rss_bytes(pid)["VmRSS"]
        hwm_reset = reset_high_water_mark(pid)
        started = time.perf_counter()
        with RssSampler(pid) as sampler:
            failures = fan_out(client, photos)
            seconds = time.perf_counter() - started
            time.sleep(SETTLE_S)
        status = rss_bytes(pid)
        peak = max(sampler.peak, status["VmHWM"] if hwm_reset else 0)
        client.close()
    file_mb = photos[0].stat().st_size / MB
    return Measurement(
        len(photos), size, file_mb, baseline, peak, status["VmRSS"], seconds, failures
    )


NAIVE_RUN = """
import sys, threading
from pathlib import Path
from PIL import Image

Image.MAX_IMAGE_PIXELS = None

def rss(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024

def prepare(path, max_side):
    with Image.open(path) as image:
        image.load()
        scale = min(1.0, max_side / max(image.size))
        resized = image.resize((round(image.width * scale), round(image.height * scale)))
        resized.save(Path(path).with_suffix(".naive.jpg"), "JPEG", quality=90)

before = rss("VmRSS")
threads = [threading.Thread(target=prepare, args=(p, int(sys.argv[1]))) for p in sys.argv[2:]]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(rss("VmHWM") - before)
"""
"""The naive preparation, measured: a process that, with Pillow imported, fully decodes each
photo in its own thread (as N visitors at once), resizes it to the model's side and encodes it;
it prints its peak RSS growth."""


def naive_growth(photos: list[Path]) -> int:
    """Peak RSS growth in bytes of one real naive run over `photos`, in its own process."""
    command = [sys.executable, "-c", NAIVE_RUN, str(model_spec(MODEL).max_side)]
    done = subprocess.run([*command, *map(str, photos)], capture_output=True, text=True, check=True)
    return int(done.stdout.strip())


def report(calls: int, size: tuple[int, int], apps: list[Measurement], naive: list[int]) -> None:
    width, height = size
    peaks = [result.peak_growth for result in apps]
    held = [result.held_growth for result in apps]
    failures = sum(result.failures for result in apps)
    print(
        f"{calls:2d} concurrent {width}x{height} ({width * height / 1e6:.0f} MP, "
        f"{apps[0].file_mb:.1f} MB JPEG), {len(apps)} rounds alternated"
        + (f", {failures} calls FAILED" if failures else "")
    )
    print(line("app: RSS before", [result.baseline for result in apps], "MB", 1 / MB))
    print(line("app: peak growth", peaks, "MB", 1 / MB))
    print(line("app: held after the runs", held, "MB", 1 / MB))
    print(line("naive run, measured: peak growth", naive, "MB", 1 / MB))
    print(ratio_line("app ÷ naive peak growth", peaks, naive, "< 1x"))
    print(f"  app peak growth ÷ 1 GB target: median {statistics.median(peaks) / TARGET_BYTES:.2f}")


def alternate_case(
    root: Path, photos: list[Path], size: tuple[int, int], rounds: int
) -> tuple[list[Measurement], list[int]]:
    """A fresh app's measurements and the naive run's peak growths, alternated round by round."""
    apps: list[Measurement] = []
    numbers = iter(range(rounds))

    def app_growth() -> int:
        apps.append(measure(root.with_name(f"{root.name}-{next(numbers)}"), photos, size))
        return apps[-1].peak_growth

    _growths, naive = alternated(app_growth, lambda: naive_growth(photos), rounds=rounds)
    return apps, naive


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--quick", action="store_true", help="6 calls of 54-MP photos only")
    options = parser.parse_args()
    cases = QUICK_CASES if options.quick else CASES
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        root = Path(scratch)
        templates = {size: make_photo(root, size) for size in {size for _, size in cases}}
        print(f"{MODEL}, one photo per /edit call, simulator latency {SIMULATOR_LATENCY_S} s")
        for calls, size in cases:
            photos = distinct_copies(templates[size], calls, root)
            apps, naive = alternate_case(root / f"case-{calls}", photos, size, options.rounds)
            report(calls, size, apps, naive)
            for photo in photos:
                photo.unlink()
            if calls == 6 and size == PHOTO_120MP:
                peak = statistics.median(result.peak_growth for result in apps)
                verdict = "met" if peak <= TARGET_BYTES else "NOT met"
                print(f"  target: six 120-MP photos grow the app by at most 1 GB: {verdict}")


if __name__ == "__main__":
    main()
