"""An MCP caller's pictures as the files the runner reads, and a run's results as MCP images.

An agent names each input as text: a `data:` URI, an `https://` URL, or the address Gradio's
upload tool (`gradio upload-mcp`) returns for a file it uploaded (`.../gradio_api/file=<path>`).
A data URI is written into Gradio's upload folder, as an upload would be; an uploaded file is
read where it lies, and only inside that folder (a run's picture there passes the picture gate's
check, as in the editor); a URL is fetched by the client, which refuses what it refuses for
result links (anything but https to a public address, or the API's own origin), so the app is
never a door into its own network. Every refusal names the image by its position.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from gradio.utils import get_upload_folder
from mcp import types

from client import ImageEditError, InvalidImageError
from ui.core.config import MAX_FILE_SIZE, UPLOAD_MAX_BYTES
from ui.core.context import PageContext
from ui.core.gallery import gallery_paths

MCP_FOLDER = "mcp-inputs"
"""Where data URIs and fetched URLs are written, inside Gradio's upload folder."""
UPLOADED = "/gradio_api/file="
FORMS = (
    "an https:// URL, a data:image/...;base64,... URI, or the address the "
    "upload_file_to_gradio tool returns for a local file"
)
"""The forms an image may take, as the tools describe them and a refusal repeats them."""


def input_files(ctx: PageContext, sources: Any, request: Any) -> list[str]:
    """The files behind `sources`, in order, that the sender of `request` may read; raises
    InvalidImageError naming the first image that cannot be used."""
    if not isinstance(sources, list) or not all(isinstance(item, str) for item in sources):
        raise InvalidImageError(f"images must be a list of strings, each {FORMS}.")
    numbered = enumerate(sources, start=1)
    files = [_file_of(ctx, source.strip(), position) for position, source in numbered]
    return ctx.input_files(files, request)


def _file_of(ctx: PageContext, source: str, position: int) -> str:
    if source.startswith("data:"):
        return _saved(_decoded(source, position), _suffix_of(source))
    if UPLOADED in source:
        return _uploaded(source, position)
    if source.startswith(("https://", "http://")):
        try:
            body = ctx.backend.client.fetch_image(source)
        except ImageEditError as error:
            raise InvalidImageError(f"{source} could not be used: {error}", position) from None
        return _saved(body, Path(urlsplit(source).path).suffix)
    raise InvalidImageError(f"not an image this tool reads; give {FORMS}.", position)


def _decoded(source: str, position: int) -> bytes:
    header, comma, data = source.partition(",")
    if not comma or not header.endswith(";base64") or not header.startswith("data:image/"):
        raise InvalidImageError("a data URI must look like data:image/png;base64,....", position)
    if len(data) * 3 // 4 > UPLOAD_MAX_BYTES:
        raise InvalidImageError(f"larger than {MAX_FILE_SIZE}; send a smaller picture.", position)
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidImageError("its data URI is not valid base64.", position) from None


def _suffix_of(data_uri: str) -> str:
    kind = data_uri[len("data:") :].split(";", 1)[0]
    return mimetypes.guess_extension(kind) or ".png"


def _saved(body: bytes, suffix: str) -> str:
    """`body` as a file in the upload folder, named after its content (written once)."""
    digest = hashlib.sha256(body).hexdigest()[:32]
    folder = Path(get_upload_folder()) / MCP_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}{suffix.lower()[:6] or '.png'}"
    if not path.exists():
        partial = path.with_suffix(path.suffix + ".partial")
        partial.write_bytes(body)
        partial.replace(path)
    return str(path)


def _uploaded(source: str, position: int) -> str:
    """The file Gradio's upload tool put in the upload folder; nothing outside it."""
    named = Path(unquote(source.split(UPLOADED, 1)[1].split("?", 1)[0]))
    folder = Path(get_upload_folder()).resolve()
    path = named.resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise InvalidImageError(
            "no file uploaded to this app has that address; upload it again.", position
        )
    return str(path)


def image_contents(ctx: PageContext, pictures: Any, owner: Any) -> list[types.ImageContent]:
    """A run's pictures (a gallery's value of gate addresses) as MCP images, read from the
    history's own files for `owner`."""
    contents = []
    for path in ctx.gate.readable(gallery_paths(pictures), owner):
        kind = mimetypes.guess_type(path)[0] or "image/png"
        data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
        contents.append(types.ImageContent(type="image", data=data, mimeType=kind))
    return contents
