"""The server's metrics, in Prometheus' text format at /metrics.

Counted as they happen: the runs by model and outcome and the images they made (the Runner's
hooks), each attempt at the gateway with its latency, its 429s and the client's retries (the
client's observer, client/observer.py). Read when scraped: the runs going, those waiting for a
sending slot, and the journal's entries not yet complete. Each replica has its own registry and
is scraped on its own. No label holds a secret, a visitor or a prompt: a model is named only when
it is one the app knows (any other is "custom"), a status is an HTTP code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from client.models import MODELS
from client.observer import CallObserver

logger = logging.getLogger(__name__)

METRICS_PATH = "/metrics"
PREFIX = "playground_"
CUSTOM_MODEL = "custom"
NO_ANSWER = "none"
"""The status label of an attempt that got no answer (a connection failure, a timeout)."""
LATENCY_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300)
"""Seconds: an edit takes 10-30 s and sometimes minutes (shared/API-NOTES.md); a refusal is
quick."""


def model_label(model: str) -> str:
    """The model as a label: its name when the app knows it, else "custom" (a name a visitor
    typed is theirs, and could be anything)."""
    return model if model in MODELS else CUSTOM_MODEL


@dataclass(frozen=True)
class Gauge:
    """A number read when scraped."""

    name: str
    help: str
    read: Callable[[], float]


class Metrics(CallObserver):
    """The registry of one app, its counters, and the gauges it reads when scraped."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.runs = Counter(
            PREFIX + "runs",
            "Runs that reached the service, by model and outcome (ok, partial, failed).",
            ["model", "outcome"],
            registry=registry,
        )
        self.images = Counter(
            PREFIX + "images_made",
            "Images the service returned, by model.",
            ["model"],
            registry=registry,
        )
        self.latency = Histogram(
            PREFIX + "gateway_request_seconds",
            "Each attempt at the gateway's edits endpoint, sending to the whole answer, by status.",
            ["status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.rate_limited = Counter(
            PREFIX + "gateway_rate_limited",
            "Answers 429 (too many requests) from the gateway.",
            registry=registry,
        )
        self.retries = Counter(
            PREFIX + "gateway_retries",
            "Requests the client sent again, by reason (the refusal's status, or connection).",
            ["reason"],
            registry=registry,
        )

    # -- the client's observer ------------------------------------------------------------------

    def attempted(self, status: int | None, seconds: float) -> None:
        self.latency.labels(str(status) if status else NO_ANSWER).observe(seconds)
        if status == 429:
            self.rate_limited.inc()

    def retrying(self, reason: str) -> None:
        self.retries.labels(reason).inc()

    # -- the Runner's hook ----------------------------------------------------------------------

    def run_finished(self, model: str, status: str, images: int) -> None:
        label = model_label(model)
        self.runs.labels(label, status).inc()
        self.images.labels(label).inc(images)

    # -- read when scraped ----------------------------------------------------------------------

    def watch(self, gauges: list[Gauge]) -> None:
        self.registry.register(_Gauges(gauges))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


class _Gauges(Collector):
    def __init__(self, gauges: list[Gauge]) -> None:
        self.gauges = gauges

    def collect(self) -> Iterator[GaugeMetricFamily]:
        for gauge in self.gauges:
            try:
                value = float(gauge.read())
            except Exception as error:  # a store that is down leaves out its number, not all
                logger.warning("metric %s unreadable: %s", gauge.name, type(error).__name__)
                continue
            yield GaugeMetricFamily(PREFIX + gauge.name, gauge.help, value=value)

    def describe(self) -> list:
        return []  # read when collected: registering must not read them


def metrics_route(metrics: Metrics) -> Route:
    async def scrape(_request: Request) -> Response:
        body = await run_in_threadpool(metrics.exposition)  # a gauge may ask the database
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return Route(METRICS_PATH, scrape, methods=["GET"])
