"""The blocking client: `ImageEditClient(...).edit(...)` for scripts, the CLI and worker threads."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx2

from ._base import CONNECTION_LIMITS, ClientCore, PreparedCall, billed_if_it_fails
from .constants import DOWNLOAD_TIMEOUT_S, MAX_RETRIES
from .deadline import Deadline, deadline_transport
from .downloads import DownloadPlan, Resolver, URLGuard, connection_error, resolve_host
from .edit_method import EditMethod
from .encoding import EncodedBody
from .errors import ImageEditError, OversizedResultError, UnsafeURLError
from .observer import CallObserver
from .params import EditRequest
from .reply import Reply, ReplyBody, reply_limit
from .results import EditedImage, EditResult, ResponseItem, Size

MAX_PARALLEL_DOWNLOADS = 6


class ImageEditClient(EditMethod[EditResult]):
    """Calls `POST {base_url}/images/edits`; see `edit`. Use as a context manager or `close()`.

    `timeout`: a number is the deadline of each call, in seconds, retries included (default
    RUN_DEADLINE_S); an `httpx2.Timeout` sets the waits of each network step instead."""

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | httpx2.Timeout | None = None,
        max_retries: int = MAX_RETRIES,
        *,
        transport: httpx2.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        resolver: Resolver = resolve_host,
        observer: CallObserver | None = None,
    ) -> None:
        self._core = ClientCore(api_key, base_url, timeout, max_retries, observer)
        self._guard = URLGuard(self._core.base_url, resolver)
        self._sleep = sleep
        transport = transport or deadline_transport(CONNECTION_LIMITS)
        self._http = httpx2.Client(transport=transport, timeout=self._core.timeout)

    def __enter__(self) -> ImageEditClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def prepare(self, request: EditRequest) -> PreparedCall:
        """What `send` would send, validated and encoded, without sending anything: a dry run
        (raises ValidationError or InvalidImageError as `send` would)."""
        return self._core.prepare(request)

    def send(self, request: EditRequest) -> EditResult:
        started = time.monotonic()
        call = self.prepare(request)
        response = self._post(call.body, reply_limit(call.request.n))
        with billed_if_it_fails():
            parsed = self._core.parse(response, call)
            images, notes = self._collect(parsed.items, call.requested_size)
            return self._core.finish(call, parsed, images, notes, started)

    def fetch_image(self, url: str) -> bytes:
        """The image at `url`, fetched as result images are (https to a public address, or the
        API's own origin; pinned, capped, checked to be an image): for callers who name their
        inputs by URL. Raises UnsafeURLError for a refused address, ImageEditError otherwise."""
        fetched = self._download(DownloadPlan(url, self._guard))
        if isinstance(fetched, ImageEditError):
            raise fetched
        return fetched

    def _post(self, body: EncodedBody, limit: int) -> Reply:
        """Sends until a success, an error that is not retried, or the deadline."""
        attempt = 0
        with self._core.deadline().applied() as deadline:
            while True:
                try:
                    reply = self._attempt(body, deadline, limit)
                except httpx2.RequestError as error:
                    delay = self._core.delay_after_error(error, attempt, deadline)
                else:
                    if reply.is_success:
                        return reply
                    delay = self._core.delay_after_response(reply, attempt, deadline)
                self._sleep(delay)
                attempt += 1

    def _attempt(self, body: EncodedBody, deadline: Deadline, limit: int) -> Reply:
        kwargs = self._core.post_kwargs(body, deadline)
        with (
            self._core.observed() as observed,
            self._http.stream("POST", self._core.edits_url, **kwargs) as response,
        ):
            received = ReplyBody(response, limit)
            for chunk in response.iter_bytes():
                received.add(chunk)
            reply = received.reply()
            observed.status = reply.status_code
            return reply

    def _collect(
        self, items: list[ResponseItem], requested: Size
    ) -> tuple[list[EditedImage], list[str]]:
        to_fetch = urls_to_fetch(items)
        fetched: dict[str, bytes | ImageEditError] = {}
        if to_fetch:
            # refuses before any I/O
            plans = [DownloadPlan(url, self._guard, requested) for url in to_fetch]
            workers = min(len(plans), MAX_PARALLEL_DOWNLOADS)
            with ThreadPoolExecutor(workers) as pool:
                outcomes = pool.map(self._download, plans)
                fetched = dict(zip(to_fetch, outcomes, strict=True))
        return assemble(items, fetched)

    def _download(self, plan: DownloadPlan) -> bytes | ImageEditError:
        try:
            while True:
                get = plan.request_args()
                with self._http.stream("GET", **get, timeout=DOWNLOAD_TIMEOUT_S) as response:
                    if plan.next_url(response.status_code, response.headers.get("location")):
                        continue
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        plan.check_length(len(body))
                    return plan.accept(bytes(body))
        except UnsafeURLError:
            raise
        except ImageEditError as error:
            return error
        except httpx2.RequestError as error:
            return connection_error(error)


def urls_to_fetch(items: list[ResponseItem]) -> list[str]:
    """The result URLs to download: those of entries that came without (kept) inline bytes."""
    return [item.url for item in items if item.data is None and item.refused is None and item.url]


def assemble(
    items: list[ResponseItem], fetched: dict[str, bytes | ImageEditError]
) -> tuple[list[EditedImage], list[str]]:
    """Result images in the service's order; failed downloads and refused images become notes,
    unless no image is left: then the first failure is raised."""
    images: list[EditedImage] = []
    notes: list[str] = []
    failures: list[ImageEditError] = []
    for position, item in enumerate(items, start=1):
        data = item.refused if item.refused is not None else item.data
        if data is None:
            data = fetched[item.url]
        if isinstance(data, ImageEditError):
            failures.append(data)
            notes.append(failure_note(position, data))
            continue
        images.append(EditedImage(data=data, url=item.url, revised_prompt=item.revised_prompt))
    if failures and not images:
        raise failures[0]
    return images, notes


def failure_note(position: int, error: ImageEditError) -> str:
    if isinstance(error, OversizedResultError):
        return f"Result {position} was refused: {error}"
    return f"Result {position} could not be downloaded: {error}"
