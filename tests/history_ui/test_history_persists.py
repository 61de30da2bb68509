"""Issue 5 through the app: a run is in the history when it finishes, after a reload and after a
restart of the app, and restoring it brings back its exact parameters."""

import json
import zipfile
from urllib.parse import urljoin

import httpx2
import pytest
from gradio_client import handle_file
from PIL import Image

from tests.app_process import app_process
from tests.chromium import chromium
from tests.history_api import history_captions, issued_cookie, newest_run_id, visitor
from ui.core.controls import CONTROL_NAMES

ENV = {"SIMULATOR_LATENCY": "0"}


def test_a_run_survives_a_restart_and_restores_its_exact_parameters(tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (700, 500), (90, 60, 200)).save(picture)
    with app_process(["python", "app.py"], tmp_path, env=ENV) as app:
        token = issued_cookie(app.url)
        client = visitor(app.url, token)
        client.predict(
            images=[handle_file(str(picture))],
            prompt="a violet square at dusk",
            model="wan2.7-image-pro",
            n=2,
            size="1280*720",
            seed=424242,
            negative_prompt="blur",
            watermark=True,
            prompt_extend=False,
            response_format="url",
            api_name="/edit",
        )
        assert any("a violet square at dusk" in caption for caption in history_captions(client))

    with app_process(["python", "app.py"], tmp_path, env=ENV) as restarted:
        client = visitor(restarted.url, token)
        assert any("a violet square at dusk" in caption for caption in history_captions(client))
        run_id = newest_run_id(restarted.history_dir)
        restored = client.predict(run_id=run_id, api_name="/history_restore")

    inputs, *controls = restored  # the API leaves out the tab switch
    values = dict(zip(CONTROL_NAMES, controls, strict=True))
    assert len(inputs) == 1
    assert [values[name] for name in ("model", "custom_model", "prompt", "negative_prompt")] == [
        "wan2.7-image-pro",
        "",
        "a violet square at dusk",
        "blur",
    ]
    assert [values[name] for name in ("n", "size", "width", "height")] == [
        2,
        "1280*720",
        None,
        None,
    ]
    assert (values["seed"], values["randomize_seed"]) == ("424242", False)
    watermark, prompt_extend, response_format, encoding = (
        values[name] for name in ("watermark", "prompt_extend", "response_format", "encoding")
    )
    assert (watermark, prompt_extend, response_format, encoding) == (True, False, "url", "json")


@pytest.mark.browser
def test_the_history_tab_shows_a_run_after_reload_and_restores_it(tmp_path):
    picture = tmp_path / "photo.png"
    Image.new("RGB", (640, 640), (20, 140, 160)).save(picture)
    with app_process(["python", "app.py"], tmp_path, env=ENV) as app, chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(app.url)
        page.locator("#input-images input[type=file]").set_input_files([str(picture)])
        page.locator("#input-images img").first.wait_for()
        page.get_by_label("Prompt", exact=True).fill("teal tiles under rain")
        page.get_by_label("Randomize seed").uncheck()
        page.get_by_label("Seed", exact=True).fill("31337")
        page.get_by_role("button", name="Run", exact=True).click()
        page.locator("#results img").first.wait_for(timeout=60_000)
        result_url = page.locator("#results img").first.get_attribute("src")

        page.reload()
        page.get_by_role("tab", name="History").click()
        entry = page.locator("#history-gallery").get_by_text("teal tiles under rain")
        entry.wait_for()
        page.locator("#history-gallery img").first.click()
        page.get_by_text("Seed `31337`").or_(page.get_by_text("Seed 31337")).first.wait_for()
        with page.expect_download() as download:  # the zip is made on this click
            page.get_by_role("button", name="Download (.zip)").click()
        archive = tmp_path / "run.zip"
        download.value.save_as(archive)
        zip_url = download.value.url
        with zipfile.ZipFile(archive) as bundle:
            record = json.loads(bundle.read("run.json"))
            assert "inputs/input-1.png" in bundle.namelist()
        assert record["params"]["prompt"] == "teal tiles under rain"
        assert record["params"]["seed"] == 31337
        page.get_by_role("button", name="Restore into editor").click()
        prompt = page.get_by_label("Prompt", exact=True)
        page.wait_for_function(
            "document.querySelector('#prompt textarea').value === 'teal tiles under rain'"
        )
        assert prompt.input_value() == "teal tiles under rain"
        assert page.get_by_label("Seed", exact=True).input_value() == "31337"
        assert not page.get_by_label("Randomize seed").is_checked()
        assert page.locator("#input-images img").count() == 1

        page.get_by_role("tab", name="History").click()
        page.get_by_role("button", name="Delete…").click()  # asks once more
        page.get_by_role("button", name="Yes, delete it").click()
        entry.wait_for(state="detached")
        for url in (zip_url, result_url):  # the zip, and the Edit tab's copy of the result
            assert httpx2.get(urljoin(app.url, url), timeout=10).status_code == 404, url

        # the editor still shows the restored picture, whose copy went with the run: Run names
        # it and what to do, where the person looks, instead of a bare "Error"
        page.get_by_role("tab", name="Edit").click()
        page.get_by_role("button", name="Run", exact=True).click()
        status = page.locator("#run-status")
        status.get_by_text("Image 1: it is no longer on the server").wait_for()
        assert "add the picture again" in status.inner_text()
        assert page.locator("#results img").count() == 0
