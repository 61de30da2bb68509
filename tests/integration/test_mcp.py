"""The MCP server as a real agent meets it: the official MCP SDK over streamable HTTP, against the
app started as `python app.py` with MCP on (GRADIO_MCP_SERVER=True, as `--mcp`), sending its
runs to the session simulator.

Each test opens its own MCP session, so it is a visitor of its own (the SDK's HTTP client keeps
the owner cookie the app sets for the session's calls).
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from functools import partial
from http.server import HTTPServer, SimpleHTTPRequestHandler
from typing import Any

import httpx  # the MCP SDK's own HTTP client
import httpx2
import jsonschema
import pytest
from gradio_client import Client
from gradio_client.utils import encode_file_path
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, ImageContent, TextContent
from PIL import Image

from simulator import RunningServer
from tests.app_process import AppProcess, app_on_simulator
from tests.simulator.helpers import AUTH, BLUE, GREEN, QWEN, RED, WAN, body, data_uri, png, received

CURATED = {
    "edit", "compare", "list_runs", "open_run", "share_run", "revoke_link", "history_tree",
    "replay", "batch",
}  # fmt: skip


@pytest.fixture(scope="module")
def app(simulator: RunningServer, tmp_path_factory) -> Iterator[AppProcess]:
    root = tmp_path_factory.mktemp("mcp")
    with app_on_simulator(simulator, root, GRADIO_MCP_SERVER="True") as running:
        yield running


def in_session(
    app: AppProcess,
    steps: Callable[[ClientSession], Awaitable[Any]],
    headers: dict[str, str] | None = None,
) -> Any:
    """`steps` run in one MCP session with the app (one visitor, or the person whose token
    `headers` carry)."""

    async def run() -> Any:
        async with (
            httpx.AsyncClient(headers=headers, timeout=120) as http,
            streamable_http_client(app.url + "/gradio_api/mcp/", http_client=http) as (
                read,
                write,
                _,
            ),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await steps(session)

    return asyncio.run(run())


def call(app: AppProcess, tool: str, **arguments: Any) -> CallToolResult:
    return in_session(app, lambda session: session.call_tool(tool, arguments))


def words(result: CallToolResult) -> str:
    return "\n".join(item.text for item in result.content if isinstance(item, TextContent))


def pictures(result: CallToolResult) -> list[Image.Image]:
    images = [item for item in result.content if isinstance(item, ImageContent)]
    return [Image.open(io.BytesIO(base64.b64decode(item.data))) for item in images]


def run_id_of(result: CallToolResult) -> str:
    first = words(result).splitlines()[0]
    assert first.startswith("Run id: "), words(result)
    return first.removeprefix("Run id: ")


def test_the_tools_are_the_curated_set_each_argument_described_and_the_schemas_valid(app):
    tools = in_session(app, lambda session: session.list_tools()).tools
    assert {tool.name for tool in tools} == CURATED
    for tool in tools:
        assert tool.description, tool.name
        jsonschema.Draft202012Validator.check_schema(tool.inputSchema)
        assert "$ref" not in str(tool.inputSchema) and "$defs" not in str(tool.inputSchema)
        for name, argument in tool.inputSchema["properties"].items():
            assert argument.get("description"), f"{tool.name}.{name}"
    edit = next(tool for tool in tools if tool.name == "edit")
    images = edit.inputSchema["properties"]["images"]["description"]
    assert images.endswith(".") and "for qwen the last image sets the output's aspect" in images
    assert "1-9 for wan2.7-image-pro" in images and "data:" in images
    jsonschema.validate({"images": [data_uri(png())], "prompt": "x"}, edit.inputSchema)


def test_an_edit_of_a_data_uri_answers_its_pictures_and_its_run_id(app, sim):
    result = call(app, "edit", images=[data_uri(png(RED))], prompt="make it snow", n=2, seed=5)

    assert not result.isError, words(result)
    assert [picture.size for picture in pictures(result)] == [(1024, 1024)] * 2
    run_id = run_id_of(result)
    assert "seed `5`" in words(result)
    (sent,) = received(sim)
    assert (sent["image_count"], sent["n"], sent["seed"]) == (1, 2, 5)

    opened = call(app, "open_run", run_id=run_id)
    assert opened.isError, "another session is another visitor: the run is not theirs"


def test_a_session_lists_opens_shares_and_revokes_its_own_runs(app, sim):
    async def steps(session: ClientSession) -> tuple[CallToolResult, ...]:
        made = await session.call_tool("edit", {"images": [data_uri(png())], "prompt": "zeppelin"})
        run_id = run_id_of(made)
        listed = await session.call_tool("list_runs", {"search": "zeppelin"})
        opened = await session.call_tool("open_run", {"run_id": run_id})
        shared = await session.call_tool("share_run", {"run_id": run_id})
        link = words(shared).splitlines()[0]
        revoked = await session.call_tool("revoke_link", {"link": link})
        again = await session.call_tool("revoke_link", {"link": link})
        return made, listed, opened, shared, revoked, again

    made, listed, opened, shared, revoked, again = in_session(app, steps)
    run_id = run_id_of(made)
    assert run_id in words(listed) and "zeppelin" in words(listed)
    assert f"run id: {run_id}" in words(opened) and "prompt: zeppelin" in words(opened)
    assert len(pictures(opened)) == 1
    link = words(shared).splitlines()[0]
    assert link.startswith(app.url + "/?share=")
    assert httpx2.get(app.url + "/?share=" + link.rsplit("=", 1)[1]).status_code == 200
    assert not revoked.isError and again.isError and words(again)


def test_a_fusion_of_three_images_on_wan(app, sim):
    images = [data_uri(png(colour)) for colour in (RED, GREEN, BLUE)]
    result = call(app, "edit", images=images, prompt="all three in one", model=WAN, size="1K")

    assert not result.isError, words(result)
    assert len(pictures(result)) == 1
    (sent,) = received(sim)
    assert (sent["model"], sent["image_count"]) == (WAN, 3)


def test_an_image_url_on_the_api_origin_is_fetched_and_one_on_a_private_address_refused(
    app, sim, tmp_path
):
    """The app fetches input URLs as it fetches result links: https to a public address, or the
    API's own origin (here the simulator's, on loopback); anything else is refused unrequested,
    so the app is never a door into its own network."""
    made = httpx2.post(
        sim.base_url + "/images/edits",
        json=body(response_format="url", image=data_uri(png(GREEN))),
        headers=AUTH,
    ).json()
    on_the_api = made["data"][0]["url"]
    Image.new("RGB", (512, 512), "blue").save(tmp_path / "blue.png")
    server = HTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=tmp_path))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    elsewhere = f"http://127.0.0.1:{server.server_port}/blue.png"
    assert httpx2.get(elsewhere).status_code == 200
    httpx2.delete(sim.origin + "/_simulator/requests")

    secure = elsewhere.replace("http:", "https:")
    try:
        fetched = call(app, "edit", images=[on_the_api], prompt="from a link")
        plain = call(app, "edit", images=[data_uri(png()), elsewhere], prompt="no")
        private = call(app, "edit", images=[secure], prompt="no")
    finally:
        server.shutdown()
        server.server_close()

    assert not fetched.isError, words(fetched)
    assert len(pictures(fetched)) == 1
    assert plain.isError and private.isError
    assert words(plain) == (
        f"Image 2: {elsewhere} could not be used: Refused to download an image from a non-https "
        "address (http scheme)."
    )
    assert words(private).startswith(f"Image 1: {secure} could not be used: Refused")
    assert "private or local network address" in words(private)
    assert [request["prompt"] for request in received(sim)] == ["from a link"]


def test_a_file_uploaded_with_gradios_upload_tool_is_read_where_it_lies(app, sim):
    """What `gradio upload-mcp` does for a local file: POST /gradio_api/upload, then the address
    /gradio_api/file=<path>; only files in the app's upload folder are read that way."""
    uploaded = httpx2.post(
        app.url + "/gradio_api/upload", files={"files": ("cat.png", png(BLUE), "image/png")}
    ).json()[0]
    address = f"{app.url}/gradio_api/file={encode_file_path(uploaded)}"

    result = call(app, "edit", images=[address, data_uri(png())], prompt="uploaded first")
    elsewhere = call(app, "edit", images=[f"{app.url}/gradio_api/file=/etc/hostname"], prompt="x")

    assert not result.isError, words(result)
    assert [request["image_count"] for request in received(sim)] == [2]
    assert elsewhere.isError
    assert words(elsewhere) == (
        "Image 1: no file uploaded to this app has that address; upload it again."
    )


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"n": 9}, "n must be"),
        ({"images": [data_uri(png())] * 4}, "qwen-image-2.0-pro takes 1 to 3 input images; got 4"),
        ({"images": ["photo.jpg"]}, "Image 1: not an image this tool reads"),
        ({"images": ["data:image/png;base64,@@@"]}, "Image 1: its data URI is not valid base64"),
        ({"prompt": ""}, "The prompt is empty."),
    ],
)
def test_a_refusal_is_a_tool_error_in_words_and_nothing_is_sent(app, sim, arguments, expected):
    result = call(app, "edit", **{"images": [data_uri(png())], "prompt": "x", **arguments})

    assert result.isError
    assert expected in words(result) and "Traceback" not in words(result)
    assert received(sim) == []


