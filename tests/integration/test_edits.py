"""The client against a live simulator: single edits and fusions in both encodings and both
response formats, every kind of input, and many edits at once.

What the user sees is checked on the returned pixels and on what the server recorded.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

import httpx2
import pytest
from PIL import Image

from client import AsyncImageEditClient, ImageEditClient
from tests.simulator.helpers import (
    BLUE,
    GREEN,
    KEY,
    RED,
    max_in_flight,
    png,
    received,
    share_of,
)


@pytest.fixture
def api(sim):
    with ImageEditClient(api_key=KEY, base_url=sim.base_url, sleep=lambda seconds: None) as client:
        yield client


@pytest.mark.parametrize("encoding", ["json", "multipart"])
@pytest.mark.parametrize("response_format", ["b64_json", "url"])
def test_a_single_edit(sim, api, encoding, response_format):
    result = api.edit(
        model="qwen-image-2.0-pro",
        prompt="make it snow",
        images=[png(RED)],
        n=2,
        size="768*512",
        seed=11,
        encoding=encoding,
        response_format=response_format,
    )

    assert len(result.images) == 2 and not result.partial and result.notes == []
    for edited in result.images:
        assert edited.image.size == (768, 512)
        assert share_of(edited.image, RED) > 0.6
        assert (edited.url is not None) == (response_format == "url")
    assert result.images[0].data != result.images[1].data
    assert result.revised_prompt.startswith("make it snow")
    assert result.request_id == result.metadata["request_id"]
    assert result.seed == 11
    (record,) = received(sim)
    assert (record["encoding"], record["response_format"]) == (encoding, response_format)
    assert (record["image_count"], record["n"], record["size"]) == (1, 2, "768*512")


@pytest.mark.parametrize("encoding", ["json", "multipart"])
@pytest.mark.parametrize("response_format", ["b64_json", "url"])
def test_a_fusion(sim, api, encoding, response_format):
    result = api.edit(
        model="wan2.7-image-pro",
        prompt="put them together",
        images=[png(RED), png(BLUE), png(GREEN)],
        size="512*512",
        encoding=encoding,
        response_format=response_format,
    )

    (edited,) = result.images
    for color in (RED, BLUE, GREEN):
        assert share_of(edited.image, color) > 0.15
    assert received(sim)[0]["image_count"] == 3


def test_every_kind_of_input_is_sent(sim, api, tmp_path):
    path = tmp_path / "blue.png"
    path.write_bytes(png(BLUE))

    result = api.edit(
        model="wan2.7-image-pro",
        prompt="fuse",
        images=[str(path), path, png(RED), Image.new("RGB", (512, 512), GREEN)],
        size="512*512",
    )

    for color in (RED, BLUE, GREEN):
        assert share_of(result.images[0].image, color) > 0.1


def test_the_same_request_gives_the_same_result(api):
    def run():
        return api.edit(
            model="qwen-image-2.0-pro", prompt="p", images=[png()], size="512*512", seed=5
        )

    assert run().images[0].data == run().images[0].data


def test_prompt_extend_off_gives_no_revised_prompt(api):
    result = api.edit(
        model="qwen-image-2.0-pro", prompt="p", images=[png()], size="512*512", prompt_extend=False
    )

    assert result.revised_prompt is None


def test_a_large_input_is_downscaled_to_the_model_limit_and_accepted(sim, api):
    buffer = io.BytesIO()
    Image.new("RGB", (4000, 600), RED).save(buffer, "PNG")

    result = api.edit(
        model="qwen-image-2.0-pro", prompt="p", images=[buffer.getvalue()], size="512*512"
    )

    assert share_of(result.images[0].image, RED) > 0.6
    assert any("4000" in note for note in result.notes)
    assert received(sim)[0]["status"] == 200


def test_url_results_are_kept_after_the_link_expires(make_simulator):
    clock = [1_800_000_000.0]
    server = make_simulator(url_lifetime_s=60, clock=lambda: clock[0])
    with ImageEditClient(api_key=KEY, base_url=server.base_url) as api:
        result = api.edit(
            model="qwen-image-2.0-pro",
            prompt="p",
            images=[png(BLUE)],
            size="512*512",
            response_format="url",
        )
        clock[0] += 61

        assert share_of(result.images[0].image, BLUE) > 0.6
        assert httpx2.get(result.images[0].url).status_code == 410


def test_sixteen_edits_from_threads_run_at_the_same_time(make_simulator):
    server = make_simulator(latency_s=1.0, enable_control=True)

    with ImageEditClient(api_key=KEY, base_url=server.base_url) as api:

        def run(seed):
            return api.edit(
                model="qwen-image-2.0-pro", prompt="p", images=[png()], size="512*512", seed=seed
            )

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(run, range(16)))

    assert len({result.images[0].data for result in results}) == 16
    assert max_in_flight(server) == 16


def test_sixteen_edits_from_the_async_client_run_at_the_same_time(make_simulator):
    server = make_simulator(latency_s=1.0, enable_control=True)

    async def main():
        async with AsyncImageEditClient(api_key=KEY, base_url=server.base_url) as api:
            return await asyncio.gather(
                *(
                    api.edit(
                        model="qwen-image-2.0-pro",
                        prompt="p",
                        images=[png()],
                        size="512*512",
                        seed=seed,
                        response_format="url",
                    )
                    for seed in range(16)
                )
            )

    results = asyncio.run(main())

    assert len({result.images[0].data for result in results}) == 16
    assert max_in_flight(server) == 16
