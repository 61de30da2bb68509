"""Inputs as users have them: rotated photos, CMYK, 16-bit, palettes, animations, huge or broken."""

import io
import re
import struct
import subprocess
import sys
import warnings
import zlib

import pytest
from PIL import Image

from client import InvalidImageError, model_spec
from client.images import prepare_image
from tests.app_process import ROOT
from tests.client.fakes import FakeService, edit_args, make_client

QWEN = model_spec("qwen-image-2.0-pro")
WAN = model_spec("wan2.7-image-pro")


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def decoded(prepared) -> Image.Image:
    return Image.open(io.BytesIO(prepared.data))


def test_an_image_that_fits_is_sent_byte_for_byte():
    data = encode(Image.new("RGB", (800, 600), (1, 2, 3)), "PNG")
    prepared = prepare_image(data, QWEN)
    assert prepared.data == data and prepared.mime == "image/png" and prepared.note is None


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (800, 400), (255, 0, 0))
    image.paste((0, 0, 255), (0, 0, 400, 400))  # blue on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    prepared = prepare_image(encode(image, "JPEG", exif=exif), QWEN)
    shown = decoded(prepared)
    assert shown.size == (400, 800)
    red, _green, blue = shown.convert("RGB").getpixel((200, 100))  # top: was the left side
    assert blue > 200 and red < 60


def test_a_rotated_photo_is_downscaled_and_turned_upright():
    image = Image.new("RGB", (4000, 3000), (255, 0, 0))
    image.paste((0, 0, 255), (0, 0, 2000, 3000))  # blue on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    prepared = prepare_image(encode(image, "JPEG", exif=exif), QWEN)
    shown = decoded(prepared)
    assert shown.size == (prepared.width, prepared.height) == (2304, 3072)
    assert "downscaled from 3000x4000 to 2304x3072" in prepared.note
    red, _green, blue = shown.getpixel((1152, 200))  # top: was the left side
    assert blue > 200 and red < 60


def test_a_pil_image_passed_in_is_left_usable():
    image = Image.new("RGBA", (4000, 3000), (255, 0, 0, 255))
    prepared = prepare_image(image, QWEN)
    assert (prepared.width, prepared.mime) == (3072, "image/jpeg")
    assert image.getpixel((0, 0)) == (255, 0, 0, 255)


def sixteen_bit_gradient() -> Image.Image:
    image = Image.new("I;16", (600, 600))
    image.putdata([row * 100 for row in range(600) for _ in range(600)])
    return image


@pytest.mark.parametrize(
    ("image", "fmt", "spec", "mode", "mime"),
    [
        (Image.new("CMYK", (600, 600), (0, 255, 255, 0)), "JPEG", QWEN, "RGB", "image/jpeg"),
        (Image.new("CMYK", (600, 600), (0, 255, 255, 0)), "TIFF", QWEN, "RGB", "image/jpeg"),
        (sixteen_bit_gradient(), "PNG", QWEN, "L", "image/jpeg"),
        (Image.new("RGBA", (600, 600), (255, 0, 0, 128)), "TIFF", WAN, "RGBA", "image/png"),
        (Image.new("RGBA", (600, 600), (255, 0, 0, 255)), "TIFF", WAN, "RGB", "image/jpeg"),
        (Image.new("LA", (600, 600), (90, 0)), "TIFF", WAN, "RGBA", "image/png"),
    ],
    ids=["cmyk-jpeg", "cmyk-tiff", "16-bit", "alpha", "opaque-alpha", "grey-alpha"],
)
def test_unusual_modes_are_converted_for_the_service(image, fmt, spec, mode, mime):
    prepared = prepare_image(encode(image, fmt), spec)
    assert prepared.mime == mime
    assert decoded(prepared).mode == mode
    if fmt != prepared.mime.split("/")[1].upper():
        assert "re-encoded as" in prepared.note


def test_sixteen_bit_depth_is_scaled_not_clipped():
    prepared = prepare_image(encode(sixteen_bit_gradient(), "PNG"), QWEN)
    top, bottom = decoded(prepared).getpixel((300, 0)), decoded(prepared).getpixel((300, 599))
    assert top < 10 and 200 < bottom < 250  # 59900 / 256 = 234, not a flat 255


