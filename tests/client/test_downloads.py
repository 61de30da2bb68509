"""URL results are fetched at once, but only from places a client may safely go."""

import asyncio

import httpx2
import pytest

from client import (
    APIStatusError,
    AsyncImageEditClient,
    ImageEditClient,
    ImageEditError,
    OversizedResultError,
    UnsafeURLError,
)
from client.downloads import pinned_request
from tests.client.fakes import (
    BASE_URL,
    KEY,
    PUBLIC_IP,
    FakeService,
    edit_args,
    make_client,
    named_url,
    png,
    png_claiming,
)

CAP = 4096
"""A small download cap, patched in, so size tests move kilobytes rather than 64 MB."""


def url_results(*urls: str) -> httpx2.Response:
    data = [{"url": url, "b64_json": "", "revised_prompt": "rp"} for url in urls]
    return httpx2.Response(200, json={"created": 1, "data": data, "metadata": {}})


def serving(posted: httpx2.Response, files: dict[str, httpx2.Response]):
    def handler(request: httpx2.Request) -> httpx2.Response:
        if request.method == "POST":
            return posted
        return files[named_url(request)]

    return handler


def test_url_results_are_downloaded_in_parallel_keeping_the_exact_bytes():
    red, blue = png((255, 0, 0)), png((0, 0, 255))
    first, second = "https://cdn.example.com/a.png", "https://cdn.example.com/b.png"
    files = {first: httpx2.Response(200, content=red), second: httpx2.Response(200, content=blue)}
    service = FakeService(serving(url_results(first, second), files))
    result = make_client(service).edit(**edit_args(n=2, response_format="url"))
    assert [image.data for image in result.images] == [red, blue]
    assert [image.url for image in result.images] == [first, second]
    assert "authorization" not in service.requests[1].headers  # the key stays with the API


def test_the_api_own_origin_is_trusted_even_over_http():
    service = FakeService(
        serving(url_results("http://127.0.0.1:8000/v1/files/x.png"),
                {"http://127.0.0.1:8000/v1/files/x.png": httpx2.Response(200, content=png())})
    )  # fmt: skip
    client = ImageEditClient(
        api_key="k", base_url="http://127.0.0.1:8000/v1", transport=httpx2.MockTransport(service)
    )
    assert len(client.edit(**edit_args(response_format="url")).images) == 1
    assert str(service.requests[1].url) == "http://127.0.0.1:8000/v1/files/x.png"  # by name


OTHER_PUBLIC_IP = "93.184.216.35"


def rebinding_resolver() -> tuple[list[str], object]:
    """Fake DNS that answers a public address the first time it is asked about cdn.example.com,
    and 127.0.0.1 every time after (DNS rebinding); cdn2.example.com is another public host."""
    asked: list[str] = []

    def resolve(host: str) -> list[str]:
        asked.append(host)
        if host == "cdn2.example.com":
            return [OTHER_PUBLIC_IP]
        return [PUBLIC_IP] if asked.count(host) == 1 else ["127.0.0.1"]

    return asked, resolve


def rebinding_client(service: FakeService, resolve) -> ImageEditClient:
    transport = httpx2.MockTransport(service)
    return ImageEditClient(api_key=KEY, base_url=BASE_URL, transport=transport, resolver=resolve)


def test_a_download_connects_to_the_checked_address_whatever_the_name_resolves_to_later():
    start, hop = "https://cdn.example.com/a.png", "https://cdn2.example.com/b.png"
    files = {start: redirect(hop), hop: httpx2.Response(200, content=png())}
    service = FakeService(serving(url_results(start), files))
    asked, resolve = rebinding_resolver()
    result = rebinding_client(service, resolve).edit(**edit_args(response_format="url"))
    assert asked == ["cdn.example.com", "cdn2.example.com"]  # each name looked up once
    first, second = service.requests[1:]
    assert (first.url.host, first.headers["host"]) == (PUBLIC_IP, "cdn.example.com")
    assert (second.url.host, second.headers["host"]) == (OTHER_PUBLIC_IP, "cdn2.example.com")
    assert first.extensions["sni_hostname"] == "cdn.example.com"
    assert second.extensions["sni_hostname"] == "cdn2.example.com"
    assert not any(request.url.host == "127.0.0.1" for request in service.requests)
    assert result.images[0].url == start  # the result still names the link the service gave