def test_a_browser_only_endpoint_is_no_tool_and_calling_it_says_which_are(app):
    result = call(app, "history_restore", run_id="x")

    assert result.isError
    assert words(result) == (
        "There is no tool 'history_restore'; the tools are edit, compare, batch, list_runs, "
        "open_run, share_run, revoke_link, history_tree, replay."
    )


def test_a_comparison_answers_every_cell_and_their_run_ids(app, sim):
    result = call(
        app, "compare", images=[data_uri(png())], prompt="two ways", models=f"{QWEN},{WAN}",
        seeds="3",
    )  # fmt: skip

    assert not result.isError, words(result)
    assert len(pictures(result)) == 2
    run_ids = words(result).splitlines()[0].removeprefix("Run ids: ").split(", ")
    assert len(run_ids) == 2 and all(run_ids)


def test_with_app_auth_a_call_without_a_login_is_refused(simulator, tmp_path):
    """Gradio's own MCP server answered anyone, password or not; this one asks for a login."""
    with app_on_simulator(simulator, tmp_path, GRADIO_MCP_SERVER="True", APP_AUTH="ann:pw") as app:
        answer = httpx2.post(
            app.url + "/gradio_api/mcp/",
            json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
            headers={"accept": "application/json, text/event-stream"},
        )
    assert answer.status_code == 401
    assert "password-protected (APP_AUTH)" in answer.json()["error"]["message"]


