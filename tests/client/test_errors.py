"""Both error envelopes and non-JSON bodies become errors a person can act on."""

import httpx2
import pytest

from client import (
    APIStatusError,
    AuthenticationError,
    ContentPolicyError,
    PermissionDeniedError,
    RateLimitError,
)
from client.errors import RequestTooLargeError
from tests.client.fakes import KEY, FakeService, edit_args, make_client


def gateway(status, code, message="detail"):
    return httpx2.Response(
        status, json={"error": {"message": message, "type": "invalid_request_error", "code": code}}
    )


def dashscope(status, code, message="detail"):
    return httpx2.Response(status, json={"request_id": "ds-42", "code": code, "message": message})


CASES = [
    (
        gateway(401, "invalid_api_key"),
        AuthenticationError,
        "API key was rejected",
        "invalid_api_key",
    ),
    (dashscope(401, "InvalidApiKey"), AuthenticationError, "API key was rejected", "InvalidApiKey"),
    (
        dashscope(400, "DataInspectionFailed"),
        ContentPolicyError,
        "blocked by content moderation",
        "DataInspectionFailed",
    ),
    (
        gateway(400, "DataInspectionFailed"),
        ContentPolicyError,
        "blocked by content moderation",
        "DataInspectionFailed",
    ),
    (gateway(403, "AccessDenied"), PermissionDeniedError, "Access denied", "AccessDenied"),
    (gateway(413, None), RequestTooLargeError, "fewer or smaller images", "invalid_request_error"),
    (
        dashscope(429, "Throttling.AllocationQuota"),
        RateLimitError,
        "quota is used up",
        "Throttling.AllocationQuota",
    ),
    (
        gateway(400, "InvalidParameter", "size is bad"),
        APIStatusError,
        "The service said: size is bad",
        "InvalidParameter",
    ),
    (
        httpx2.Response(502, text="<html><h1>502 Bad Gateway</h1></html>"),
        APIStatusError,
        "failed (502)",
        None,
    ),
    (dashscope(503, "ServiceUnavailable"), APIStatusError, "failed (503)", "ServiceUnavailable"),
    (httpx2.Response(413, text="Request Entity Too Large"), RequestTooLargeError, "smaller", None),
    (httpx2.Response(404, json={"error": "no route"}), APIStatusError, "no route", None),
    (httpx2.Response(400, content=b"\xff\xfe"), APIStatusError, "refused the request", None),
]


@pytest.mark.parametrize(("response", "error_class", "says", "code"), CASES)
def test_error_responses_map_to_a_class_a_code_and_a_sentence(response, error_class, says, code):
    service = FakeService(response)
    with pytest.raises(error_class) as caught:
        make_client(service, max_retries=0).edit(**edit_args())
    error = caught.value
    assert says in str(error)
    assert str(error)[0].isupper() and str(error).endswith(".")
    assert error.status_code == response.status_code
    assert error.code == code
    assert KEY not in str(error)


def test_the_request_id_comes_from_the_body_or_the_header():
    from_body = FakeService(dashscope(400, "InvalidParameter"))
    with pytest.raises(APIStatusError) as caught:
        make_client(from_body).edit(**edit_args())
    assert caught.value.request_id == "ds-42"
    assert "ds-42" in str(caught.value)

    headers = {"x-request-id": "hdr-7"}
    from_header = FakeService(
        httpx2.Response(400, headers=headers, json={"error": {"message": "no"}})
    )
    with pytest.raises(APIStatusError) as caught:
        make_client(from_header).edit(**edit_args())
    assert caught.value.request_id == "hdr-7"


def test_a_success_with_an_unexpected_body_is_an_error_not_a_crash():
    service = FakeService(httpx2.Response(200, text="<html>maintenance</html>"))
    with pytest.raises(APIStatusError, match="does not understand"):
        make_client(service).edit(**edit_args())


def test_a_key_echoed_by_the_service_is_redacted():
    service = FakeService(gateway(400, "InvalidParameter", f"bad key {KEY}"))
    with pytest.raises(APIStatusError) as caught:
        make_client(service).edit(**edit_args())
    assert KEY not in str(caught.value)
    assert "***" in str(caught.value)


def test_a_key_echoed_in_the_body_is_redacted_from_the_error_body_too():
    service = FakeService(dashscope(401, "InvalidApiKey", f"key {KEY} is invalid"))
    with pytest.raises(AuthenticationError) as caught:
        make_client(service).edit(**edit_args())
    assert caught.value.body == {
        "request_id": "ds-42",
        "code": "InvalidApiKey",
        "message": "key *** is invalid",
    }
    assert caught.value.message == str(caught.value)
