"""The page itself, and its config, sent gzip-compressed.

Gradio serves its script chunks compressed but the page's HTML uncompressed, and that HTML holds
the whole config (every component's properties and API types, every event, both languages'
texts): the largest single download of a visit, and JSON that shrinks about tenfold. Only those
answers are compressed here; pictures, files and the event stream pass untouched (compressing a
photo costs the server time and saves nothing).
"""

from __future__ import annotations

from typing import Any

from starlette.middleware.gzip import GZipMiddleware

PAGE_PATHS = frozenset({"/", "/config", "/gradio_api/info"})
"""The page (with its config inlined), the config the page asks again, the API's description."""

MINIMUM_SIZE = 1024
"""Answers smaller than this go as they are: compressing them saves nothing worth a header."""


class CompressedPageMiddleware:
    """Pure ASGI: a GET of one of PAGE_PATHS (the root path under a mount included) goes
    through Starlette's gzip; everything else reaches the app as it came."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=MINIMUM_SIZE)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("method") == "GET" and is_page(scope):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def is_page(scope: dict) -> bool:
    path = scope.get("path", "")
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path in PAGE_PATHS
