"""Shared fixtures: live simulators on loopback ports, reached over real HTTP.

`simulator` is one server for the whole session (control routes on, no latency); `sim` hands it
to a test with its fault queue and request log emptied. `make_simulator(**config)` starts a
server with its own SimulatorConfig and stops it after the test. `postgres_url` and
`s3_settings` are a real PostgreSQL and an S3 server (tests/servers.py), started once, on first
use, for the tests of several replicas.
"""

from __future__ import annotations

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
    for route in ("/_simulator/faults", "/_simulator/requests"):
        httpx2.delete(simulator.origin + route).raise_for_status()
    return simulator


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def s3_settings() -> Iterator[dict[str, str]]:
    with s3_server() as settings:
        yield settings
