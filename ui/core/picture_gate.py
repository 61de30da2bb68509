"""The one gate every picture of a run goes through: its addresses, the check, the bytes.

Gradio serves a file by URL (`/gradio_api/file=<path>`) to anyone who asks, and serves a path
already inside its cache as it is, without copying it or checking that it exists. So the page is
never given a run's stored file, nor a copy of one: every picture of a run (inputs, results, the
History thumbnail, the slider's aligned input, the zip, a link's view, a comparison's cells) is
handed to the components as a name inside one folder of Gradio's cache where no file is ever
written:

    <cache>/gate/run/<run id>/<kind>-<n>.<ext>              the owner's (and, shared scope, all's)
    <cache>/gate/link/<run id>/<tag of a token>/<kind>-<n>.<ext>   a link's

`PictureGateMiddleware` answers every request for such a name itself, before Gradio sees it,
working out the path exactly as Gradio's file routes do (any spelling: relative to the working
folder, `..`, `//`, an encoded `/`, a symlink). Per request it asks the database whether the run
is there and the caller may see it (the rule History's detail uses), or whether the run has a live
link of that tag, then streams the stored bytes; anything else is a 404. Only the shared database
is read, so every replica answers alike, and nothing exists to outlive the check. Inputs that come
back from the page as such names (a restored run, a result used as input) are read the same way:
`readable` gives the runner the run's stored file after the same check, never a file of the folder.
"""

from __future__ import annotations

import hashlib
import inspect
import io
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradio.utils import abspath
from PIL import Image, ImageOps
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from client import InvalidImageError
from history import HistoryStore, RunDetail, export_zip, remove_export
from history.lineage import Lineage
from ui.core.owner import Owner, visitor_from_request

GATE_FOLDER = "gate"
FILE_ROUTES = ("/gradio_api/file=", "/gradio_api/file/")
"""Gradio's routes that serve a local path (routes.py `file` and its older spelling)."""
NO_STORE = {"Cache-Control": "private, no-store"}
NOT_FOUND = (
    b"Not found: this file was deleted with its run, or its link was revoked, or it expired."
)
GONE_INPUT = (
    "it is no longer on the server: it went with a run deleted from History (or the run is not "
    "yours, or its link was revoked). Remove it and add the picture again."
)

_ID = r"[0-9A-Za-z_-]{1,64}"
_TAG = r"[0-9a-f]{32}"
_NAME = re.compile(
    r"(?P<kind>input|output|slider)-(?P<n>[1-9][0-9]{0,3})\.(?:png|jpg|jpeg|webp|gif)"
    r"|(?P<thumb>thumb)\.webp|run-(?P<zip>" + _ID + r")\.zip"
)


def tag_of(token: str) -> str:
    """A link's name in picture paths: a hash of its token, so a URL never carries the link."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Picture:
    """What a gate path names: a kind of picture of a run, through its owner or a link."""

    run_id: str
    kind: str
    """input, output, slider (the aligned input of output n), thumb or zip."""
    n: int = 0
    """1-based position among the run's inputs or outputs (0 for thumb and zip)."""
    tag: str | None = None
    """The link's tag; None for the owner's (or, in the shared scope, everyone's) view."""


def parse(relative: Path) -> Picture | None:
    """The picture a path inside the gate folder names, or None when it names nothing."""
    parts = relative.parts
    if len(parts) == 3 and parts[0] == "run":
        run_id, tag, name = parts[1], None, parts[2]
    elif len(parts) == 4 and parts[0] == "link" and re.fullmatch(_TAG, parts[2]):
        run_id, tag, name = parts[1], parts[2], parts[3]
    else:
        return None
    found = _NAME.fullmatch(name)
    if not re.fullmatch(_ID, run_id) or found is None:
        return None
    if found["thumb"]:
        return Picture(run_id, "thumb", 0, tag)
    if found["zip"] is not None:
        return Picture(run_id, "zip", 0, tag) if found["zip"] == run_id else None
    return Picture(run_id, found["kind"], int(found["n"]), tag)


