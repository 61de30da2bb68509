"""`python -m client edit`: saves results and prints their paths; bad input is one clear line.

The CLI runs in its own process against a tiny scripted HTTP server on loopback, so these tests
depend on neither the network nor the simulator.
"""

import base64
import json
import subprocess
import sys

import pytest
from PIL import Image

from tests.app_process import ROOT
from tests.client.fakes import png
from tests.client.local_api import ScriptedAPI

KEY = "sk-cli-test-5d1e"


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "client", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip


def api_env(api: ScriptedAPI) -> dict[str, str]:
    return {"POWERTOKENS_API_KEY": KEY, "POWERTOKENS_BASE_URL": api.base_url, "PATH": ""}


def test_help_documents_every_option():
    out = run_cli("edit", "--help").stdout
    for option in ("--model", "--prompt", "--image", "-n", "--size", "--seed", "--negative-prompt",
                   "--watermark", "--no-prompt-extend", "--response-format", "--encoding",
                   "--extra", "--output", "POWERTOKENS_API_KEY"):  # fmt: skip
        assert option in out, option


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["edit", "-p", "x"], "required: -i/--image"),
        (["edit", "-p", "x", "-i", "a.png", "-n", "two"], "invalid int value"),
        (["edit", "-p", "x", "-i", "a.png", "--extra", "{"], "--extra is not valid JSON"),
        (["edit", "-p", "x", "-i", "a.png", "-n", "9"], "n must be an integer from 1 to 6"),
        (["edit", "-p", "x", "-i", "a.png", "--size", "9*9"], "size must be between 512*512"),
        (["edit", "-p", "x", "-i", "a.png", "--encoding", "xml"], "invalid choice: 'xml'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(args, says):
    result = run_cli(*args, env={"POWERTOKENS_API_KEY": KEY, "PATH": ""})
    assert result.returncode == 2
    assert says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_edit_saves_the_images_and_prints_their_paths(tmp_path, api):
    picture = tmp_path / "in.png"
    Image.new("RGB", (600, 400), (255, 0, 0)).save(picture)
    results = [png((0, 0, 255)), png((0, 255, 0))]
    api.reply = {
        "created": 1,
        "data": [{"b64_json": base64.b64encode(r).decode(), "url": ""} for r in results],
        "metadata": {"request_id": "req-9"},
    }
    result = run_cli(
        "edit", "-p", "make it blue", "-i", str(picture), "-i", str(picture), "-n", "2",
        "--size", "512*512", "--seed", "7", "-o", str(tmp_path / "out"), env=api_env(api),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert result.stdout.split() == [str(out / "req-9-1.png"), str(out / "req-9-2.png")]
    assert [(out / f"req-9-{i}.png").read_bytes() for i in (1, 2)] == results
    path, headers, body = api.received[0]
    sent = json.loads(body)
    assert path == "/v1/images/edits" and headers["authorization"] == f"Bearer {KEY}"
    assert (sent["n"], sent["size"], sent["seed"], len(sent["image"])) == (2, "512*512", 7, 2)
    assert KEY not in result.stdout + result.stderr


def test_a_partial_result_is_saved_and_the_shortfall_noted(tmp_path, api):
    picture = tmp_path / "in.png"
    Image.new("RGB", (600, 400)).save(picture)
    api.reply = {"data": [{"b64_json": base64.b64encode(png()).decode()}], "metadata": {}}
    result = run_cli(
        "edit", "-p", "x", "-i", str(picture), "-n", "3", "-o", str(tmp_path), env=api_env(api)
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 1
    assert "note: 1 of 3 requested images came back" in result.stderr


def test_a_hostile_request_id_cannot_place_files_outside_the_output_folder(tmp_path, api):
    picture = tmp_path / "in.png"
    Image.new("RGB", (600, 400)).save(picture)
    image = {"b64_json": base64.b64encode(png()).decode()}
    api.reply = {"data": [image], "metadata": {"request_id": "../../escape/..\\x"}}
    out = tmp_path / "deep" / "out"
    result = run_cli("edit", "-p", "x", "-i", str(picture), "-o", str(out), env=api_env(api))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [str(out / "escape-x-1.png")]
    assert sorted(p.name for p in tmp_path.rglob("*.png")) == ["escape-x-1.png", "in.png"]


@pytest.mark.parametrize(
    ("status", "reply", "says"),
    [
        (401, {"error": {"message": f"bad key {KEY}", "code": "invalid_api_key"}}, "rejected"),
        (400, {"code": "DataInspectionFailed", "message": "no", "request_id": "r"}, "moderation"),
        (404, {"error": {"message": "model does not exist", "code": "ModelNotFound"}}, "exist"),
    ],
)
def test_a_refused_request_exits_1_with_the_message_and_never_the_key(
    tmp_path, api, status, reply, says
):
    picture = tmp_path / "in.png"
    Image.new("RGB", (600, 400)).save(picture)
    api.status, api.reply = status, reply
    result = run_cli("edit", "-p", "x", "-i", str(picture), env=api_env(api))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert KEY not in result.stdout + result.stderr


def test_a_missing_key_or_input_file_is_one_line_naming_the_fix(tmp_path):
    no_key = run_cli("edit", "-p", "x", "-i", "a.png", env={"PATH": ""})
    assert no_key.returncode == 1
    assert "POWERTOKENS_API_KEY" in no_key.stderr
    missing = run_cli("edit", "-p", "x", "-i", str(tmp_path / "gone.png"), env={
        "POWERTOKENS_API_KEY": KEY, "POWERTOKENS_BASE_URL": "http://127.0.0.1:9/v1", "PATH": ""
    })  # fmt: skip
    assert missing.returncode == 1
    assert "Image 1: no such file: gone.png." in missing.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_local_api_needs_no_key(tmp_path, api, host):
    picture = tmp_path / "in.png"
    Image.new("RGB", (600, 400)).save(picture)
    api.reply = {"data": [{"b64_json": base64.b64encode(png()).decode()}], "metadata": {}}
    local = api.base_url.replace("127.0.0.1", host)
    env = {"POWERTOKENS_BASE_URL": local, "PATH": ""}
    result = run_cli("edit", "-p", "x", "-i", str(picture), "-o", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.split()) == 1


def test_a_remote_api_without_a_key_is_one_line_naming_the_variable():
    env = {"POWERTOKENS_BASE_URL": "https://proxy.example/v1", "PATH": ""}
    result = run_cli("edit", "-p", "x", "-i", "a.png", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("error: No API key: set POWERTOKENS_API_KEY")
    assert len(result.stderr.strip().splitlines()) == 1
