"""HISTORY_SCOPE=shared with auth: everyone sees every run and who ran it; deletes stay own."""

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from tests.app_process import app_process
from tests.history_api import history_captions, newest_run_id


def test_a_shared_history_shows_who_ran_what_and_protects_deletes(tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 480), (120, 30, 30)).save(picture)
    env = {"SIMULATOR_LATENCY": "0", "HISTORY_SCOPE": "shared", "APP_AUTH": "alice:pw-a,bob:pw-b"}
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        alice = Client(app.url, auth=("alice", "pw-a"), verbose=False)
        bob = Client(app.url, auth=("bob", "pw-b"), verbose=False)
        alice.predict(
            images=[handle_file(str(picture))], prompt="team poster draft", api_name="/edit"
        )

        assert any("team poster draft" in c and "alice" in c for c in history_captions(bob))
        run_id = newest_run_id(app.history_dir)
        with pytest.raises(AppError, match="Only your own runs"):
            bob.predict(run_id=run_id, search="", model="All models", api_name="/history_delete")
        alice.predict(run_id=run_id, search="", model="All models", api_name="/history_delete")
        assert history_captions(bob) == []
