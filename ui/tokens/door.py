"""The app's own `POST /v1/images/edits`: the gateway's endpoint, answered with the app's key.

A script or the official `openai` SDK sends exactly the gateway's request (JSON in either shape,
or multipart; read and checked by the simulator's reading of the wire, which the client's
validation backs) with a personal token as its Bearer credential; the owner middleware has
already made the request the token's identity's (ui/core/owner.py). The edit is then a run of
that identity, through the same Runner as the page: the same checks, the per-visitor bound,
fair sending slots, history and usage. The answer is the gateway's shape, its errors the
gateway's envelope. The real key never leaves the server; `url` results are the run's pictures
behind the picture gate, which the same token opens.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from client import EditParams, ImageEditError
from client.params import PARAM_FIELDS, PARAM_NAMES, TRANSPORT_ONLY
from simulator.app import error_response
from simulator.errors import APIError, invalid
from simulator.wire import read_body, read_request
from ui.core.budgets import OverBudgetRefused
from ui.core.context import PageContext
from ui.core.jobs import TooManyInFlight
from ui.core.owner import TOKEN_IDENTITY, Owner, bearer_token
from ui.core.runs import RunOutcome
from ui.core.texts import text_in
from ui.ops.drain import ServerDraining

logger = logging.getLogger(__name__)

EDITS_PATH = "/v1/images/edits"
FILE_ROUTE = "gradio_api/file="
TRANSPORT_NAMES = frozenset(spec.name for spec in PARAM_FIELDS if spec.metadata.get(TRANSPORT_ONLY))
"""How the caller's request travelled: not how the app sends its own (its settings decide)."""


def edits_route(ctx: PageContext) -> Route:
    """The route Gradio's app serves beside its own (ui/app.py passes it at launch)."""

    async def edits(request: Request) -> Response:
        try:
            return await _answer(ctx, request)
        except APIError as error:
            return error_response(error)

    return Route(EDITS_PATH, edits, methods=["POST"])


async def _answer(ctx: PageContext, request: Request) -> Response:
    body = await read_body(request)  # read first, so a refused client sees the answer
    identity = request.scope.get("state", {}).get(TOKEN_IDENTITY)
    if identity is None:
        raise _unauthorized(request)
    edit = await read_request(request, body)
    params = EditParams(
        **{name: getattr(edit, name) for name in PARAM_NAMES if name not in TRANSPORT_NAMES}
    )
    owner = Owner(identity.owner, identity.owner_label)
    with tempfile.TemporaryDirectory(prefix="edits-door-") as folder:
        paths = await run_in_threadpool(_input_files, ctx, Path(folder), edit.images)
        outcome = await run_in_threadpool(_run, ctx, params, paths, owner)
    return JSONResponse(_reply(ctx, outcome, edit.response_format, request))


def _unauthorized(request: Request) -> APIError:
    if bearer_token(request.headers.get("authorization")):
        return APIError(401, "invalid_api_key", "Incorrect API key provided: use a token.")
    return APIError(
        401,
        "invalid_api_key",
        "Missing token: send 'Authorization: Bearer <token>' with a personal token "
        "(History, API tokens).",
    )


def _input_files(ctx: PageContext, folder: Path, sources: list[Any]) -> list[str]:
    return [
        _input_file(ctx, folder, source, position)
        for position, source in enumerate(sources, start=1)
    ]


def _input_file(ctx: PageContext, folder: Path, source: Any, position: int) -> str:
    """The input at `position` (an https URL, a data URI, or a file part's bytes) as a file for
    the Runner, which keeps every input in the history; raises the gateway's 400 for anything
    else. A URL is fetched as the client fetches result links (https to a public address, or
    the API's own origin), so the door never reaches into the app's own network."""
    if isinstance(source, str) and source.startswith(("https://", "http://")):
        try:
            data = ctx.backend.client.fetch_image(source)
        except ImageEditError as error:
            problem = f"Image {position}: {source} could not be used: {error}"
            raise invalid(problem, param="image") from None
    else:
        data = _data_uri_bytes(source, position) if isinstance(source, str) else source
    if not isinstance(data, bytes):
        raise invalid(f"Image {position} must be a string or a file.", param="image")
    try:
        kind = (Image.open(io.BytesIO(data)).format or "img").lower()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise invalid(
            f"Image {position} could not be decoded as an image.", param="image"
        ) from None
    path = folder / f"input-{position}.{kind}"
    path.write_bytes(data)
    return str(path)


def _data_uri_bytes(source: str, position: int) -> bytes:
    header, _, payload = source.partition(",")
    if not header.startswith("data:image/") or not header.endswith(";base64"):
        raise invalid(
            f"Image {position} is neither an https URL nor a data:image/...;base64, URI.",
            param="image",
        )
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(f"Image {position}: the data URI has bad base64.", param="image") from None


def _run(ctx: PageContext, params: EditParams, paths: list[str], owner: Owner) -> RunOutcome:
    """One run of `owner`, as the `/edit` endpoint makes it: the owner's bound, then the Runner
    (its check refuses before anything is sent), then the usage."""
    try:
        with ctx.jobs.admit(owner.id, 1, ctx.config.max_runs_per_visitor):
            outcome = ctx.runner.run(params, paths, owner, None)
    except TooManyInFlight as bound:
        raise APIError(
            429,
            "rate_limit_exceeded",
            text_in("en", "too_many_in_flight", **bound.values),
            "requests",
        ) from None
    except OverBudgetRefused as over:  # the day's budget: a quota, nothing was sent
        raise APIError(429, "budget_exceeded", str(over), "insufficient_quota", "n") from None
    except ServerDraining as draining:  # a restart: another replica, or this one soon, takes it
        raise APIError(503, "server_restarting", str(draining), "server_error") from None
    except ImageEditError as error:  # refused before sending: nothing was billed
        field = getattr(error, "field", None) or "image"
        raise invalid(str(error), param=field) from None
    return ctx.session_usage.counted(owner.id, outcome)


def _reply(ctx: PageContext, outcome: RunOutcome, response_format: str, request: Request) -> dict:
    """The gateway's answer for a run: its results as URLs (behind the picture gate) or base64,
    and the service's metadata with the run's id in the history."""
    if outcome.error:
        logger.info("edits door: the run %s failed at the service", outcome.run_id)
        message = f"{outcome.error} (run {outcome.run_id} in History)"
        raise APIError(502, "upstream_error", message, "server_error")
    revised = outcome.revised_prompt or ""
    if response_format == "url":
        base = str(request.base_url)
        items = [
            {"url": f"{base}{FILE_ROUTE}{name}", "b64_json": "", "revised_prompt": revised}
            for name in ctx.gate.results(outcome)
        ]
    else:
        items = [
            {
                "url": "",
                "b64_json": base64.b64encode(Path(path).read_bytes()).decode("ascii"),
                "revised_prompt": revised,
            }
            for path in outcome.output_paths
        ]
    metadata = {**outcome.metadata, "run_id": outcome.run_id, "notes": list(outcome.notes)}
    return {"created": int(time.time()), "data": items, "metadata": metadata}