def slider_of(result: str) -> str | None:
    """The name of the slider's aligned input for a result the gate named (`output-<n>.<ext>`,
    the gate makes it when asked for it); None for any other path."""
    found = _NAME.fullmatch(Path(result).name)
    if found is None or found["kind"] != "output":
        return None
    return str(Path(result).parent / f"slider-{found['n']}.jpg")


class PictureGate:
    """Names the pictures of runs inside the gate folder, and answers for them."""

    def __init__(self, store: HistoryStore, root: Path, secret: bytes, shared_scope: bool) -> None:
        self.store = store
        self.root = Path(abspath(root))
        self._real_root = self.root.resolve()
        self.secret = secret
        self.shared_scope = shared_scope

    # -- names handed to the components --------------------------------------------------------

    def _named(self, folder: Path, kind: str, paths: list[Path] | list[str]) -> list[str]:
        return [str(folder / f"{kind}-{n}{Path(p).suffix}") for n, p in enumerate(paths, start=1)]

    def run_folder(self, run_id: str) -> Path:
        return self.root / "run" / run_id

    def link_folder(self, token: str, run_id: str) -> Path:
        return self.root / "link" / run_id / tag_of(token)

    def inputs(self, run: RunDetail, token: str | None = None) -> list[str]:
        """The run's inputs, in order, as the owner's names (or a link's, given its token)."""
        return self._named(self._folder(run.id, token), "input", run.input_paths)

    def outputs(self, run_id: str, stored: list[Path] | list[str], token: str | None = None):
        """A run's results (`stored`: its stored files, in order) as names of the gate."""
        return self._named(self._folder(run_id, token), "output", stored)

    def results(self, outcome: Any) -> list[str]:
        """A run's outcome (ui/core/runs.py) as the page shows it: its results as names of the
        gate; none when it was not recorded; a spooled answer's own files until the history can
        take it (history/spool.py: they are the visitor's only copy, in an allowed folder)."""
        if getattr(outcome, "spooled", False):
            return [str(path) for path in outcome.output_paths]
        if outcome.run_id is None:
            return []
        return self.outputs(outcome.run_id, outcome.output_paths)

    def thumbnail(self, run_id: str) -> str:
        """A run's History picture (formatted, not joined as a Path: a tree names hundreds)."""
        return f"{self.root}{os.sep}run{os.sep}{run_id}{os.sep}thumb.webp"

    def zip(self, run_id: str, token: str | None = None) -> str:
        return str(self._folder(run_id, token) / f"run-{run_id}.zip")

    def _folder(self, run_id: str, token: str | None) -> Path:
        return self.run_folder(run_id) if token is None else self.link_folder(token, run_id)

    # -- which requests are the gate's ---------------------------------------------------------

    def inside(self, path: str) -> Path | None:
        """`path` made absolute exactly as Gradio does (gradio.utils.abspath), if it lies in the
        gate folder as written or once its symlinks are followed; else None."""
        try:
            absolute = abspath(path)
            written = Path(os.path.normpath("/" + str(absolute).lstrip("/")))
            if written.is_relative_to(self.root):
                return written
            real = absolute.resolve()
        except (OSError, ValueError, RuntimeError):
            return None
        return real if real.is_relative_to(self._real_root) else None

    def picture_at(self, path: str) -> Picture | None:
        found = self.inside(path)
        if found is None:
            return None
        root = self.root if found.is_relative_to(self.root) else self._real_root
        return parse(found.relative_to(root))

    def requested(self, url_path: str) -> Path | None:
        """The gate path a request asks for through any of Gradio's file routes, or None."""
        for route in FILE_ROUTES:
            start = url_path.find(route)
            while start != -1:
                found = self.inside(url_path[start + len(route) :])
                if found is not None:
                    return found
                start = url_path.find(route, start + 1)
        return None

    # -- the check -----------------------------------------------------------------------------

    def visible_filter(self, picture: Picture, owner: Owner | None) -> tuple[bool, str | None]:
        """(may the caller see the run at all, the store's owner filter to read it with)."""
        if picture.tag is not None:
            tokens = self.store.share_tokens(picture.run_id)
            return any(tag_of(token) == picture.tag for token in tokens), None
        if owner is None:
            return False, None
        return True, None if self.shared_scope else owner.id

    def stored_file(self, picture: Picture, owner: Owner | None) -> Path | None:
        """The stored file behind an input, output or thumbnail the caller may see, else None."""
        allowed, owner_filter = self.visible_filter(picture, owner)
        if not allowed:
            return None
        if picture.kind == "thumb":
            return self.store.run_thumbnail(owner_filter, picture.run_id)
        if picture.kind in ("input", "output"):
            return self.store.run_image(owner_filter, picture.run_id, picture.kind, picture.n - 1)
        return None

    def readable(self, paths: list[str], owner: Owner) -> list[str]:
        """The files the runner reads for the editor's inputs: a gate picture as its run's
        stored file once `owner` may see it (raises InvalidImageError naming the position
        otherwise), any other path (the visitor's uploads) as it is."""
        files = []
        for position, path in enumerate(paths, start=1):
            if self.inside(path) is None:
                files.append(path)
                continue
            picture = self.picture_at(path)
            stored = self.stored_file(picture, owner) if picture else None
            if picture is None or picture.kind not in ("input", "output") or stored is None:
                raise InvalidImageError(GONE_INPUT, position)
            files.append(str(stored))
        return files

    def lineage_of(self, paths: list[str], owner: Owner) -> Lineage | None:
        """Where an edit of these inputs continues, read from input 1, which carries the
        lineage: one of `owner`'s results (Continue editing) is that run and result; an input of
        one of their runs that continued another (Restore, Run again) is that run's own parent,
        so a run again is a sibling. Anything else (an upload, a link's picture) starts a tree."""
        picture = self.picture_at(paths[0]) if paths else None
        if picture is None or picture.tag is not None or picture.kind not in ("input", "output"):
            return None
        visible, filter_owner = self.visible_filter(picture, owner)
        run = self.store.get_run(filter_owner, picture.run_id) if visible else None
        if run is None:
            return None
        if picture.kind == "output":
            return Lineage(run.id, picture.n)
        if picture.n == 1 and run.parent:
            return Lineage(run.parent, run.result_index or 1)
        return None

    # -- the answer ----------------------------------------------------------------------------

    def answer(self, path: Path, owner: Owner | None) -> Response:
        """The response to `owner` (None: nobody known) asking for `path`, in the gate folder."""
        root = self.root if path.is_relative_to(self.root) else self._real_root
        picture = parse(path.relative_to(root))
        response = self._serve(picture, owner) if picture else None
        return response or Response(NOT_FOUND, 404, media_type="text/plain; charset=utf-8")

    def _serve(self, picture: Picture, owner: Owner | None) -> Response | None:
        if picture.kind in ("input", "output", "thumb"):
            stored = self.stored_file(picture, owner)
            if stored is None or not stored.is_file():
                return None
            kind = mimetypes.guess_type(stored.name)[0] or "application/octet-stream"
            return FileResponse(stored, media_type=kind, headers=NO_STORE)
        allowed, owner_filter = self.visible_filter(picture, owner)
        run = self.store.get_run(owner_filter, picture.run_id) if allowed else None
        if run is None:
            return None
        if picture.kind == "slider":
            return _slider(run, picture.n)
        archive = export_zip(run)
        return FileResponse(
            archive,
            media_type="application/zip",
            filename=archive.name,
            headers=NO_STORE,
            background=BackgroundTask(remove_export, archive),
        )


