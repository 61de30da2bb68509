"""The MCP server at /gradio_api/mcp/ (streamable HTTP), built on the official MCP SDK.

Gradio's own MCP server (`launch(mcp_server=True)`) turns every public endpoint into a tool and
cannot be told otherwise: browser-only endpoints became tools, a multi-file input got a schema
whose `$ref` points at a `$defs` Gradio nests under the argument (so the SDK's validation of
every call failed with PointerToNowhere), and a gallery came back as its text. This server lists
the curated tools of tools.py with plain schemas, answers with MCP images and text, and turns
a refusal into a tool error in words (isError), never a traceback.

It sits behind the app's own middleware, so every call carries the caller's owner cookie (an
MCP client keeps it for its session): the runs an agent makes are in its history, and only
there. With APP_AUTH on, a call without a login is refused, as the page would refuse it.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
import gradio as gr
from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from starlette.requests import Request
from starlette.responses import JSONResponse

from ui.api.tools import Call, Tool, ToolRefusal
from ui.core.config import UPLOAD_MAX_BYTES
from ui.core.context import PageContext

logger = logging.getLogger(__name__)

MCP_PATHS = ("/gradio_api/mcp", "/gradio_api/mcp/")
MAX_BODY_BYTES = 2 * UPLOAD_MAX_BYTES
"""A call's body: room for a few large pictures as data URIs (the SDK's default is 4 MB)."""
INSTRUCTIONS = (
    "Edit or fuse images with qwen-image-2.0-pro and wan2.7-image-pro. Give images as https "
    "URLs, data URIs, or files uploaded with the upload_file_to_gradio tool. Every edit is a "
    "run in your history: list_runs and open_run read it, share_run makes a read-only link."
)
LOGIN_NEEDED = (
    "This app is password-protected (APP_AUTH): an MCP call needs a login, and this one has none."
)


class McpDoor:
    """The server, its tools and its transport; `middleware` and `lifespan` join it to the app."""

    def __init__(self, ctx: PageContext, demo: gr.Blocks, tools: list[Tool]) -> None:
        self.ctx = ctx
        self.demo = demo
        self.tools = {tool.name: tool for tool in tools}
        self.server: Server = Server("Image Edit Playground", instructions=INSTRUCTIONS)
        self.server.list_tools()(self.list_tools)
        self.server.call_tool()(self.call_tool)
        self.manager = StreamableHTTPSessionManager(
            self.server, stateless=True, max_request_body_size=MAX_BODY_BYTES
        )

    async def list_tools(self) -> list[types.Tool]:
        return [tool.as_mcp() for tool in self.tools.values()]

    async def call_tool(self, name: str, arguments: dict[str, Any]) -> types.CallToolResult:
        if name not in self.tools:
            return refused(f"There is no tool {name!r}; the tools are {', '.join(self.tools)}.")
        call = Call(arguments, self.server.request_context.request)
        try:
            act = self.tools[name].act
            content = await anyio.to_thread.run_sync(act, self.ctx, self.demo, call)
        except ToolRefusal as refusal:
            return refused(str(refusal))
        except Exception:
            logger.exception("the MCP tool %s failed", name)
            return refused(f"{name} failed unexpectedly; the app's log has the details.")
        return types.CallToolResult(content=content)

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Any) -> AsyncIterator[None]:
        async with self.manager.run():
            yield

    def allowed(self, scope: dict) -> bool:
        """Whether the caller may use the tools: anyone, unless the app asks for a login."""
        if not self.ctx.config.auth:
            return True
        return self.ctx.owner(Request(scope)).id.startswith("user:")


def refused(words: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(type="text", text=words)], isError=True)


class McpMiddleware:
    """Pure ASGI: requests for /gradio_api/mcp/ go to the MCP server, all others on."""

    def __init__(self, app: Any, door: McpDoor) -> None:
        self.app = app
        self.door = door

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("path") not in MCP_PATHS:
            await self.app(scope, receive, send)
            return
        if not self.door.allowed(scope):
            await JSONResponse({"error": {"message": LOGIN_NEEDED}}, 401)(scope, receive, send)
            return
        await self.door.manager.handle_request(scope, receive, send)
