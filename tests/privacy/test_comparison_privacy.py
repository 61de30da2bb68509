"""Issue 14.1's privacy: a comparison is as private as its runs. Reopening it through the API
with another visitor's run id shows nothing of it, and the shared scope shows it to everyone
(as it shows every run)."""

import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from PIL import Image

from tests.app_process import app_process
from tests.history_api import issued_cookie, newest_run_id, visitor

PROMPT = "alice's private comparison"


@pytest.fixture(scope="module")
def picture(tmp_path_factory):
    path = tmp_path_factory.mktemp("inputs") / "photo.png"
    Image.new("RGB", (640, 480), (40, 160, 90)).save(path)
    return path


def alice_compares(url: str, picture) -> Client:
    alice = visitor(url, issued_cookie(url))
    alice.predict(
        images=[handle_file(str(picture))], prompt=PROMPT,
        models="qwen-image-2.0-pro,wan2.7-image-pro", seeds="11,12", api_name="/compare",
    )  # fmt: skip
    return alice


@pytest.mark.parametrize("scope", ["private", "shared"])
def test_only_those_who_may_see_the_runs_can_reopen_their_comparison(tmp_path, picture, scope):
    env = {"SIMULATOR_LATENCY": "0", "HISTORY_SCOPE": scope}
    with app_process(["python", "app.py"], tmp_path, env=env) as app:
        alice = alice_compares(app.url, picture)
        run_id = newest_run_id(app.history_dir)
        grid = alice.predict(run_id=run_id, api_name="/history_comparison")
        assert all(word in str(grid) for word in ("qwen-image-2.0-pro", "seed 11", "seed 12"))

        mallory = visitor(app.url, issued_cookie(app.url))
        if scope == "private":
            with pytest.raises(AppError, match="not part of a comparison in your history"):
                mallory.predict(run_id=run_id, api_name="/history_comparison")
        else:
            assert mallory.predict(run_id=run_id, api_name="/history_comparison") == grid
