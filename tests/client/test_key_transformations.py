"""Issue 21.4: a key echoed upper-cased, url-encoded or base64-encoded is masked like the key.

A hostile or careless upstream that echoes the Authorization header in another spelling must not
get the key shown, logged or kept: the error's text, its body and the logs hold none of them.
"""

from __future__ import annotations

import base64
import logging
from urllib.parse import quote, quote_plus

import httpx2
import pytest

from client import APIStatusError, ImageEditClient
from client.redaction import MASK, redact
from tests.client.fakes import BASE_URL, FakeService, edit_args

KEY = "sk-odd/Key+with=chars-0123456789"
"""A key with characters url-encoding changes (the fakes' own key has none)."""


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def transformations(key: str) -> dict[str, str]:
    """The spellings of `key` an upstream may echo."""
    return {
        "verbatim": key,
        "upper-cased": key.upper(),
        "lower-cased": key.lower(),
        "url-encoded": quote(key, safe=""),
        "url-encoded, lower-case hex": quote(key, safe="").lower(),
        "form-encoded header": quote_plus(f"Bearer {key}"),
        "base64": b64(key),
        "base64 unpadded": b64(key).rstrip("="),
        "base64 url-safe": b64url(key),
        "base64 url-safe unpadded": b64url(key).rstrip("="),
        "base64 of the header": b64(f"Bearer {key}"),
        "base64 url-safe of the header": b64url(f"Bearer {key}").rstrip("="),
        "base64 of basic auth": b64(f"user:{key}"),
        "base64 of the upper-cased key": b64(key.upper()),
    }


FORMS = transformations(KEY)


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_each_spelling_of_the_key_is_masked(form):
    masked = redact(f"the service saw [{form}] and refused", [KEY])
    assert form not in masked and MASK in masked
    assert masked.startswith("the service saw [") and masked.endswith("] and refused")


def test_ordinary_text_and_other_base64_are_left_alone():
    text = f"a cat on a mat, {b64('a different secret, not the key')} and 'sk-odd/Key'"
    assert redact(text, [KEY]) == text


def echoing_every_spelling(request: httpx2.Request) -> httpx2.Response:
    """An upstream that refuses the edit and echoes the key in every spelling above."""
    message = "key not accepted: " + "; ".join(f"{name}={form}" for name, form in FORMS.items())
    body = {"request_id": f"req-{FORMS['base64']}", "code": "InvalidParameter", "message": message}
    body["echo"] = {"headers": list(FORMS.values())}
    return httpx2.Response(400, json=body)


def test_an_error_echoing_the_key_in_any_spelling_shows_and_logs_none_of_them(caplog):
    caplog.set_level(logging.DEBUG)
    service = FakeService(echoing_every_spelling)
    client = ImageEditClient(
        api_key=KEY, base_url=BASE_URL, transport=httpx2.MockTransport(service)
    )
    with client, pytest.raises(APIStatusError) as caught:
        client.edit(**edit_args())
    error = caught.value
    shown = " ".join([str(error), repr(error), str(error.body), str(error.request_id), caplog.text])
    leaked = [name for name, form in FORMS.items() if form in shown]
    assert leaked == []
    assert "The service said: key not accepted: verbatim=***; upper-cased=***" in str(error)
    assert error.request_id == MASK  # a base64 token is masked whole, with what it is glued to


def test_a_refusal_with_the_key_as_its_code_is_retried_without_logging_it(caplog):
    """A 503 is retried, and the retry's log line names the error's code: a key there is masked."""
    caplog.set_level(logging.DEBUG)

    def refusing(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(503, json={"code": FORMS["upper-cased"], "message": "busy"})

    client = ImageEditClient(
        api_key=KEY,
        base_url=BASE_URL,
        transport=httpx2.MockTransport(FakeService(refusing)),
        max_retries=1,
    )
    with client, pytest.raises(APIStatusError) as caught:
        client.edit(**edit_args())
    assert "retrying" in caplog.text
    shown = " ".join([caplog.text, str(caught.value), str(caught.value.code)])
    assert FORMS["upper-cased"] not in shown and KEY not in shown
