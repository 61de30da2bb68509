"""The key never shows in logs, errors or reprs; the async client behaves like the sync one."""

import asyncio
import logging

import httpx2
import pytest

from client import AsyncImageEditClient, AuthenticationError, ImageEditClient, ImageEditError
from tests.client.fakes import (
    BASE_URL,
    KEY,
    FakeService,
    edit_args,
    make_client,
    png,
    success,
    success_body,
)


def test_the_key_is_never_in_logs_errors_or_reprs(caplog):
    caplog.set_level(logging.DEBUG)
    service = FakeService(
        httpx2.Response(503, json={"error": {"message": "busy"}}),
        httpx2.Response(401, json={"error": {"message": f"key {KEY} rejected"}}),
    )
    client = make_client(service)
    with pytest.raises(AuthenticationError) as caught:
        client.edit(**edit_args())
    shown = [caplog.text, str(caught.value), repr(caught.value), repr(client), repr(client._core)]
    assert all(KEY not in text for text in shown)
    assert caplog.records, "retries are logged, without the key"


def test_the_key_stays_out_of_debug_logs_over_real_http(caplog, api):
    caplog.set_level(logging.DEBUG)
    api.status, api.reply = 401, {"error": {"message": f"key {KEY} is wrong", "code": "bad_key"}}
    with ImageEditClient(api_key=KEY, base_url=api.base_url) as client:
        with pytest.raises(AuthenticationError) as caught:
            client.edit(**edit_args())
        texts = [caplog.text, str(caught.value), repr(caught.value), repr(client)]
    assert any("POST" in record.getMessage() for record in caplog.records)  # logging was on
    assert all(KEY not in text for text in texts)
    assert api.received[0][1]["authorization"] == f"Bearer {KEY}"  # yet it was sent


def test_a_missing_key_names_the_variable(monkeypatch):
    monkeypatch.delenv("POWERTOKENS_API_KEY", raising=False)
    with pytest.raises(ImageEditError, match="POWERTOKENS_API_KEY"):
        ImageEditClient()


def test_key_and_base_url_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("POWERTOKENS_API_KEY", "env-key")
    monkeypatch.setenv("POWERTOKENS_BASE_URL", "https://proxy.example/v1/")
    service = FakeService()
    ImageEditClient(transport=httpx2.MockTransport(service)).edit(**edit_args())
    request = service.posts[0]
    assert request.headers["authorization"] == "Bearer env-key"
    assert str(request.url) == "https://proxy.example/v1/images/edits"


def test_the_async_client_sends_the_same_request_and_retries_the_same_way():
    sync_service = FakeService(httpx2.Response(429, headers={"retry-after": "3"}), success(2))
    async_service = FakeService(httpx2.Response(429, headers={"retry-after": "3"}), success(2))
    make_client(sync_service).edit(**edit_args(n=2, seed=5))
    sleeps = []

    async def record(delay):
        sleeps.append(delay)

    async def run():
        async with AsyncImageEditClient(
            api_key=KEY, base_url=BASE_URL, transport=httpx2.MockTransport(async_service),
            sleep=record,
        ) as client:  # fmt: skip
            return await client.edit(**edit_args(n=2, seed=5))

    result = asyncio.run(run())
    assert len(result.images) == 2 and result.seed == 5
    assert sleeps == [3.0]
    assert async_service.posts[-1].content == sync_service.posts[-1].content


def echoing_the_authorization_header(request: httpx2.Request) -> httpx2.Response:
    """An upstream that copies the request's Authorization header into its successful reply."""
    echoed = request.headers["authorization"]
    body = success_body(revised_prompt=f"a cat, asked with {echoed}")
    body["data"][0]["url"] = f"https://cdn.example.com/a.png?auth={echoed}"
    body["metadata"] = {
        "request_id": f"req-{KEY}",
        "upstream": {"headers": [{"name": "Authorization", "value": echoed}], KEY: "as a name"},
    }
    return httpx2.Response(200, json=body)


def test_a_key_echoed_in_a_successful_reply_is_redacted_from_the_result():
    sync_result = make_client(FakeService(echoing_the_authorization_header)).edit(**edit_args())

    async def run():
        async with AsyncImageEditClient(
            api_key=KEY, base_url=BASE_URL,
            transport=httpx2.MockTransport(FakeService(echoing_the_authorization_header)),
        ) as client:  # fmt: skip
            return await client.edit(**edit_args())

    for result in (sync_result, asyncio.run(run())):
        image = result.images[0]
        shown = [image.revised_prompt, image.url, result.request_id, result.metadata, result.notes]
        assert KEY not in repr(shown)
        assert image.revised_prompt == "a cat, asked with Bearer ***"
        assert result.metadata["upstream"]["headers"][0]["value"] == "Bearer ***"
        assert result.request_id == "req-***"
        assert image.data == png()  # the image itself is untouched
