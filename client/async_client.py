"""The asyncio client: the same `edit` as a coroutine, for servers that run many edits at once.

Image preparation and DNS checks are CPU or blocking work, so they run in worker threads and the
event loop stays free; everything else is the shared core of `_base.py`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx2

from ._base import CONNECTION_LIMITS, ClientCore, billed_if_it_fails
from .constants import DOWNLOAD_TIMEOUT_S, MAX_RETRIES
from .deadline import Deadline
from .downloads import DownloadPlan, Resolver, URLGuard, connection_error, resolve_host
from .edit_method import EditMethod
from .encoding import EncodedBody
from .errors import APITimeoutError, ImageEditError, ReplyTimeoutError, UnsafeURLError
from .observer import CallObserver
from .params import EditRequest
from .reply import Reply, ReplyBody, reply_limit
from .results import EditedImage, EditResult, ResponseItem, Size
from .sync_client import assemble, urls_to_fetch


class AsyncImageEditClient(EditMethod[Awaitable[EditResult]]):
    """The async twin of `ImageEditClient`; close it with `await client.aclose()`."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int = MAX_RETRIES,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        resolver: Resolver = resolve_host,
        observer: CallObserver | None = None,
    ) -> None:
        self._core = ClientCore(api_key, base_url, timeout, max_retries, observer)
        self._guard = URLGuard(self._core.base_url, resolver)
        self._sleep = sleep
        self._http = httpx2.AsyncClient(
            transport=transport, timeout=self._core.timeout, limits=CONNECTION_LIMITS
        )

    async def __aenter__(self) -> AsyncImageEditClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def send(self, request: EditRequest) -> EditResult:
        started = time.monotonic()
        call = await asyncio.to_thread(self._core.prepare, request)
        response = await self._post(call.body, reply_limit(call.request.n))
        with billed_if_it_fails():
            parsed = await asyncio.to_thread(self._core.parse, response, call)
            images, notes = await self._collect(parsed.items, call.requested_size)
            return self._core.finish(call, parsed, images, notes, started)

    async def _post(self, body: EncodedBody, limit: int) -> Reply:
        """Sends until a success, an error that is not retried, or the deadline."""
        attempt = 0
        deadline = self._core.deadline()
        while True:
            try:
                reply = await self._attempt(body, deadline, limit)
            except httpx2.RequestError as error:
                delay = self._core.delay_after_error(error, attempt, deadline)
            else:
                if reply.is_success:
                    return reply
                delay = self._core.delay_after_response(reply, attempt, deadline)
            await self._sleep(delay)
            attempt += 1

    async def _attempt(self, body: EncodedBody, deadline: Deadline, limit: int) -> Reply:
        """One POST and its whole reply, cancelled when the deadline passes: the error then says
        whether the request had gone out in full (the service may have run it) or not."""
        sent = False

        async def trace(event: str, info: object) -> None:
            nonlocal sent
            sent = sent or event.endswith("send_request_body.complete")

        kwargs = self._core.post_kwargs(body, deadline)
        try:
            with self._core.observed() as observed:
                async with asyncio.timeout(deadline.remaining()):
                    request = self._http.build_request(
                        "POST", self._core.edits_url, **kwargs, extensions={"trace": trace}
                    )
                    response = await self._http.send(request, stream=True)
                    try:
                        received = ReplyBody(response, limit)
                        async for chunk in response.aiter_bytes():
                            received.add(chunk)
                    finally:
                        await response.aclose()
                    reply = received.reply()
                    observed.status = reply.status_code
                    return reply
        except TimeoutError:
            raise (ReplyTimeoutError() if sent else APITimeoutError()) from None

    async def _collect(
        self, items: list[ResponseItem], requested: Size
    ) -> tuple[list[EditedImage], list[str]]:
        to_fetch = urls_to_fetch(items)
        plans = [
            await asyncio.to_thread(DownloadPlan, url, self._guard, requested) for url in to_fetch
        ]
        outcomes = await asyncio.gather(*(self._download(plan) for plan in plans))
        return assemble(items, dict(zip(to_fetch, outcomes, strict=True)))

    async def _download(self, plan: DownloadPlan) -> bytes | ImageEditError:
        try:
            while True:
                get = plan.request_args()
                request = self._http.build_request("GET", **get, timeout=DOWNLOAD_TIMEOUT_S)
                response = await self._http.send(request, stream=True)
                try:
                    status, location = response.status_code, response.headers.get("location")
                    if await asyncio.to_thread(plan.next_url, status, location):  # resolves DNS
                        continue
                    body = bytearray()
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        plan.check_length(len(body))
                finally:
                    await response.aclose()
                return await asyncio.to_thread(plan.accept, bytes(body))
        except UnsafeURLError:
            raise
        except ImageEditError as error:
            return error
        except httpx2.RequestError as error:
            return connection_error(error)
