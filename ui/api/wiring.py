"""The doors for code join the app: the API described in English, and, with `--mcp`, the MCP
server's middleware and the lifespan that runs its transport."""

from __future__ import annotations

from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from ui.api.english import describe_in_english
from ui.api.mcp import McpDoor, McpMiddleware
from ui.api.tools import build_tools
from ui.core.context import PageContext


def add_api(ctx: PageContext, demo: gr.Blocks) -> dict[str, Any]:
    """Names the API's arguments and outputs in English; returns what `launch`'s `app_kwargs`
    gains: with MCP on, its middleware (last: behind the owner cookie) and lifespan."""
    describe_in_english(demo)
    if not ctx.config.mcp:
        return {"middleware": []}
    door = McpDoor(ctx, demo, build_tools(demo))
    return {"middleware": [Middleware(McpMiddleware, door=door)], "lifespan": door.lifespan}