def test_an_agent_continues_a_run_reads_its_tree_and_replays_it_on_another_model(app, sim):
    async def steps(session: ClientSession) -> tuple[CallToolResult, ...]:
        first = await session.call_tool("edit", {"images": [data_uri(png())], "prompt": "a hat"})
        root = run_id_of(first)
        second = await session.call_tool("edit", {"prompt": "make it red", "parent": root})
        tree = await session.call_tool("history_tree", {"run_id": root})
        last = run_id_of(second)
        replayed = await session.call_tool("replay", {"run_id": last, "model": WAN, "seed": "9"})
        return first, second, tree, replayed

    first, second, tree, replayed = in_session(app, steps)
    root, last = run_id_of(first), run_id_of(second)
    assert not second.isError and len(pictures(second)) == 1
    drawn = json.loads(words(tree))
    assert [(node["id"], node["parent"]) for node in drawn["nodes"]] == [(root, None), (last, root)]
    done = json.loads(words(replayed))
    assert done["failed_step"] is None and len(done["run_ids"]) == 2
    sent = received(sim)
    assert [(r["model"], r["seed"]) for r in sent[-2:]] == [(WAN, 9), (WAN, 9)]
    assert [r["prompt"] for r in sent[-2:]] == ["a hat", "make it red"]

    stranger = call(app, "history_tree", run_id=root)  # another session: another visitor
    assert stranger.isError and "Traceback" not in words(stranger)
    before = len(received(sim))
    refused = call(app, "edit", prompt="steal it", parent=root)
    assert refused.isError and "you have no run" in words(refused)
    assert len(received(sim)) == before


def test_an_agent_with_a_personal_token_makes_runs_in_its_persons_history(app, sim):
    person, stranger = Client(app.url, verbose=False), Client(app.url, verbose=False)
    token = person.predict("my agent", api_name="/token_create")
    bearer = {"Authorization": f"Bearer {token}"}

    made = in_session(
        app,
        lambda session: session.call_tool(
            "edit", {"images": [data_uri(png())], "prompt": "the agent's zebra"}
        ),
        headers=bearer,
    )
    run_id = run_id_of(made)
    details, *_ = person.predict(run_id, api_name="/history_open")
    assert "the agent's zebra" in str(details)
    assert person.predict(run_id, api_name="/history_tree")["nodes"][0]["id"] == run_id
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises AppError: not theirs
        stranger.predict(run_id, api_name="/history_tree")

    person.predict(token, api_name="/token_revoke")
    refused = httpx2.post(
        app.url + "/gradio_api/mcp/", headers={**bearer, "Accept": "application/json"}, json={}
    )
    assert refused.status_code == 401 and token not in refused.text


def test_a_batch_makes_a_run_per_image_and_refuses_one_over_its_budget(app, sim):
    images = [data_uri(png()), data_uri(png())]
    over = call(app, "batch", images=images, prompt="on white", budget=1)
    assert over.isError and "over your budget of 1" in words(over)
    assert received(sim) == []

    result = call(app, "batch", images=images, prompt="on white", budget=2)
    assert not result.isError, words(result)
    first = words(result).splitlines()[0]
    assert first.startswith("Batch ") and len(first.split("run ids: ")[1].split(", ")) == 2
    assert "2 of 2 done" in words(result) and len(received(sim)) == 2
