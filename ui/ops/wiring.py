"""The server's operation joined to the app (ui/app.py): the Runner's hooks, the client's
observer, the routes /healthz, /readyz and /metrics, the drain's middleware, and what a
scrape reads of the app's state."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.middleware import Middleware
from starlette.routing import Route

from history import HistoryStore, RunJournal
from ui.core.runs import RunHooks, Runner
from ui.ops.drain import Drain, DrainMiddleware
from ui.ops.health import Readiness, health_routes
from ui.ops.metrics import Gauge, Metrics, metrics_route


@dataclass
class Operation:
    """One app's drain and metrics, and what they lend the Runner, the client and the server."""

    drain: Drain
    metrics: Metrics = field(default_factory=Metrics)

    @property
    def run_hooks(self) -> RunHooks:
        return RunHooks(door=self.drain.door, finished=self.metrics.run_finished)

    @property
    def middleware(self) -> Middleware:
        """First of the app's middleware: a draining server's page loads go elsewhere."""
        return Middleware(DrainMiddleware, drain=self.drain)

    def routes(self, runner: Runner, store: HistoryStore, journal: RunJournal) -> list[Route]:
        """The routes, and the gauges a scrape reads from `runner` and `journal`."""
        self.metrics.watch(self._gauges(runner, store, journal))
        return [*health_routes(Readiness(store, self.drain)), metrics_route(self.metrics)]

    def _gauges(self, runner: Runner, store: HistoryStore, journal: RunJournal) -> list[Gauge]:
        def sending() -> int:
            return sum(1 for _, sender, _ in store.sending_runs() if sender == journal.lock.sender)

        return [
            Gauge(
                "runs_in_flight",
                "Runs going on this server, waiting or at the service.",
                self.drain.in_flight,
            ),
            Gauge(
                "runs_waiting",
                "Runs waiting for a sending slot (MAX_CONCURRENT_RUNS).",
                runner.sending.waiting,
            ),
            Gauge(
                "journal_sending",
                "This server's runs journalled as sending, not yet complete.",
                sending,
            ),
            Gauge(
                "journal_spooled",
                "Answers kept in the spool until the history takes them.",
                lambda: len(journal.spool.pending()),
            ),
            Gauge(
                "draining",
                "1 while this server drains (SIGTERM), else 0.",
                lambda: float(self.drain.draining.is_set()),
            ),
        ]