def test_a_pinned_request_keeps_the_name_for_the_host_header_and_tls():
    get = pinned_request("https://cdn.example.com:8443/a.png?sig=x%2By", "2606:2800:220:1::1")
    assert str(get["url"]) == "https://[2606:2800:220:1::1]:8443/a.png?sig=x%2By"
    assert get["headers"]["host"] == "cdn.example.com:8443"
    assert get["extensions"] == {"sni_hostname": "cdn.example.com"}
    default_port = pinned_request("https://Cdn.Example.com/a.png", PUBLIC_IP)
    assert str(default_port["url"]) == f"https://{PUBLIC_IP}/a.png"
    assert default_port["headers"]["host"] == "cdn.example.com"
    assert pinned_request("http://127.0.0.1:8000/v1/x.png", None) == {
        "url": "http://127.0.0.1:8000/v1/x.png"
    }


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn.example.com/a.png",  # not https
        "https://internal.corp/a.png",  # resolves to 10.0.0.7
        "https://127.0.0.1/a.png",
        "https://[::1]/a.png",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:10.0.0.1]/a.png",
        "https://100.64.0.1/a.png",  # carrier-grade NAT
        "https://unresolvable.example/a.png",
        "https://mixed.example/a.png",  # one public and one private address
        "https://cdn.example.com:443@internal.corp/a.png",  # the host is internal.corp
        "file:///etc/passwd",
        "https:///no-host.png",
    ],
)
def test_unsafe_result_urls_are_refused_and_never_requested(url):
    service = FakeService(url_results(url))
    with pytest.raises(UnsafeURLError):
        make_client(service).edit(**edit_args(response_format="url"))
    assert [request.method for request in service.requests] == ["POST"]


def redirect(location: str) -> httpx2.Response:
    return httpx2.Response(302, headers={"location": location})


def test_redirects_are_followed_and_each_target_checked():
    start = "https://cdn.example.com/start.png"
    hop = "https://cdn2.example.com/hop.png"
    files = {start: redirect(hop), hop: httpx2.Response(200, content=png())}
    service = FakeService(serving(url_results(start), files))
    assert len(make_client(service).edit(**edit_args(response_format="url")).images) == 1

    to_private = {start: redirect("https://internal.corp/secret.png")}
    service = FakeService(serving(url_results(start), to_private))
    with pytest.raises(UnsafeURLError):
        make_client(service).edit(**edit_args(response_format="url"))
    assert not any("internal.corp" in named_url(request) for request in service.requests)


def test_more_than_three_redirects_are_refused():
    hops = [f"https://cdn.example.com/{i}.png" for i in range(5)]
    files = {hops[i]: redirect(hops[i + 1]) for i in range(4)}
    service = FakeService(serving(url_results(hops[0]), files))
    with pytest.raises(UnsafeURLError, match="more than 3 redirects"):
        make_client(service).edit(**edit_args(response_format="url"))


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<html>not an image</html>", "not an image"),
        (png()[:-20], "not an image"),
        (png() + b"\0" * (CAP - len(png())), None),
        (png() + b"\0" * (CAP + 1 - len(png())), "larger than"),
    ],
    ids=["html", "truncated-png", "at-size-cap", "past-size-cap"],
)
def test_bodies_that_are_not_images_or_too_large_are_refused(monkeypatch, body, says):
    monkeypatch.setattr("client.downloads.DOWNLOAD_MAX_BYTES", CAP)
    url = "https://cdn.example.com/a.png"
    service = FakeService(serving(url_results(url), {url: httpx2.Response(200, content=body)}))
    if says is None:
        assert make_client(service).edit(**edit_args(response_format="url")).images[0].data == body
        return
    with pytest.raises(ImageEditError, match=says):
        make_client(service).edit(**edit_args(response_format="url"))


