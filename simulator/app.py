"""The simulator's HTTP surface: `POST /v1/images/edits` and the result files it links to.

Handlers are asynchronous and the image work runs in worker threads, so many requests are served
at once. Latency and scripted faults make the client's waiting, retrying and error paths visible;
the control routes (script faults, read the request log) exist only when the config enables them.
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
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from client.models import SEED_MAX

from .config import Fault, SimulatorConfig
from .errors import APIError
from .render import render_result
from .wire import EditCall, check_bearer, parse_edit, read_body

logger = logging.getLogger(__name__)

RECORDED_REQUESTS = 1000
FILES_PATH = "/v1/files/"


class SimulatorState:
    """What one simulator remembers: queued faults, stored result files, recent requests."""

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.faults: deque[Fault] = deque(config.faults)
        self.files: OrderedDict[str, tuple[bytes, float]] = OrderedDict()
        self.stored_bytes = 0
        self.requests: deque[dict[str, Any]] = deque(maxlen=RECORDED_REQUESTS)
        self.in_flight = 0
        self.max_in_flight = 0

    def next_fault(self) -> Fault | None:
        return self.faults.popleft() if self.faults else None

    def store_file(self, data: bytes, lifetime_s: float) -> str:
        """Keeps `data` for `lifetime_s`; past the byte budget the oldest files are dropped."""
        token = secrets.token_urlsafe(16)
        self.files[token] = (data, self.config.clock() + lifetime_s)
        self.stored_bytes += len(data)
        while self.stored_bytes > self.config.max_stored_url_bytes and len(self.files) > 1:
            _, (dropped, _) = self.files.popitem(last=False)
            self.stored_bytes -= len(dropped)
        return token

    def file(self, token: str) -> bytes | bool | None:
        """The bytes of a live file, False once expired, None when unknown."""
        stored = self.files.get(token)
        if stored is None:
            return None
        data, expires = stored
        return data if self.config.clock() < expires else False

    def local_file(self, url: str, origin: str) -> bytes | None:
        """The bytes behind one of this simulator's own live result URLs, else None."""
        prefix = origin + FILES_PATH
        if not (url.startswith(prefix) and url.endswith(".png")):
            return None
        data = self.file(url[len(prefix) : -len(".png")])
        return data or None


def create_app(config: SimulatorConfig | None = None) -> Starlette:
    """The ASGI app of a simulator with `config` (defaults: any key, no latency, no faults)."""
    state = SimulatorState(config or SimulatorConfig())
    routes = [
        Route("/v1/images/edits", _edits(state), methods=["POST"]),
        Route(FILES_PATH + "{token}.png", _file(state), methods=["GET"]),
        Route("/health", _health, methods=["GET"]),
    ]
    if state.config.enable_control:
        routes += [
            Route("/_simulator/faults", _faults(state), methods=["POST", "DELETE"]),
            Route("/_simulator/requests", _requests(state), methods=["GET", "DELETE"]),
        ]
    app = Starlette(routes=routes, exception_handlers={Exception: _internal_error})
    app.state.simulator = state
    return app