def _slider(run: RunDetail, n: int) -> Response | None:
    """The last input (whose aspect the models follow) cut to result `n`'s frame."""
    if not run.input_paths or not 1 <= n <= len(run.output_paths):
        return None
    try:
        data = aligned_jpeg(run.input_paths[-1], run.output_paths[n - 1])
    except OSError:
        return None
    return Response(data, media_type="image/jpeg", headers=NO_STORE)


def aligned_jpeg(source: Path, result: Path) -> bytes:
    """`source` scaled and centre-cut to exactly `result`'s size (what a model following the
    output size does to it), as a JPEG: a 4:3 input beside a square result leaves no strip.
    A transparent input shows its transparency on a checkerboard (a JPEG has no alpha: it
    would turn black)."""
    with Image.open(result) as finished:
        size = finished.size
    with Image.open(source) as image:
        image.draft("RGB", size)
        upright = ImageOps.exif_transpose(image)
        transparent = upright.mode in ("RGBA", "LA", "PA") or "transparency" in upright.info
        fitted = ImageOps.fit(upright.convert("RGBA" if transparent else "RGB"), size)
    if transparent:
        fitted = Image.alpha_composite(checkerboard(size), fitted).convert("RGB")
    encoded = io.BytesIO()
    fitted.save(encoded, "JPEG", quality=88)
    return encoded.getvalue()


