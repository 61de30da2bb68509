"""The files a shared link shows: copies of the link's own, which answer only while it is live.

Gradio serves a file through a copy in its cache, at a URL that needs no cookie. A link's view
therefore gets copies of its own, in `<cache>/shared/<tag of the token>/`: Gradio serves files
already in its cache as they are. Revoking the link (or deleting its run) removes that folder
and nothing the owner's own views use, and no later view of the run brings those URLs back.
On every request for one of them, `SharedFileMiddleware` asks the database whether the link is
still live, so a link revoked on another replica, or ended by a cap evicting its run, stops
serving at once too. The folder's name is a hash of the token, so image URLs never carry the
link itself; the cache is emptied at every start (served_files.py), so every folder in it was
made by this process, which remembers its token.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gradio.utils import get_upload_folder
from starlette.concurrency import run_in_threadpool

from history import RunDetail
from history.export import image_names
from ui.core.served_files import ZIP_GRACE_S, answer_not_found, served_file

SHARED_FOLDER = "shared"


def tag_of(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:32]


class ShareCopies:
    """Makes, finds and removes the copies that links' views serve."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens: dict[str, str] = {}

    @staticmethod
    def root() -> Path:
        return Path(get_upload_folder()) / SHARED_FOLDER

    def _folder(self, token: str) -> Path:
        tag = tag_of(token)
        with self._lock:
            self._tokens[tag] = token
        folder = self.root() / tag
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return folder

    def token_of(self, tag: str) -> str | None:
        with self._lock:
            return self._tokens.get(tag)

    def serve(self, token: str, run: RunDetail) -> tuple[list[str], list[str]]:
        """The run's inputs and results as this link's copies (made once, then reused)."""
        folder = self._folder(token)
        served: dict[str, list[str]] = {}
        for role, paths in (("input", run.input_paths), ("output", run.output_paths)):
            names = [Path(name).name for name in image_names(role, paths)]
            pairs = zip(paths, names, strict=True)
            served[role] = [_copy(path, folder / name) for path, name in pairs]
        return served["input"], served["output"]

    def serve_zip(self, token: str, archive: str | Path) -> str:
        """Moves a zip of the link's run into its folder; it goes after a short grace period,
        or with the link."""
        target = self._folder(token) / Path(archive).name
        shutil.move(str(archive), target)
        timer = threading.Timer(ZIP_GRACE_S, target.unlink, kwargs={"missing_ok": True})
        timer.daemon = True
        timer.start()
        return str(target)

    def ended(self, tokens: Iterable[str]) -> None:
        """Removes the copies of links that were revoked or went with their run."""
        for token in tokens:
            self._forget(tag_of(token))

    def _forget(self, tag: str) -> None:
        with self._lock:
            self._tokens.pop(tag, None)
        shutil.rmtree(self.root() / tag, ignore_errors=True)

    def tag_in(self, path: str) -> str | None:
        """The link's tag when a URL path asks for one of the links' copies, else None."""
        file = served_file(path)
        root = self.root().resolve()
        if file is None or not file.is_relative_to(root) or file == root:
            return None
        return file.relative_to(root).parts[0]

    def is_live(self, tag: str, live: Callable[[str], bool]) -> bool:
        """Whether the link of `tag` is still live (`live(token)` asks the store); a dead
        link's copies are removed on the way."""
        token = self.token_of(tag)
        if token is not None and live(token):
            return True
        self._forget(tag)
        return False


def _copy(source: Path, target: Path) -> str:
    """`target` as a copy of `source`, written whole before it appears (a copy already there is
    the same image: its name is its role and place in the run, its folder the link's)."""
    if not target.is_file():
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as staging:
            temporary = Path(staging.name)
        try:
            shutil.copyfile(source, temporary)
            temporary.replace(target)
        finally:
            temporary.unlink(missing_ok=True)
    return str(target)


class SharedFileMiddleware:
    """Pure ASGI: a URL of a link's copies answers 404 unless the database says the link is
    still live (one lookup by primary key, off the event loop)."""

    def __init__(self, app: Any, copies: ShareCopies, live: Callable[[str], bool]) -> None:
        self.app = app
        self.copies = copies
        self.live = live

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        tag = self.copies.tag_in(scope.get("path", "")) if scope["type"] == "http" else None
        if tag is not None and not await run_in_threadpool(self.copies.is_live, tag, self.live):
            await answer_not_found(send)
            return
        await self.app(scope, receive, send)
