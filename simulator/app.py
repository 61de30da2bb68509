"""The simulator's HTTP surface: `POST /v1/images/edits` and the result files it links to.

Handlers are asynchronous and the image work runs in worker threads, so many requests are served
at once. Latency and scripted faults make the client's waiting, retrying and error paths visible;
the control routes to script faults exist only when the config enables them.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import random
import secrets
import time
from collections import OrderedDict, deque
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from client.models import SEED_MAX

from .config import Fault, SimulatorConfig
from .render import render_result
from .wire import APIError, EditCall, check_bearer, parse_edit, read_body

logger = logging.getLogger(__name__)

RECORDED_REQUESTS = 1000


class SimulatorState:
    """What one simulator remembers: queued faults, stored result files, recent requests."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.faults: deque[Fault] = deque(config.faults)
        self.files: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self.requests: deque[dict[str, Any]] = deque(maxlen=RECORDED_REQUESTS)
        self.in_flight = 0
        self.max_in_flight = 0

    def next_fault(self) -> Fault | None:
        return self.faults.popleft() if self.faults else None

    def store_file(self, data: bytes, lifetime_s: float) -> str:
        token = secrets.token_urlsafe(16)
        self.files[token] = (data, self.config.clock() + lifetime_s)
        while len(self.files) > self.config.max_stored_urls:
            self.files.popitem(last=False)
        return token


def create_app(config: SimulatorConfig | None = None) -> Starlette:
    """The ASGI app of a simulator with `config` (defaults: any key, no latency, no faults)."""
    state = SimulatorState(config or SimulatorConfig())
    routes = [
        Route("/v1/images/edits", _edits(state), methods=["POST"]),
        Route("/v1/files/{token}.png", _file(state), methods=["GET"]),
        Route("/health", lambda request: JSONResponse({"ok": True}), methods=["GET"]),
    ]
    if state.config.enable_control:
        routes += [
            Route("/_simulator/faults", _faults(state), methods=["POST", "DELETE"]),
            Route("/_simulator/requests", _requests(state), methods=["GET"]),
        ]
    app = Starlette(routes=routes, exception_handlers={Exception: _internal_error})
    app.state.simulator = state
    return app


def error_response(error: APIError, fault: Fault | None = None) -> Response:
    headers = {"x-request-id": _request_id()}
    if fault and fault.retry_after is not None:
        headers["retry-after"] = fault.retry_after
    if fault and fault.retry_after_ms is not None:
        headers["retry-after-ms"] = str(fault.retry_after_ms)
    if fault and fault.html_body:
        page = f"<html><body><h1>{error.status} Bad Gateway</h1></body></html>"
        return HTMLResponse(page, error.status, headers=headers)
    if fault and fault.envelope == "dashscope":
        body = {"request_id": headers["x-request-id"], "code": error.code, "message": error.message}
    else:
        body = {"error": {"message": error.message, "type": error.error_type, "code": error.code}}
    return JSONResponse(body, error.status, headers=headers)


async def _internal_error(request: Request, error: Exception) -> Response:
    logger.exception("simulator failure on %s", request.url.path, exc_info=error)
    return error_response(APIError(500, "InternalError", "The simulator failed.", "server_error"))


def _request_id() -> str:
    return secrets.token_hex(16)


def _edits(state: SimulatorState):
    async def edits(request: Request) -> Response:
        fault = state.next_fault()
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        try:
            if fault and fault.delay_s:
                await asyncio.sleep(fault.delay_s)
            if fault and fault.status and fault.status >= 400:
                state.requests.append({"fault": fault.status})
                return error_response(
                    APIError(fault.status, fault.code or "InternalError",
                             fault.message or "Injected failure."),
                    fault,
                )  # fmt: skip
            check_bearer(request, state.config.api_key)
            call = await parse_edit(request, await read_body(request))
            state.requests.append(_record(call))
            return await _answer(state, request, call, fault)
        except APIError as error:
            return error_response(error)
        finally:
            state.in_flight -= 1

    return edits


def _record(call: EditCall) -> dict[str, Any]:
    return {
        "model": call.model,
        "prompt": call.prompt,
        "n": call.n,
        "size": f"{call.width}*{call.height}",
        "seed": call.seed,
        "image_count": len(call.images),
        "encoding": call.encoding,
        "response_format": call.response_format,
    }


async def _answer(
    state: SimulatorState, request: Request, call: EditCall, fault: Fault | None
) -> Response:
    config = state.config
    await asyncio.sleep(config.latency_s + config.per_image_latency_s * call.n)
    seed = call.seed if call.seed is not None else random.randint(0, SEED_MAX)
    renders = await asyncio.gather(*(
        run_in_threadpool(render_result, call.images, call.prompt, seed, index, call.width,
                          call.height)
        for index in range(call.n)
    ))  # fmt: skip
    request_id = _request_id()
    if fault and fault.drop_images:
        renders = renders[: max(0, call.n - fault.drop_images)]
    revised = _revised_prompt(call) if call.prompt_extend else ""
    lifetime = 0.0 if fault and fault.expired_url else config.url_lifetime_s
    origin = str(request.base_url).rstrip("/")
    items = []
    for data in renders:
        item = {"url": "", "b64_json": "", "revised_prompt": revised}
        if call.response_format == "url":
            item["url"] = f"{origin}/v1/files/{state.store_file(data, lifetime)}.png"
        else:
            encoded = base64.b64encode(data).decode("ascii")
            item["b64_json"] = (
                encoded[: len(encoded) // 2] if fault and fault.truncate_b64 else encoded
            )
        items.append(item)
    body = {
        "created": int(time.time()),
        "data": items,
        "metadata": {
            "request_id": request_id,
            "seed": seed,
            "usage": {"image_count": len(items), "width": call.width, "height": call.height},
        },
    }
    headers = {"x-request-id": request_id}
    if fault and fault.malformed_json:
        text = json.dumps(body)
        return Response(text[: len(text) // 2], 200, media_type="application/json", headers=headers)
    return JSONResponse(body, headers=headers)


def _revised_prompt(call: EditCall) -> str:
    subject = "the image" if len(call.images) == 1 else f"the {len(call.images)} images"
    return (
        f"{call.prompt.strip().rstrip('.')}. Keep the composition of {subject}, with natural "
        "lighting, consistent perspective and fine detail."
    )


def _file(state: SimulatorState):
    async def file(request: Request) -> Response:
        stored = state.files.get(request.path_params["token"])
        if stored is None or state.config.clock() >= stored[1]:
            return error_response(APIError(404, "url_expired", "This result URL has expired."))
        return Response(stored[0], media_type="image/png")

    return file


def _faults(state: SimulatorState):
    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            state.faults.clear()
            return JSONResponse({"queued": 0})
        try:
            items = await request.json()
            queued = [Fault.from_dict(item) for item in items]
        except (ValueError, TypeError) as error:
            return error_response(APIError(400, "InvalidParameter", f"Bad fault list: {error}"))
        state.faults.extend(queued)
        return JSONResponse({"queued": len(state.faults)})

    return faults


def _requests(state: SimulatorState):
    async def requests(request: Request) -> Response:
        return JSONResponse(
            {"requests": list(state.requests), "max_in_flight": state.max_in_flight}
        )

    return requests