def test_cmyk_colours_survive_the_conversion():
    red_in_cmyk = Image.new("CMYK", (600, 600), (0, 255, 255, 0))
    red, green, blue = decoded(prepare_image(encode(red_in_cmyk, "JPEG"), QWEN)).getpixel((5, 5))
    assert red > 200 and green < 60 and blue < 60


def test_a_palette_image_with_transparency_stays_transparent_as_png():
    image = Image.new("P", (500, 500), 0)
    image.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    image.paste(1, (0, 0, 250, 500))
    second = image.copy()
    second.paste(0, (0, 0, 500, 500))
    data = encode(image, "GIF", transparency=1, save_all=True, append_images=[second], duration=100)
    prepared = prepare_image(data, QWEN)
    assert prepared.mime == "image/png"
    assert "first frame" in prepared.note
    assert decoded(prepared).getpixel((10, 10))[3] == 0


def test_an_animated_gif_is_reduced_to_its_first_frame():
    frames = [Image.new("RGB", (500, 400), colour) for colour in ((255, 0, 0), (0, 0, 255))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    prepared = prepare_image(data, QWEN, index=1)
    red, _green, blue = decoded(prepared).getpixel((10, 10))
    assert red > 240 and blue < 20
    assert getattr(decoded(prepared), "n_frames", 1) == 1
    assert prepared.note == (
        "Image 1 was reduced to its first frame and re-encoded as JPEG to fit "
        "qwen-image-2.0-pro's limits."
    )


def solid_png(width: int, height: int) -> bytes:
    return encode(Image.new("RGB", (width, height), (30, 60, 90)), "PNG")


@pytest.mark.parametrize(
    ("spec", "width", "height", "kept"),
    [
        (QWEN, 384, 384, True),
        (QWEN, 3072, 400, True),
        (QWEN, 3073, 400, False),
        (WAN, 240, 1920, True),
        (WAN, 8000, 1000, True),
        (WAN, 8001, 1001, False),
    ],
    ids=["qwen-min", "qwen-max", "qwen-max+1", "wan-min", "wan-max", "wan-max+1"],
)
def test_sides_at_the_model_limits_are_kept_and_past_them_downscaled(spec, width, height, kept):
    data = solid_png(width, height)
    prepared = prepare_image(data, spec)
    assert (prepared.data == data) is kept
    assert max(prepared.width, prepared.height) == min(max(width, height), spec.max_side)


@pytest.mark.parametrize(
    ("spec", "width", "height", "says"),
    [
        (QWEN, 383, 600, "383x600 pixels; qwen-image-2.0-pro needs at least 384"),
        (WAN, 600, 239, "600x239 pixels; wan2.7-image-pro needs at least 240"),
        (WAN, 2400, 299, "aspect ratio (2400x299) is beyond wan2.7-image-pro's limit of 1:8"),
    ],
)
def test_inputs_below_the_model_minimum_are_refused(spec, width, height, says):
    with pytest.raises(InvalidImageError, match=re.escape(says)):
        prepare_image(solid_png(width, height), spec, index=3)


def test_an_input_at_its_byte_budget_is_kept_and_one_byte_over_is_re_encoded():
    data = encode(Image.effect_noise((600, 600), 60).convert("RGB"), "PNG")
    assert prepare_image(data, QWEN, max_bytes=len(data)).data == data
    smaller = prepare_image(data, QWEN, max_bytes=len(data) - 1)
    assert smaller.mime == "image/jpeg" and len(smaller.data) < len(data)
    assert smaller.note == "The image was re-encoded as JPEG to fit qwen-image-2.0-pro's limits."


def test_a_large_photo_is_downscaled_and_says_so():
    photo = Image.effect_noise((4000, 3000), 60).convert("RGB")
    prepared = prepare_image(encode(photo, "JPEG", quality=90), QWEN, index=2)
    assert (prepared.width, prepared.height) == (3072, 2304)
    assert decoded(prepared).size == (3072, 2304)
    assert prepared.note.startswith("Image 2 was downscaled from 4000x3000 to 3072x2304")


def test_an_image_over_its_byte_share_is_shrunk_until_it_fits():
    noisy = Image.effect_noise((2000, 2000), 120).convert("RGB")
    data = encode(noisy, "PNG")
    prepared = prepare_image(data, QWEN, max_bytes=len(data) // 4)
    assert len(prepared.data) <= len(data) // 4
    assert prepared.note and "to fit" in prepared.note


def test_three_big_photos_fit_the_32_mb_body():
    photo = encode(Image.effect_noise((3000, 3000), 128).convert("RGB"), "PNG")
    assert len(photo) > 8 * 1024 * 1024
    service = FakeService()
    make_client(service).edit(**edit_args(images=[photo] * 3))
    assert len(service.posts[0].content) <= 32 * 1024 * 1024


def truncated_jpeg() -> bytes:
    data = encode(Image.effect_noise((800, 800), 80).convert("RGB"), "JPEG")
    return data[: len(data) // 2]


def bomb_png(width: int, height: int) -> bytes:
    """A PNG header claiming huge dimensions, without the pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


PILLOW_DEFAULT_LIMIT = Image.MAX_IMAGE_PIXELS


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"this is a text file", "not an image"),
        (b"", "not an image"),
        (encode(Image.new("RGB", (600, 600)), "PNG")[:60], "truncated or damaged"),
        (truncated_jpeg(), "truncated or damaged"),
        (bomb_png(100_000, 100_000), "decompression bomb"),
        (bomb_png(17_000, 16_000), "decompression bomb"),
        (encode(Image.new("RGB", (300, 800)), "PNG"), "at least 384 pixels"),
    ],
    ids=["text", "empty", "cut-in-header", "truncated", "bomb", "over-twice-limit", "too-small"],
)
def test_unusable_inputs_are_refused_before_anything_is_sent(data, says):
    service = FakeService()
    with pytest.raises(InvalidImageError, match=says):
        make_client(service).edit(**edit_args(images=[data]))
    assert service.requests == []


def test_a_bomb_is_refused_whatever_the_warning_filters_say():
    just_over = bomb_png(10_000, PILLOW_DEFAULT_LIMIT // 10_000 + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # as in production, where the warning is not an error
        with pytest.raises(InvalidImageError, match="decompression bomb"):
            prepare_image(just_over, QWEN)


def test_importing_the_client_leaves_pillows_global_limit_alone():
    check = (
        "from PIL import Image; before = Image.MAX_IMAGE_PIXELS; import client, client.images; "
        "assert Image.MAX_IMAGE_PIXELS == before, Image.MAX_IMAGE_PIXELS"
    )
    subprocess.run([sys.executable, "-c", check], check=True, cwd=ROOT)


def test_wan_refuses_an_aspect_beyond_one_to_eight():
    strip = encode(Image.new("RGB", (4000, 400)), "PNG")
    with pytest.raises(InvalidImageError, match="aspect ratio"):
        prepare_image(strip, WAN)


def test_paths_and_pil_images_are_accepted(tmp_path):
    path = tmp_path / "in.png"
    Image.new("RGB", (600, 600), (9, 9, 9)).save(path)
    assert prepare_image(str(path), QWEN).data == path.read_bytes()
    prepared = prepare_image(Image.new("RGB", (600, 600)), QWEN)
    assert prepared.mime == "image/jpeg" and prepared.note is None
    with pytest.raises(InvalidImageError, match="no such file"):
        prepare_image(str(tmp_path / "missing.png"), QWEN)
    with pytest.raises(InvalidImageError, match="https"):
        prepare_image("http://example.com/a.png", QWEN)


def test_the_app_and_cli_let_a_200_megapixel_photo_through_to_be_downscaled(monkeypatch):
    from client.images import allow_large_photos

    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", Image.MAX_IMAGE_PIXELS)  # restored afterwards
    header_only = bomb_png(14_000, 14_000)  # 196 megapixels, no pixel data
    with pytest.raises(InvalidImageError, match="decompression bomb"):
        prepare_image(header_only, QWEN)
    allow_large_photos()
    with pytest.raises(InvalidImageError) as caught:
        prepare_image(header_only, QWEN)
    assert "decompression bomb" not in str(caught.value)  # past the size check, to decoding
    with pytest.raises(InvalidImageError, match="decompression bomb"):
        prepare_image(bomb_png(17_000, 16_000), QWEN)  # 272 megapixels: still refused
