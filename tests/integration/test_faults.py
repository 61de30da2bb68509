"""Each injected fault and the client's reaction: retries taken, errors raised, partial results.

The client gets a sleep that only records, so backoff and Retry-After are checked as values and
nothing waits; the simulator's request log shows how many attempts reached it.
"""

from __future__ import annotations

import httpx2
import pytest

from client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ContentPolicyError,
    ImageEditClient,
    PermissionDeniedError,
    RateLimitError,
    RequestTooLargeError,
)
from simulator import Fault
from tests.simulator.helpers import KEY, RED, png, queue, received, share_of, wait_until

EDIT = {"model": "qwen-image-2.0-pro", "prompt": "p", "size": "512*512", "images": [png(RED)]}


class Sleeps(list):
    """An injected client sleep: remembers each delay instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def api(sim, sleeps):
    with ImageEditClient(api_key=KEY, base_url=sim.base_url, sleep=sleeps) as client:
        yield client


def statuses(server) -> list[int]:
    return [record["status"] for record in received(server)]


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=503, envelope="dashscope", code="ServiceUnavailable"),
        Fault(status=429, code="Throttling.RateQuota"),
    ],
)  # the statuses that mean "it may have run" are sent once: tests/integration/test_sent_once.py
def test_a_passing_failure_is_retried_and_the_edit_succeeds(sim, api, sleeps, fault):
    queue(sim, fault)

    result = api.edit(**EDIT)

    assert share_of(result.images[0].image, RED) > 0.6
    assert statuses(sim) == [fault.status, 200]
    assert len(sleeps) == 1 and 0.375 <= sleeps[0] <= 0.5


def test_backoff_doubles_and_gives_up_after_the_retries(sim, api, sleeps):
    queue(sim, Fault(status=503), Fault(status=503), Fault(status=503))

    with pytest.raises(APIStatusError) as caught:
        api.edit(**EDIT)

    assert caught.value.status_code == 503
    assert "try again" in str(caught.value)
    assert statuses(sim) == [503, 503, 503]
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0


@pytest.mark.parametrize(
    ("fault", "delay"),
    [
        (Fault(status=429, retry_after="3"), 3.0),
        (Fault(status=503, retry_after_ms=1500), 1.5),
        (Fault(status=429, retry_after="3", retry_after_ms=250), 0.25),
        (Fault(status=429, retry_after="600"), 60.0),
    ],
)
def test_the_servers_retry_after_is_honoured_up_to_a_minute(sim, api, sleeps, fault, delay):
    queue(sim, fault)

    api.edit(**EDIT)

    assert sleeps == [delay]


@pytest.mark.parametrize(
    ("fault", "error_class"),
    [
        (Fault(status=400, code="DataInspectionFailed"), ContentPolicyError),
        (Fault(status=400, code="DataInspectionFailed", envelope="dashscope"), ContentPolicyError),
        (Fault(status=429, code="Throttling.AllocationQuota"), RateLimitError),
        (Fault(status=403, code="AccessDenied"), PermissionDeniedError),
        (Fault(status=413, code="request_too_large"), RequestTooLargeError),
        (Fault(status=400, code="InvalidParameter"), APIStatusError),
    ],
)
def test_a_lasting_failure_is_raised_at_once(sim, api, sleeps, fault, error_class):
    queue(sim, fault)

    with pytest.raises(error_class) as caught:
        api.edit(**EDIT)

    assert (caught.value.status_code, caught.value.code) == (fault.status, fault.code)
    assert caught.value.request_id
    assert statuses(sim) == [fault.status]
    assert sleeps == []


def test_the_services_message_reaches_the_user_in_either_envelope(sim, api):
    queue(
        sim,
        Fault(status=400, code="InvalidParameter", message="size is odd"),
        Fault(status=400, code="InvalidParameter", message="seed is odd", envelope="dashscope"),
    )

    for expected in ("size is odd", "seed is odd"):
        with pytest.raises(APIStatusError) as caught:
            api.edit(**EDIT)
        assert expected in str(caught.value)
        assert caught.value.code == "InvalidParameter"


def test_a_malformed_answer_is_an_error_and_is_not_retried(sim, api, sleeps):
    queue(sim, Fault(malformed_json=True))

    with pytest.raises(APIStatusError) as caught:
        api.edit(**EDIT)

    assert "does not understand" in str(caught.value)
    assert statuses(sim) == [200]
    assert sleeps == []


def test_fewer_images_than_asked_is_a_partial_result(sim, api):
    queue(sim, Fault(drop_images=2))

    result = api.edit(**EDIT, n=3)

    assert len(result.images) == 1 and result.partial and result.requested_n == 3
    assert "1 of 3 requested images came back; the service skipped the rest." in result.notes


def test_a_damaged_image_is_skipped_and_said(sim, api):
    queue(sim, Fault(truncate_b64=True))

    result = api.edit(**EDIT, n=2)

    assert len(result.images) == 1 and result.partial
    assert "Result 2 arrived damaged (bad base64) and was skipped." in result.notes
    assert share_of(result.images[0].image, RED) > 0.6


def test_expired_result_links_are_an_error_that_says_to_run_again(sim, api, sleeps):
    queue(sim, Fault(expired_url=True))

    with pytest.raises(APIStatusError) as caught:
        api.edit(**EDIT, n=2, response_format="url")

    assert caught.value.status_code == 410
    assert "run the edit again" in str(caught.value)
    assert statuses(sim) == [200]


def test_a_slow_answer_is_a_timeout_that_is_not_retried(sim, sleeps):
    queue(sim, Fault(delay_s=1.0))

    with (
        ImageEditClient(api_key=KEY, base_url=sim.base_url, timeout=0.2, sleep=sleeps) as api,
        pytest.raises(APITimeoutError) as caught,
    ):
        api.edit(**EDIT)

    assert "may still have been billed" in str(caught.value)
    assert sleeps == []
    wait_until(lambda: len(received(sim)) == 1)


def test_a_server_that_is_gone_is_a_connection_error_after_the_retries(make_simulator, sleeps):
    server = make_simulator()
    server.stop()

    with (
        ImageEditClient(api_key=KEY, base_url=server.base_url, sleep=sleeps) as api,
        pytest.raises(APIConnectionError) as caught,
    ):
        api.edit(**EDIT)

    assert "Could not reach" in str(caught.value)
    assert len(sleeps) == 2
    with pytest.raises(httpx2.ConnectError):
        httpx2.get(server.origin + "/health")


@pytest.mark.parametrize("encoding", ["json", "multipart"])
def test_a_retry_resends_the_whole_request(sim, api, encoding):
    queue(sim, Fault(status=503))

    api.edit(**{**EDIT, "images": [png(RED), png(RED)]}, encoding=encoding, seed=9)

    first, second = received(sim)
    assert first["status"] == 503 and second["status"] == 200
    for record in (first, second):
        assert (record["encoding"], record["image_count"], record["seed"]) == (encoding, 2, 9)
