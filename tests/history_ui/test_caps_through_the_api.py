"""Issue 11.1-2 through `/edit`: the history caps hold per visitor and never cost a paid run.

One visitor's run larger than HISTORY_MAX_BYTES is shown and kept (it used to wipe everything,
and the page said "0 of 1 images"); another visitor's many runs never evict this one's.
"""

import os

from gradio_client import handle_file
from PIL import Image

from tests.app_process import app_process
from tests.history_api import history_captions, issued_cookie, visitor

MAX_RUNS = 3
ENV = {"SIMULATOR_LATENCY": "0", "HISTORY_MAX_RUNS": str(MAX_RUNS), "HISTORY_MAX_BYTES": "300000"}


def test_caps_are_per_visitor_and_never_evict_the_run_just_made(tmp_path):
    noisy = tmp_path / "noisy.png"  # about 1 MB: alone it is over the 300 kB cap
    Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3)).save(noisy)
    with app_process(["python", "app.py"], tmp_path, env=ENV) as app:
        alice = visitor(app.url, issued_cookie(app.url))
        bob = visitor(app.url, issued_cookie(app.url))
        gallery, summary, _, _ = alice.predict(
            images=[handle_file(str(noisy))], prompt="alice's big one", api_name="/edit"
        )
        assert len(gallery) == 1 and "**1 image** in" in summary
        assert any("alice's big one" in caption for caption in history_captions(alice))

        for i in range(MAX_RUNS + 2):
            bob.predict(images=[handle_file(str(noisy))], prompt=f"bob {i}", api_name="/edit")
        bobs = history_captions(bob)
        assert 1 <= len(bobs) <= MAX_RUNS and f"bob {MAX_RUNS + 1}" in bobs[0]
        assert any("alice's big one" in caption for caption in history_captions(alice))
