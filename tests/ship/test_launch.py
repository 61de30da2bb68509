"""The app starts the ways the README and the Dockerfile say, and serves its page and MCP tool."""

import asyncio
import json
import os
import re
import shlex
import socket
import subprocess
import sys

import httpx2

from tests.app_process import ROOT, app_process


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:bash|sh|shell)?\n(.*?)```", text, re.S)
    assert block, "README.md must show its commands in a code block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def page_config(url: str) -> str:
    return json.dumps(httpx2.get(url + "/config", timeout=10).json())


def test_readme_opens_with_an_install_and_run_command_and_the_ci_test_command():
    run, test = readme_commands()[:2]
    assert run.startswith("pip install -e . && python app.py")
    ci_script = (ROOT / ".ci" / "run").read_text()
    assert test in ci_script, "CI must run exactly the README's test command"


def test_readme_run_command_starts_the_app_on_the_simulator(tmp_path):
    run_part = readme_commands()[0].split("&&", 1)[1].strip()
    with app_process(shlex.split(run_part), tmp_path) as app:
        page = httpx2.get(app.url + "/", timeout=10)
        assert page.status_code == 200
        assert "simulator" in page_config(app.url).lower()


def test_dockerfile_command_starts_the_app_with_the_image_environment(tmp_path):
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.M).group(1))
    env_block = re.search(r"^ENV (.*?)\n\n", dockerfile, re.M | re.S).group(1)
    image_env = dict(pair.split("=", 1) for pair in shlex.split(env_block.replace("\\\n", " ")))
    assert image_env["GRADIO_SERVER_NAME"] == "0.0.0.0"
    env = {"GRADIO_SERVER_NAME": image_env["GRADIO_SERVER_NAME"]}
    with app_process(command, tmp_path, env=env) as app:
        assert httpx2.get(app.url + "/", timeout=10).status_code == 200


def test_help_lists_every_setting_and_flag():
    result = subprocess.run(
        [sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for name in (
        "POWERTOKENS_API_KEY",
        "POWERTOKENS_BASE_URL",
        "GRADIO_SERVER_NAME",
        "GRADIO_SERVER_PORT",
        "MAX_CONCURRENT_RUNS",
        "HISTORY_DIR",
        "HISTORY_SCOPE",
        "APP_AUTH",
        "--share",
        "--mcp",
    ):
        assert name in result.stdout, name


def test_mcp_flag_serves_the_edit_tool_described_by_its_docstring(tmp_path):
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    async def list_tools(url: str):
        async with (
            streamable_http_client(url + "/gradio_api/mcp/") as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return (await session.list_tools()).tools

    with app_process(["python", "app.py", "--mcp"], tmp_path) as app:
        tools = asyncio.run(list_tools(app.url))
    edit_tools = [tool for tool in tools if tool.name.endswith("edit")]
    assert edit_tools, [tool.name for tool in tools]
    tool = edit_tools[0]
    assert "image" in (tool.description or "").lower()
    assert {"images", "prompt"} <= set(tool.inputSchema["properties"])


def test_a_taken_port_is_one_friendly_line_and_status_1(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("POWERTOKENS_", "GRADIO_", "HISTORY_", "APP_AUTH"))
    }
    with socket.socket() as other_program:
        other_program.bind(("127.0.0.1", 0))
        other_program.listen()
        port = other_program.getsockname()[1]
        env.update(
            GRADIO_SERVER_PORT=str(port),
            HISTORY_DIR=str(tmp_path / "history"),
            GRADIO_ANALYTICS_ENABLED="False",
        )
        result = subprocess.run(
            [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
    assert result.returncode == 1
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    line = f"Port {port} is in use: stop the other program or set GRADIO_SERVER_PORT=<a free port>."
    assert result.stderr.strip().splitlines()[-1] == line
    assert output.count(line) == 1
