"""Stored images are in a format the browser shows, named for what they are, in the store and in
the export zip: TIFF and BMP become PNG with the same pixels; PNG, JPEG, WebP and GIF stay as
they are."""

import io
import json
import zipfile

import pytest
from PIL import Image

from history import export_zip, remove_export
from tests.history.support import encoded, new_run, noise_image


def stored_as(path) -> tuple[str | None, str, bytes]:
    with Image.open(path) as image:
        return image.format, image.mode, image.tobytes()


def test_tiff_and_bmp_inputs_are_stored_as_png_with_the_same_pixels(store):
    rgb, rgba = noise_image(1), noise_image(2, mode="RGBA")
    photo = noise_image(3)
    jpeg = encoded(photo, "JPEG", quality=90)
    inputs = [encoded(rgb, "TIFF"), encoded(rgba, "TIFF"), encoded(rgb, "BMP"), jpeg]
    run_id = store.save_run(new_run(input_images=inputs)).id

    paths = store.get_run("anon:alice", run_id).input_paths
    assert [path.suffix for path in paths] == [".png", ".png", ".png", ".jpg"]
    assert stored_as(paths[0]) == ("PNG", "RGB", rgb.tobytes())
    assert stored_as(paths[1]) == ("PNG", "RGBA", rgba.tobytes()), "alpha is kept"
    assert stored_as(paths[2]) == ("PNG", "RGB", rgb.tobytes())
    assert paths[3].read_bytes() == jpeg, "a JPEG is kept byte for byte"
    assert paths[0] == paths[2], "the same pixels from TIFF and BMP are one PNG, stored once"


def test_a_multi_frame_tiff_keeps_its_first_frame(store):
    first, second = noise_image(4), noise_image(5)
    tiff = encoded(first, "TIFF", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(tiff)) as check:
        assert check.n_frames == 2
    run_id = store.save_run(new_run(output_images=[tiff])).id
    [path] = store.get_run("anon:alice", run_id).output_paths
    assert stored_as(path) == ("PNG", "RGB", first.tobytes())


def test_webp_and_gif_results_stay_as_they_are(store):
    webp = encoded(noise_image(6), "WEBP", quality=80)
    gif = encoded(noise_image(7).convert("P"), "GIF")
    run_id = store.save_run(new_run(output_images=[webp, gif])).id
    paths = store.get_run("anon:alice", run_id).output_paths
    assert [(p.suffix, p.read_bytes()) for p in paths] == [(".webp", webp), (".gif", gif)]


def test_the_zip_names_each_image_for_its_real_format(store):
    inputs = [encoded(noise_image(1), "TIFF"), encoded(noise_image(2), "JPEG")]
    run_id = store.save_run(
        new_run(input_images=inputs, output_images=[encoded(noise_image(3), "BMP")])
    ).id
    archive = export_zip(store.get_run("anon:alice", run_id))
    with zipfile.ZipFile(archive) as bundle:
        record = json.loads(bundle.read("run.json"))
        names = set(bundle.namelist())
        with Image.open(io.BytesIO(bundle.read("inputs/input-1.png"))) as first:
            assert first.format == "PNG"
    assert record["inputs"] == ["inputs/input-1.png", "inputs/input-2.jpg"]
    assert record["outputs"] == ["outputs/output-1.png"]
    assert names == {*record["inputs"], *record["outputs"], "run.json"}
    remove_export(archive)


def test_what_is_not_an_image_is_refused_and_nothing_is_saved(store):
    with pytest.raises(OSError):
        store.save_run(new_run(input_images=[b"not an image at all"]))
    assert store.count_runs() == 0
