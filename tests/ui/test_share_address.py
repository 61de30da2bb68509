"""The address a Share link carries is the one the visitor reached the page at: directly, behind
a proxy that says https (deploy/nginx.conf), or under a path prefix."""

import gradio as gr
import pytest
from starlette.requests import Request

from ui.share.handlers import public_root, share_link


def reached(path: str, **headers: str) -> gr.Request:
    scope = {
        "type": "http", "method": "POST", "scheme": "http", "server": ("10.0.0.5", 7860),
        "path": path, "root_path": "", "query_string": b"",
        "headers": [(name.replace("_", "-").encode(), value.encode())
                    for name, value in headers.items()],
    }  # fmt: skip
    return gr.Request(request=Request(scope))


@pytest.mark.parametrize(
    ("request_", "root"),
    [
        (reached("/gradio_api/run/predict", host="127.0.0.1:7860"), "http://127.0.0.1:7860"),
        (
            reached("/gradio_api/queue/join", host="play.example", x_forwarded_proto="https"),
            "https://play.example",
        ),
        (reached("/team/gradio_api/run/predict", host="intra"), "http://intra/team"),
    ],
)
def test_a_link_points_where_the_visitor_reached_the_page(request_, root):
    assert share_link(public_root(request_), "tok") == f"{root}/?share=tok"


def test_without_a_request_the_link_is_relative():
    assert share_link(public_root(None), "tok") == "/?share=tok"
