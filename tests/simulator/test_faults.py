"""Scripted faults: each edit request consumes the next one, and answers as it says.

Faults come from the config or the control route; the control routes exist only when enabled,
and the request log they expose never holds the Authorization header.
"""

from __future__ import annotations

import base64
import io
import json
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from PIL import Image

from simulator import Fault
from tests.simulator.helpers import (
    KEY,
    body,
    error_of,
    image,
    in_flight,
    max_in_flight,
    post,
    queue,
    received,
    results,
    wait_until,
)


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (Fault(status=429, code="Throttling.RateQuota"), 429, "Throttling.RateQuota"),
        (Fault(status=400, code="DataInspectionFailed"), 400, "DataInspectionFailed"),
        (Fault(status=403, code="AccessDenied"), 403, "AccessDenied"),
        (Fault(status=503), 503, "Service Unavailable"),
        (Fault(status=500, message="upstream exploded"), 500, "Internal Server Error"),
    ],
)
def test_an_error_fault_answers_with_its_status_in_the_gateway_envelope(sim, fault, status, code):
    queue(sim, fault)

    response = post(sim, body())

    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == code
    if fault.message:
        assert error["message"] == fault.message
    assert error["type"] == ("server_error" if status >= 500 else "invalid_request_error")


def test_faults_are_consumed_one_request_each_in_order(sim):
    queue(sim, Fault(status=503), Fault(status=429))

    statuses = [post(sim, body()).status_code for _ in range(3)]

    assert statuses == [503, 429, 200]
    assert [(r["status"], r["fault"]) for r in received(sim)] == [
        (503, True),
        (429, True),
        (200, False),
    ]


def test_a_faulted_request_is_still_recorded_with_its_fields(sim):
    queue(sim, Fault(status=503))

    post(sim, body(prompt="first try", n=2))

    (record,) = received(sim)
    assert (record["prompt"], record["n"], record["status"]) == ("first try", 2, 503)


def test_retry_after_headers_are_sent(sim):
    queue(sim, Fault(status=429, retry_after="3", retry_after_ms=2500))

    response = post(sim, body())

    assert response.headers["retry-after"] == "3"
    assert response.headers["retry-after-ms"] == "2500"


def test_the_dashscope_envelope(sim):
    queue(sim, Fault(status=400, code="InvalidParameter", message="bad", envelope="dashscope"))

    response = post(sim, body())

    assert response.json() == {
        "request_id": response.headers["x-request-id"],
        "code": "InvalidParameter",
        "message": "bad",
    }


@pytest.mark.parametrize("status", [None, 504])
def test_an_html_error_page(sim, status):
    queue(sim, Fault(status=status, html_body=True))

    response = post(sim, body())

    assert response.status_code == (status or 502)
    assert response.headers["content-type"].startswith("text/html")
    assert "<html>" in response.text


def test_malformed_json_cuts_a_good_answer_in_half(sim):
    queue(sim, Fault(malformed_json=True))

    response = post(sim, body())

    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.content)


def test_truncated_base64_damages_the_last_image(sim):
    queue(sim, Fault(truncate_b64=True))

    first, last = post(sim, body(n=2)).json()["data"]

    assert image(base64.b64decode(first["b64_json"])).size == (512, 512)
    damaged = base64.b64decode(last["b64_json"] + "==", validate=False)
    with pytest.raises(OSError):
        Image.open(io.BytesIO(damaged)).load()


def test_drop_images_returns_fewer_than_asked(sim):
    queue(sim, Fault(drop_images=2))

    payload = post(sim, body(n=3)).json()

    assert len(payload["data"]) == 1
    assert payload["metadata"]["usage"]["image_count"] == 1


def test_an_expired_url_fault_gives_links_that_are_already_dead(sim):
    queue(sim, Fault(expired_url=True))

    url = post(sim, body(response_format="url")).json()["data"][0]["url"]

    assert httpx2.get(url).status_code == 410


def test_a_delay_fault_holds_the_answer_while_other_requests_are_served(sim):
    queue(sim, Fault(delay_s=1.0))
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(post, sim, body(prompt="slow"))
        wait_until(lambda: in_flight(sim) == 1)
        assert post(sim, body(prompt="fast")).status_code == 200
        assert slow.result().status_code == 200
    assert [r["prompt"] for r in received(sim)] == ["fast", "slow"]


def test_faults_given_in_the_config_are_used_first(make_simulator):
    server = make_simulator(faults=[Fault(status=502)])

    assert post(server, body()).status_code == 502
    assert post(server, body()).status_code == 200


def test_a_fault_wins_over_a_request_that_would_fail(sim):
    queue(sim, Fault(status=503))

    response = post(sim, body(model="nope"), headers={})

    assert response.status_code == 503


@pytest.mark.parametrize(
    "items",
    [
        {"status": 503},
        [{"status": "503"}],
        [{"status": 99}],
        [{"colour": "red"}],
        [{"drop_images": -1}],
        [{"malformed_json": "yes"}],
        [{"envelope": "soap"}],
        ["503"],
    ],
)
def test_the_control_route_refuses_a_bad_fault_list(sim, items):
    response = httpx2.post(sim.origin + "/_simulator/faults", json=items)

    assert response.status_code == 400
    assert "Bad fault list" in error_of(response)["message"]
    assert post(sim, body()).status_code == 200


def test_deleting_the_faults_empties_the_queue(sim):
    queue(sim, Fault(status=503))

    httpx2.delete(sim.origin + "/_simulator/faults").raise_for_status()

    assert post(sim, body()).status_code == 200


def test_the_request_log_never_holds_the_key(sim):
    post(sim, body(prompt="secret-free"))

    text = httpx2.get(sim.origin + "/_simulator/requests").text

    assert "secret-free" in text
    assert KEY not in text
    assert "authorization" not in text.lower()


@pytest.mark.parametrize("route", ["/_simulator/faults", "/_simulator/requests"])
def test_control_routes_do_not_exist_unless_enabled(make_simulator, route):
    server = make_simulator()

    assert httpx2.get(server.origin + route).status_code == 404
    assert httpx2.post(server.origin + route, json=[{"status": 500}]).status_code == 404
    assert post(server, body()).status_code == 200


def test_sixteen_requests_are_served_at_the_same_time(make_simulator):
    server = make_simulator(latency_s=1.0, enable_control=True)

    with ThreadPoolExecutor(16) as pool:
        responses = list(pool.map(lambda seed: post(server, body(seed=seed)), range(16)))

    assert len({results(response)[0] for response in responses}) == 16
    assert max_in_flight(server) == 16