def error_response(
    error: APIError, request_id: str | None = None, fault: Fault | None = None
) -> Response:
    """The error in the gateway's envelope, or as the fault asks (DashScope's, HTML, broken)."""
    request_id = request_id or _request_id()
    headers = {"x-request-id": request_id}
    if fault and fault.retry_after is not None:
        headers["retry-after"] = fault.retry_after
    if fault and fault.retry_after_ms is not None:
        headers["retry-after-ms"] = str(fault.retry_after_ms)
    if fault and fault.html_body:
        phrase = _phrase(error.status)
        title = f"{error.status} {phrase}"
        page = f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>"
        return HTMLResponse(page, error.status, headers=headers)
    if fault and fault.envelope == "dashscope":
        body: dict[str, Any] = {
            "request_id": request_id,
            "code": error.code,
            "message": error.message,
        }
    else:
        envelope = {"message": error.message, "type": error.error_type, "code": error.code}
        if error.param:
            envelope["param"] = error.param
        body = {"error": envelope}
    if fault and fault.malformed_json:
        return _broken_json(body, error.status, headers)
    return JSONResponse(body, error.status, headers=headers)


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def _broken_json(body: Any, status: int, headers: dict[str, str]) -> Response:
    text = json.dumps(body)
    return Response(text[: len(text) // 2], status, media_type="application/json", headers=headers)


async def _internal_error(request: Request, error: Exception) -> Response:
    logger.exception("simulator failure on %s", request.url.path, exc_info=error)
    return error_response(
        APIError(500, "InternalError", "The simulator failed; see its log.", "server_error")
    )


async def _health(request: Request) -> Response:
    return JSONResponse({"ok": True})


def _request_id() -> str:
    return secrets.token_hex(16)


def _edits(state: SimulatorState):
    async def edits(request: Request) -> Response:
        fault = state.next_fault()
        request_id = _request_id()
        state.in_flight += 1
        state.max_in_flight = max(state.max_in_flight, state.in_flight)
        record: dict[str, Any] = {
            "request_id": request_id,
            "fault": fault is not None,
            "arrived": time.time(),  # when it came, for tests of the rate the app sends at
        }
        try:
            response = await _handle(state, request, fault, request_id, record)
        finally:
            state.in_flight -= 1
        record["status"] = response.status_code
        state.requests.append(record)
        return response

    return edits


async def _handle(
    state: SimulatorState,
    request: Request,
    fault: Fault | None,
    request_id: str,
    record: dict[str, Any],
) -> Response:
    failed = fault is not None and (fault.html_body or (fault.status or 0) >= 400)
    try:
        call = None
        body = await read_body(request)  # read first, so a refused client sees the answer
        if not failed:
            check_bearer(request, state.config.api_key)
        origin = str(request.base_url).rstrip("/")
        try:
            call = await parse_edit(request, body, lambda url: state.local_file(url, origin))
        except APIError:
            if not failed:
                raise
        if call is not None:
            record.update(_describe(call))
        if fault and fault.delay_s:
            await asyncio.sleep(fault.delay_s)
        if failed:
            status = fault.status or int(HTTPStatus.BAD_GATEWAY)
            error_type = "server_error" if status >= 500 else "invalid_request_error"
            message = fault.message or f"Injected failure ({status} {_phrase(status)})."
            raise APIError(status, fault.code or _phrase(status), message, error_type)
        return await _answer(state, origin, call, fault, request_id)
    except APIError as error:
        record["code"] = error.code
        return error_response(error, request_id, fault)


def _describe(call: EditCall) -> dict[str, Any]:
    return {
        "model": call.model,
        "prompt": call.prompt,
        "n": call.n,
        "size": f"{call.width}*{call.height}",
        "seed": call.seed,
        "image_count": len(call.images),
        "encoding": call.encoding,
        "response_format": call.response_format,
        "prompt_extend": call.prompt_extend,
        "watermark": call.watermark,
        "wire_format": call.wire_format,
        "requested_size": call.requested_size,
        "bbox_list": call.boxes,
        "extra": call.extra,
    }


async def _answer(
    state: SimulatorState, origin: str, call: EditCall, fault: Fault | None, request_id: str
) -> Response:
    config = state.config
    await asyncio.sleep(config.latency_s + config.per_image_latency_s * call.n)
    seed = call.seed if call.seed is not None else random.randint(0, SEED_MAX)
    kept = call.n - min(call.n, fault.drop_images if fault else 0)
    renders = await asyncio.gather(
        *(
            run_in_threadpool(
                render_result,
                call.images,
                call.prompt,
                seed,
                index,
                call.width,
                call.height,
                watermark=call.watermark,
                boxes=call.boxes,
            )
            for index in range(kept)
        )
    )
    revised = _revised_prompt(call) if call.prompt_extend else ""
    lifetime = 0.0 if fault and fault.expired_url else config.url_lifetime_s
    items = []
    for position, data in enumerate(renders, start=1):
        item = {"url": "", "b64_json": "", "revised_prompt": revised}
        if call.response_format == "url":
            item["url"] = f"{origin}{FILES_PATH}{state.store_file(data, lifetime)}.png"
        else:
            encoded = base64.b64encode(data).decode("ascii")
            damaged = fault is not None and fault.truncate_b64 and position == len(renders)
            item["b64_json"] = encoded[: len(encoded) // 2] if damaged else encoded
        items.append(item)
    body = {
        "created": int(config.clock()),
        "data": items,
        "metadata": {
            "request_id": request_id,
            "seed": seed,
            "usage": {"image_count": len(items), "width": call.width, "height": call.height},
        },
    }
    headers = {"x-request-id": request_id}
    if fault and fault.malformed_json:
        return _broken_json(body, 200, headers)
    return JSONResponse(body, headers=headers)


def _revised_prompt(call: EditCall) -> str:
    subject = "the image" if len(call.images) == 1 else f"the {len(call.images)} images"
    return (
        f"{call.prompt.strip().rstrip('.')}. Keep the composition of {subject}, with natural "
        "lighting, consistent perspective and fine detail."
    )


def _file(state: SimulatorState):
    async def file(request: Request) -> Response:
        data = state.file(request.path_params["token"])
        if data is None:
            return error_response(APIError(404, "not_found", "There is no result at this URL."))
        if data is False:
            return error_response(
                APIError(410, "url_expired", "This result URL has expired; run the edit again.")
            )
        return Response(data, media_type="image/png")

    return file


def _faults(state: SimulatorState):
    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            state.faults.clear()
            return JSONResponse({"queued": 0})
        try:
            items = await request.json()
            if not isinstance(items, list):
                raise TypeError("send a JSON list of faults")
            queued = [Fault.from_dict(item) for item in items]
        except (ValueError, TypeError) as error:
            return error_response(APIError(400, "InvalidParameter", f"Bad fault list: {error}"))
        state.faults.extend(queued)
        return JSONResponse({"queued": len(state.faults)})

    return faults


def _requests(state: SimulatorState):
    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            state.requests.clear()
            state.max_in_flight = state.in_flight
        return JSONResponse(
            {
                "requests": list(state.requests),
                "in_flight": state.in_flight,
                "max_in_flight": state.max_in_flight,
            }
        )

    return requests
