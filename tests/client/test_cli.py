"""`python -m client edit`: saves results and prints their paths; bad input is one clear line."""

import subprocess
import sys

import pytest
from PIL import Image

from tests.app_process import ROOT


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "client", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


def test_help_documents_every_option():
    out = run_cli("edit", "--help").stdout
    for option in ("--model", "--prompt", "--image", "-n", "--size", "--seed", "--negative-prompt",
                   "--watermark", "--no-prompt-extend", "--response-format", "--encoding",
                   "--extra", "--output"):  # fmt: skip
        assert option in out, option


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["edit", "-p", "x"], "required: -i/--image"),
        (["edit", "-p", "x", "-i", "a.png", "-n", "two"], "invalid int value"),
        (["edit", "-p", "x", "-i", "a.png", "--extra", "{"], "--extra is not valid JSON"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, says):
    result = run_cli(*args)
    assert result.returncode == 2
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_edit_against_a_live_simulator_saves_the_images(tmp_path, sim):
    picture = tmp_path / "in.png"
    Image.new("RGB", (600, 400), (255, 0, 0)).save(picture)
    env = {"POWERTOKENS_API_KEY": "cli-key", "POWERTOKENS_BASE_URL": sim.base_url, "PATH": ""}
    result = run_cli(
        "edit", "-p", "make it blue", "-i", str(picture), "-n", "2", "--size", "512*512",
        "--seed", "7", "-o", str(tmp_path / "out"), env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    paths = result.stdout.split()
    assert len(paths) == 2
    for path in paths:
        with Image.open(path) as image:
            assert image.size == (512, 512)
    assert "cli-key" not in result.stdout + result.stderr


def test_a_refused_request_exits_1_with_the_message(tmp_path, sim):
    picture = tmp_path / "in.png"
    Image.new("RGB", (600, 400)).save(picture)
    env = {"POWERTOKENS_API_KEY": "k", "POWERTOKENS_BASE_URL": sim.base_url, "PATH": ""}
    result = run_cli("edit", "-p", "x", "-i", str(picture), "-m", "no-such-model", env=env)
    assert result.returncode == 1
    assert "does not exist" in result.stderr