def test_an_expired_link_among_good_ones_is_a_note_and_a_partial_result():
    good, gone = "https://cdn.example.com/good.png", "https://cdn.example.com/gone.png"
    files = {good: httpx2.Response(200, content=png()), gone: httpx2.Response(403)}
    service = FakeService(serving(url_results(good, gone), files))
    result = make_client(service).edit(**edit_args(n=2, response_format="url"))
    assert len(result.images) == 1 and result.partial
    assert any("Result 2 could not be downloaded" in note for note in result.notes)
    assert "1 of 2 requested images came back; the service skipped the rest." in result.notes


def test_all_links_expired_is_an_error_that_says_to_run_again():
    url = "https://cdn.example.com/gone.png"
    service = FakeService(serving(url_results(url), {url: httpx2.Response(404)}))
    with pytest.raises(APIStatusError, match="run the edit again"):
        make_client(service).edit(**edit_args(response_format="url"))


def test_the_redirect_limit_is_three_hops():
    hops = [f"https://cdn.example.com/{i}.png" for i in range(4)]
    files = {hops[i]: redirect(hops[i + 1]) for i in range(3)}
    files[hops[3]] = httpx2.Response(200, content=png())
    service = FakeService(serving(url_results(hops[0]), files))
    assert len(make_client(service).edit(**edit_args(response_format="url")).images) == 1


def test_a_relative_redirect_is_resolved_against_the_current_url():
    start, moved = "https://cdn.example.com/a/start.png", "https://cdn.example.com/b/final.png"
    files = {start: redirect("../b/final.png"), moved: httpx2.Response(200, content=png())}
    service = FakeService(serving(url_results(start), files))
    make_client(service).edit(**edit_args(response_format="url"))
    assert [named_url(r) for r in service.requests[1:]] == [start, moved]


def async_edit(service: FakeService, **overrides):
    async def run():
        async with AsyncImageEditClient(
            api_key=KEY, base_url="https://api.powertokens.ai/v1",
            transport=httpx2.MockTransport(service), resolver=lambda host: [PUBLIC_IP],
        ) as client:  # fmt: skip
            return await client.edit(**edit_args(**overrides))

    return asyncio.run(run())


def test_the_async_client_downloads_the_same_way():
    red, blue = png((255, 0, 0)), png((0, 0, 255))
    first, second = "https://cdn.example.com/a.png", "https://cdn.example.com/b.png"
    moved = "https://cdn2.example.com/a.png"
    files = {
        first: redirect(moved),
        moved: httpx2.Response(200, content=red),
        second: httpx2.Response(200, content=blue),
    }
    service = FakeService(serving(url_results(first, second), files))
    result = async_edit(service, n=2, response_format="url")
    assert [image.data for image in result.images] == [red, blue]

    assert [request.url.host for request in service.requests[1:]].count(PUBLIC_IP) == 3

    private = FakeService(serving(url_results("https://10.1.2.3/a.png"), {}))
    with pytest.raises(UnsafeURLError):
        async_edit(private, response_format="url")
    assert [request.method for request in private.requests] == ["POST"]


def test_a_downloaded_result_far_larger_than_requested_is_refused_the_others_kept():
    huge, fine = "https://cdn.example.com/huge.png", "https://cdn.example.com/fine.png"
    files = {
        huge: httpx2.Response(200, content=png_claiming(20000, 20000)),
        fine: httpx2.Response(200, content=png()),
    }
    service = FakeService(serving(url_results(huge, fine), files))
    result = make_client(service).edit(**edit_args(n=2, size="1024*1024", response_format="url"))
    assert [image.url for image in result.images] == [fine]
    assert result.notes[0] == (
        "Result 1 was refused: The service returned a 20000×20000 image, far larger than the "
        "1024×1024 requested; it was not kept."
    )

    files = {huge: httpx2.Response(200, content=png_claiming(20000, 20000))}
    only_huge = FakeService(serving(url_results(huge), files))
    with pytest.raises(OversizedResultError, match="20000×20000"):
        async_edit(only_huge, size="1024*1024", response_format="url")
