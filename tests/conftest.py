"""Shared fixtures: live simulators on loopback ports, reached over real HTTP.

`simulator` is one server for the whole session (control routes on, no latency); `sim` hands it
to a test with its fault queue and request log emptied, once no request is running there.
`make_simulator(**config)` starts a server with its own SimulatorConfig and stops it after the
test. `postgres_url` and `s3_settings` are a real PostgreSQL and an S3 server
(tests/servers.py), started once, on first use, for the tests of several replicas.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable, Iterator

import httpx2
import pytest

from simulator import RunningServer, SimulatorConfig, create_app, serve
from tests.servers import postgres_server, s3_server


@pytest.fixture
def make_simulator() -> Iterator[Callable[..., RunningServer]]:
    servers: list[RunningServer] = []

    def make(**config) -> RunningServer:
        server = serve(create_app(SimulatorConfig(**config)))
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def simulator() -> Iterator[RunningServer]:
    with serve(create_app(SimulatorConfig(enable_control=True))) as server:
        yield server


@pytest.fixture
def sim(simulator: RunningServer) -> RunningServer:
    """The session simulator once the requests of earlier tests have ended (an app stopped
    mid-run leaves its request running there), with its fault queue and log emptied."""
    wait_until_idle(simulator)
    for route in ("/_simulator/faults", "/_simulator/requests"):
        httpx2.delete(simulator.origin + route).raise_for_status()
    return simulator


IDLE_TIMEOUT_S = 60.0


def wait_until_idle(simulator: RunningServer) -> None:
    deadline = time.monotonic() + IDLE_TIMEOUT_S
    log = simulator.origin + "/_simulator/requests"
    while httpx2.get(log).raise_for_status().json()["in_flight"]:
        assert time.monotonic() < deadline, "the simulator still runs an earlier test's request"
        time.sleep(0.1)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def s3_settings() -> Iterator[dict[str, str]]:
    with s3_server() as settings:
        yield settings


@pytest.fixture(autouse=True, scope="module")
def collect_leftovers_of_each_module():
    """Collects, once a test module is done, the sockets and event loops its clients and
    servers left to the garbage collector, so that they are not found during a later module's
    test (where pytest would blame that test for them)."""
    yield
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        gc.collect()
    finally:
        sys.unraisablehook = hook
