"""Retry rules: what is retried, how often, how long the client waits, and what never is.

Only what surely did no work is retried (refusals: 429, 503; failures before the request was sent
in full); whatever may have run, and been billed, is sent once and says so."""

import email.utils
import time

import httpx2
import pytest

from client import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ContentPolicyError,
    RateLimitError,
    ReplyLostError,
    ServiceFailedError,
)
from client._base import parse_retry_after
from tests.client.fakes import FakeService, edit_args, make_client, png, success


def failing(status, code=None, headers=None):
    return httpx2.Response(
        status, headers=headers or {}, json={"error": {"message": "x", "code": code}}
    )


@pytest.mark.parametrize("status", [429, 503])
def test_refusals_before_any_work_are_retried_then_succeed(status):
    service = FakeService(failing(status), failing(status), success())
    sleeps = []
    result = make_client(service, sleeps).edit(**edit_args())
    assert len(service.posts) == 3
    assert len(result.images) == 1
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0  # 0.5 s doubling, jittered


@pytest.mark.parametrize("status", [500, 502, 504, 408, 409])
def test_a_failure_after_the_request_arrived_is_sent_once_and_may_have_been_billed(status):
    service = FakeService(failing(status), success())  # a retry would have succeeded
    sleeps = []
    with pytest.raises(ServiceFailedError, match="may have run \\(and billed\\)") as caught:
        make_client(service, sleeps).edit(**edit_args())
    assert len(service.posts) == 1 and sleeps == []
    assert caught.value.status_code == status and caught.value.may_have_been_billed
    assert "running it again" in str(caught.value)


def test_a_refusal_is_not_billed():
    with pytest.raises(APIStatusError) as caught:
        make_client(FakeService(failing(503)), max_retries=0).edit(**edit_args())
    assert not caught.value.may_have_been_billed


def test_no_retry_waits_past_the_runs_deadline():
    service = FakeService(failing(429, "Throttling.RateQuota", {"retry-after": "20"}), success())
    sleeps = []
    with pytest.raises(RateLimitError):
        make_client(service, sleeps, timeout=10).edit(**edit_args())
    assert len(service.posts) == 1 and sleeps == []


def test_retries_stop_after_max_retries_with_the_last_error():
    service = FakeService(failing(503))
    sleeps = []
    with pytest.raises(APIStatusError) as caught:
        make_client(service, sleeps, max_retries=2).edit(**edit_args())
    assert caught.value.status_code == 503
    assert len(service.posts) == 3 and len(sleeps) == 2


@pytest.mark.parametrize(
    ("status", "code"),
    [(400, "InvalidParameter"), (401, None), (403, "AccessDenied"), (400, "DataInspectionFailed"),
     (429, "Throttling.AllocationQuota"), (500, "DataInspectionFailed")],
)  # fmt: skip
def test_client_errors_moderation_and_quota_are_never_retried(status, code):
    service = FakeService(failing(status, code))
    sleeps = []
    with pytest.raises(APIStatusError):
        make_client(service, sleeps).edit(**edit_args())
    assert len(service.posts) == 1 and sleeps == []


def test_moderation_is_a_content_policy_error_even_on_a_retryable_status():
    service = FakeService(failing(500, "DataInspectionFailed"))
    with pytest.raises(ContentPolicyError):
        make_client(service).edit(**edit_args())


HTTP_DATE_IN_30S = "an HTTP date 30 s from now"


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ({"retry-after": "20"}, 20, 20),
        ({"retry-after": "121"}, 60, 60),  # honoured up to a minute
        ({"retry-after": "0"}, 0, 0),
        ({"retry-after": HTTP_DATE_IN_30S}, 25, 31),
        ({"retry-after": "soon"}, 0.375, 0.5),  # garbage: backoff
        ({"retry-after": "-5"}, 0, 0),
        ({"retry-after": "nan"}, 0.375, 0.5),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0, 0),  # a date in the past
        ({"retry-after-ms": "soon", "retry-after": "2"}, 2, 2),
        ({"retry-after-ms": "90000"}, 60, 60),
        ({"retry-after-ms": "1500"}, 1.5, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25, 0.25),
        ({}, 0.375, 0.5),
    ],
)
def test_retry_after_forms_set_the_wait(headers, low, high):
    if headers.get("retry-after") == HTTP_DATE_IN_30S:
        headers = {"retry-after": email.utils.formatdate(time.time() + 30, usegmt=True)}
    service = FakeService(failing(429, "Throttling.RateQuota", headers), success())
    sleeps = []
    make_client(service, sleeps).edit(**edit_args())
    assert low <= sleeps[0] <= high


def test_backoff_doubles_and_is_capped_at_eight_seconds():
    service = FakeService(failing(503), *([failing(503)] * 6), success())
    sleeps = []
    make_client(service, sleeps, max_retries=7).edit(**edit_args())
    caps = [0.5, 1, 2, 4, 8, 8, 8]
    assert all(cap * 0.75 <= slept <= cap for slept, cap in zip(sleeps, caps, strict=True))


def raises(error):
    def handler(request):
        raise error

    return handler


def test_a_read_timeout_is_never_retried_because_the_run_may_be_billed():
    service = FakeService(raises(httpx2.ReadTimeout("slow")), success())
    sleeps = []
    with pytest.raises(APITimeoutError, match="may still have been billed") as caught:
        make_client(service, sleeps).edit(**edit_args())
    assert len(service.posts) == 1 and sleeps == []
    assert isinstance(caught.value, ReplyLostError) and caught.value.may_have_been_billed


def test_connection_failures_are_retried_then_reported():
    service = FakeService(raises(httpx2.ConnectError("refused")))
    sleeps = []
    with pytest.raises(APIConnectionError, match="Could not reach"):
        make_client(service, sleeps).edit(**edit_args())
    assert len(service.posts) == 3 and len(sleeps) == 2

    recovering = FakeService(raises(httpx2.ConnectError("refused")), success())
    assert len(make_client(recovering).edit(**edit_args()).images) == 1


def test_no_retries_when_max_retries_is_zero():
    service = FakeService(failing(503))
    sleeps = []
    with pytest.raises(APIStatusError):
        make_client(service, sleeps, max_retries=0).edit(**edit_args())
    assert len(service.posts) == 1 and sleeps == []


def test_a_retried_multipart_request_sends_the_same_body_again():
    service = FakeService(failing(503), success())
    make_client(service).edit(**edit_args(encoding="multipart", images=[png(), png((1, 2, 3))]))
    first, second = service.posts
    boundary = lambda r: r.headers["content-type"].split("boundary=")[1]  # noqa: E731
    assert first.content.replace(boundary(first).encode(), b"") == second.content.replace(
        boundary(second).encode(), b""
    )


def test_parse_retry_after_handles_absence():
    assert parse_retry_after({}) is None
