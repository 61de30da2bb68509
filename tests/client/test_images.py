"""Inputs as users have them: rotated photos, CMYK, 16-bit, palettes, animations, huge or broken."""

import io
import struct
import zlib

import pytest
from PIL import Image

from client import InvalidImageError, model_spec
from client.images import prepare_image
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


@pytest.mark.parametrize(
    ("image", "fmt", "params", "mime"),
    [
        (Image.new("CMYK", (600, 600), (0, 255, 255, 0)), "JPEG", {}, "image/jpeg"),
        (Image.new("I;16", (600, 600), 40000), "PNG", {}, "image/jpeg"),
        (Image.new("RGBA", (600, 600), (255, 0, 0, 128)), "WEBP", {"lossless": True}, "image/png"),
    ],
    ids=["cmyk", "16-bit", "alpha"],
)
def test_unusual_modes_are_converted_for_the_service(image, fmt, params, mime):
    spec = model_spec("qwen-image-2.0-pro") if fmt != "WEBP" else WAN
    data = encode(image, fmt, **params)
    prepared = prepare_image(data, spec) if image.mode != "RGBA" else prepare_image(data, WAN)
    if prepared.data == data:
        assert image.mode == "RGBA"  # lossless WebP with alpha is accepted as it is
        return
    assert prepared.mime == mime
    assert decoded(prepared).mode in ("RGB", "L", "RGBA")


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


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"this is a text file", "not an image"),
        (truncated_jpeg(), "truncated or damaged"),
        (bomb_png(100_000, 100_000), "decompression bomb"),
        (bomb_png(17_000, 16_000), "decompression bomb"),
        (encode(Image.new("RGB", (300, 800)), "PNG"), "at least 384 pixels"),
    ],
    ids=["text", "truncated", "bomb", "just-over-limit", "too-small"],
)
def test_unusable_inputs_are_refused_before_anything_is_sent(data, says):
    service = FakeService()
    with pytest.raises(InvalidImageError, match=says):
        make_client(service).edit(**edit_args(images=[data]))
    assert service.requests == []


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
