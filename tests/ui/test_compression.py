"""Only the page, its config and the API's description are compressed; pictures, files and
anything sent other than by GET pass as the app answered them (ui/core/compression.py)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from ui.core.compression import CompressedPageMiddleware

BODY = "x" * 50_000


def answer(request) -> Response:
    return Response(BODY, media_type="text/html")


@pytest.fixture
def client() -> TestClient:
    paths = ["/", "/config", "/gradio_api/info", "/gradio_api/file=a.png", "/assets/a.js"]
    app = Starlette(routes=[Route(path, answer, methods=["GET", "POST"]) for path in paths])
    return TestClient(CompressedPageMiddleware(app))


@pytest.mark.parametrize(
    ("method", "path", "compressed"),
    [
        ("GET", "/", True),
        ("GET", "/config", True),
        ("GET", "/gradio_api/info", True),
        ("GET", "/gradio_api/file=a.png", False),
        ("GET", "/assets/a.js", False),
        ("POST", "/config", False),
    ],
)
def test_only_the_page_and_its_config_are_compressed(client, method, path, compressed):
    response = client.request(method, path, headers={"accept-encoding": "gzip"})
    assert response.text == BODY
    assert (response.headers.get("content-encoding") == "gzip") is compressed


def test_a_browser_that_takes_no_gzip_gets_the_page_as_it_is(client):
    response = client.get("/", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in response.headers
    assert response.text == BODY