CHECKER_COLOURS = ((255, 255, 255, 255), (214, 214, 214, 255))
"""Light greys, as image editors show transparency: readable on a light or a dark page."""


def checkerboard(size: tuple[int, int]) -> Image.Image:
    """An RGBA checkerboard of `size` whose squares stay about 1/40 of the longer side."""
    square = max(8, max(size) // 40)
    tile = Image.new("RGBA", (2 * square, 2 * square), CHECKER_COLOURS[0])
    tile.paste(CHECKER_COLOURS[1], (square, 0, 2 * square, square))
    tile.paste(CHECKER_COLOURS[1], (0, square, square, 2 * square))
    board = Image.new("RGBA", size)
    for top in range(0, size[1], tile.height):
        for left in range(0, size[0], tile.width):
            board.paste(tile, (left, top))
    return board


async def caller(scope: dict, secret: bytes) -> Owner | None:
    """Who sends the request, as the page's handlers see them (owner.py resolve_owner): the
    Gradio login when APP_AUTH is on (None when not logged in), else the signed cookie's visitor
    (None without one)."""
    request = Request(scope)
    app = scope.get("app")
    if getattr(app, "auth", None) is not None or getattr(app, "auth_dependency", None):
        user = await _login(app, request)
        return Owner(f"user:{user}", str(user)) if user else None
    visitor = visitor_from_request(request, secret)
    return Owner(f"anon:{visitor}") if visitor else None


async def _login(app: Any, request: Request) -> str | None:
    """The user Gradio's own login check finds (routes.py get_current_user)."""
    if getattr(app, "auth_dependency", None) is not None:
        user = app.auth_dependency(request)
        return await user if inspect.isawaitable(user) else user
    cookie_id = getattr(app, "cookie_id", "")
    token = request.cookies.get(f"access-token-{cookie_id}") or request.cookies.get(
        f"access-token-unsecure-{cookie_id}"
    )
    return getattr(app, "tokens", {}).get(token)


class PictureGateMiddleware:
    """Pure ASGI: a request through Gradio's file routes for a path in the gate folder is
    answered here (the picture, or 404) and never reaches Gradio."""

    def __init__(self, app: Any, gate: PictureGate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = self.gate.requested(scope.get("path", "")) if scope["type"] == "http" else None
        if path is None:
            await self.app(scope, receive, send)
            return
        owner = await caller(scope, self.gate.secret)
        response = await run_in_threadpool(self.gate.answer, path, owner)
        await response(scope, receive, send)
