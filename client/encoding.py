"""How a request travels, built from one set of fields: two encodings and two JSON shapes.

Flat JSON (the seed's shape, the safe default): `image` is a string for one input and an array
for several, each a data URI or an https URL. Multipart (flat only): one file part named `image`
per input (URLs as form fields of the same name), other fields as strings, booleans as
`true`/`false`, `extra` as a JSON string. Messages JSON (the gateway's newer pages):
`input.messages[0].content` holds one `{"image": ...}` item per input, then one `{"text": prompt}`;
the other fields stay at the top level, and since that shape takes no top-level `parameters`,
`extra.input` joins `input` and `extra.parameters` joins the top level (never over a field).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import ValidationError
from .images import PreparedImage
from .limit_texts import megabytes
from .models import MB, REQUEST_BODY_MAX_BYTES


@dataclass(frozen=True)
class EncodedBody:
    """Keyword arguments for `httpx2.Client.send`, and the body size checked against the cap."""

    kwargs: dict[str, Any]
    size: int


def encode_json(fields: dict[str, Any], images: Sequence[PreparedImage]) -> EncodedBody:
    slots = _Slots(images)
    return _json_body({**fields, "image": slots[0] if len(slots) == 1 else list(slots)}, slots)


def encode_messages(fields: dict[str, Any], images: Sequence[PreparedImage]) -> EncodedBody:
    body = {name: value for name, value in fields.items() if name not in ("prompt", "extra")}
    extra = fields.get("extra") or {}
    slots = _Slots(images)
    content = [{"image": slot} for slot in slots] + [{"text": fields["prompt"]}]
    body["input"] = {**extra.get("input", {}), "messages": [{"role": "user", "content": content}]}
    for name, value in extra.get("parameters", {}).items():
        body.setdefault(name, value)
    return _json_body(body, slots)


class _Slots(list):
    """One JSON string per image: an https URL as it is, and for bytes a placeholder that
    `spliced` replaces with the image's data URI, base64-encoded once when it was prepared (a
    data URI needs no JSON escaping), so the megabytes of base64 are neither encoded again nor
    scanned by `json.dumps`. The placeholders carry a random nonce: a prompt cannot name them."""

    def __init__(self, images: Sequence[PreparedImage]) -> None:
        nonce = secrets.token_hex(16)
        self.uris: dict[bytes, bytes] = {}
        for position, image in enumerate(images):
            if image.url is not None or image.data is None:
                self.append(image.data_uri)
                continue
            placeholder = f"image-{position}-{nonce}"
            self.uris[f'"{placeholder}"'.encode("ascii")] = image.data_uri_bytes
            self.append(placeholder)

    def spliced(self, body: bytes) -> bytes:
        """`body` with each quoted placeholder replaced by its quoted data URI: the bytes
        `json.dumps` would have made of the data URIs themselves."""
        found = sorted((body.find(quoted), quoted) for quoted in self.uris)
        if any(start < 0 for start, _quoted in found):
            raise AssertionError("an image placeholder is missing from the body")
        pieces, done = [], 0
        for start, quoted in found:
            pieces += [body[done:start], b'"', self.uris[quoted], b'"']
            done = start + len(quoted)
        pieces.append(body[done:])
        return b"".join(pieces)


def _json_body(body: dict[str, Any], slots: _Slots) -> EncodedBody:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    content = slots.spliced(text)
    _check_size(len(content))
    return EncodedBody(
        {"content": content, "headers": {"content-type": "application/json"}}, len(content)
    )


def encode_multipart(fields: dict[str, Any], images: Sequence[PreparedImage]) -> EncodedBody:
    data: dict[str, Any] = {name: _form_value(value) for name, value in fields.items()}
    urls = [image.url for image in images if image.url is not None]
    if urls:
        data["image"] = urls
    files = [
        ("image", (f"image-{position}.{image.filename.rsplit('.', 1)[1]}", image.data, image.mime))
        for position, image in enumerate(images, start=1)
        if image.data is not None
    ]
    size = sum(len(image.data or b"") for image in images) + sum(len(str(v)) for v in data.values())
    _check_size(size)
    return EncodedBody({"data": data, "files": files}, size)


def _form_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):  # `extra`, `bbox_list`: JSON text
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _check_size(size: int) -> None:
    if size > REQUEST_BODY_MAX_BYTES:
        raise ValidationError(
            "images",
            f"at most {megabytes(REQUEST_BODY_MAX_BYTES)} for the whole request",
            size,
            f"The request would be {size / MB:.1f} MB, over the service's "
            f"{megabytes(REQUEST_BODY_MAX_BYTES)} limit. "
            "Use fewer or smaller images.",
        )


ENCODERS = {
    ("json", "flat"): encode_json,
    ("json", "messages"): encode_messages,
    ("multipart", "flat"): encode_multipart,
}
"""(encoding, wire format) → encoder; multipart has no messages shape (validation refuses it)."""


def encode(
    fields: dict[str, Any], images: Sequence[PreparedImage], encoding: str, wire_format: str
) -> EncodedBody:
    return ENCODERS[encoding, wire_format](fields, images)
