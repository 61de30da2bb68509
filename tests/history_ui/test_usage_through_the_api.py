"""Issue 14.4 through the API: the usage `/edit` reports and History's `/history_usage` line match
the images the history holds (a failed run made none, a partial run what came back), priced with
PRICE_PER_IMAGE, and another visitor's runs never count.
"""

from __future__ import annotations

import httpx2
import pytest
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from history import HistoryStore
from simulator import RunningServer
from tests.app_process import app_on_simulator
from tests.history_api import issued_cookie, visitor

QWEN = "qwen-image-2.0-pro"
PRICES = f"{QWEN}=0.075,wan2.7-image-pro=0.094"


def images_in_history(history_dir, prompt_prefix: str) -> tuple[int, int]:
    """(runs, result images) of the runs whose prompt starts with `prompt_prefix`, read from
    the app's store run by run."""
    store = HistoryStore(history_dir)
    try:
        runs = [run for run in store.list_runs(None) if run.prompt.startswith(prompt_prefix)]
        return len(runs), sum(len(store.get_run(None, run.id).output_paths) for run in runs)
    finally:
        store.close()


def test_usage_through_the_api_matches_the_history(sim: RunningServer, tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), "teal").save(picture)
    faults = sim.origin + "/_simulator/faults"
    with app_on_simulator(sim, tmp_path, PRICE_PER_IMAGE=PRICES) as app:
        alice = visitor(app.url, issued_cookie(app.url))
        bob = visitor(app.url, issued_cookie(app.url))

        def edit(client, prompt: str, n: int):
            return client.predict(
                images=[handle_file(str(picture))], prompt=prompt, n=n, api_name="/edit"
            )

        refused = {"status": 400, "code": "DataInspectionFailed", "message": "blocked"}
        httpx2.post(faults, json=[refused]).raise_for_status()
        with pytest.raises(AppError):
            edit(alice, "alice: blocked", 2)
        edit(alice, "alice: two", 2)
        httpx2.post(faults, json=[{"drop_images": 1}]).raise_for_status()
        _gallery, summary, _, _ = edit(alice, "alice: three asked, two came", 3)
        edit(bob, "bob: four", 4)

        assert images_in_history(app.history_dir, "alice") == (3, 4)
        assert summary.splitlines()[-1] == (
            "**Usage** · this run 2 images (≈ $0.15) · this session 4 images (≈ $0.30)"
            " · your history 4 images (≈ $0.30)"
        )
        assert alice.predict(api_name="/history_usage") == (
            f"**Your history:** 4 images in 3 runs (≈ $0.30 at the configured prices) · {QWEN} 4"
        )
        assert images_in_history(app.history_dir, "bob") == (1, 4)
        assert bob.predict(api_name="/history_usage").startswith(
            "**Your history:** 4 images in 1 run (≈ $0.30"
        )
