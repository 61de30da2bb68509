"""A local simulator needs no key: without one, the client opens only for a loopback address.

Unit tests of the rule, through the public client: it opens (and sends a placeholder, never a
real key) for 127.0.0.0/8, localhost and ::1, and refuses every other address with a message
that names the fix.
"""

import httpx2
import pytest

from client import ImageEditClient, ImageEditError
from tests.client.fakes import FakeService, edit_args

LOOPBACK = [
    "http://127.0.0.1:8000/v1",
    "http://localhost:8000/v1",
    "http://LOCALHOST/v1",
    "http://[::1]:8000/v1",
    "http://127.3.2.1/v1",
]
ELSEWHERE = [
    "https://api.powertokens.ai/v1",
    "http://localhost.example.com/v1",
    "http://127.0.0.1.example.com/v1",
    "http://10.0.0.1:8000/v1",
    "http://0.0.0.0:8000/v1",
]


@pytest.fixture(autouse=True)
def no_key(monkeypatch):
    monkeypatch.delenv("POWERTOKENS_API_KEY", raising=False)
    monkeypatch.delenv("POWERTOKENS_BASE_URL", raising=False)


@pytest.mark.parametrize("base_url", LOOPBACK)
def test_a_loopback_address_needs_no_key(base_url):
    service = FakeService()
    with ImageEditClient(base_url=base_url, transport=httpx2.MockTransport(service)) as client:
        client.edit(**edit_args())
    sent = service.posts[0].headers["authorization"]
    assert sent.startswith("Bearer ") and len(sent) > len("Bearer ")


@pytest.mark.parametrize("base_url", ELSEWHERE)
def test_any_other_address_without_a_key_names_the_fix(base_url):
    with pytest.raises(ImageEditError, match=r"^No API key: set POWERTOKENS_API_KEY"):
        ImageEditClient(base_url=base_url)


def test_the_environment_base_url_decides(monkeypatch):
    monkeypatch.setenv("POWERTOKENS_BASE_URL", "http://127.0.0.1:8000/v1")
    ImageEditClient().close()
    monkeypatch.setenv("POWERTOKENS_BASE_URL", "https://proxy.example/v1")
    with pytest.raises(ImageEditError, match="POWERTOKENS_API_KEY"):
        ImageEditClient()


def test_a_key_given_for_a_loopback_address_is_the_one_sent(monkeypatch):
    monkeypatch.setenv("POWERTOKENS_API_KEY", "sk-local-configured-key")
    service = FakeService()
    transport = httpx2.MockTransport(service)
    with ImageEditClient(base_url=LOOPBACK[0], transport=transport) as client:
        client.edit(**edit_args())
    assert service.posts[0].headers["authorization"] == "Bearer sk-local-configured-key"
