"""The editor kept across a reload, per browser: its inputs, prompt and parameters.

They live in the browser's localStorage (gr.BrowserState), never the API key (it is no control).
The controls are kept by the browser alone (KEEP_CONTROLS_JS: no request per keystroke, and no
server event whose answer would wipe the field check's message off a field, as Gradio clears an
event's inputs' messages when its answer arrives); the inputs are kept by the server, which
signs them. The browser hands back whatever it holds, so nothing it returns is trusted: a
control's value comes back only if the control takes it, and a picture only if this server can
find it again for this visitor: each picture is kept as its path signed for the visitor (HMAC
with the app's secret, so another browser's paths, or one typed into localStorage, fail the
check), and then read as the Run reads it: a run's picture through the gate's check, an upload
only inside Gradio's upload cache (emptied at each start: a kept upload does not outlive
the server).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from client import InvalidImageError
from ui.core.controls import CONTROL_NAMES
from ui.core.gallery import gallery_paths, numbered
from ui.core.picture_gate import PictureGate

STORAGE_KEY = "image-edit-playground-editor"
"""One key for every start and replica of the app: a reload finds what the page kept (the
inputs under it, the controls under it + "-controls")."""
KEPT_VERSION = 2

KEEP_CONTROLS_JS = f"""(...values) => {{
  const names = {json.dumps(list(CONTROL_NAMES))};
  const controls = Object.fromEntries(names.map((name, i) => [name, values[i]]));
  return {{version: {KEPT_VERSION}, controls}};
}}"""
"""What the browser keeps of the controls (given in CONTROL_NAMES order), with no server."""


def browser_states(secret: bytes) -> tuple[gr.BrowserState, gr.BrowserState]:
    """The browser's stores of the editor's inputs and of its controls (`secret` only scrambles
    localStorage: the same for every replica and start; the pictures' own signatures are what
    is checked)."""
    scramble = hmac.new(secret, b"editor kept in the browser", hashlib.sha256).hexdigest()[:32]
    return (
        gr.BrowserState(None, storage_key=STORAGE_KEY, secret=scramble),
        gr.BrowserState(None, storage_key=STORAGE_KEY + "-controls", secret=scramble),
    )


def signature(secret: bytes, owner_id: str, path: str) -> str:
    message = f"{owner_id}\0{path}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def kept_images(secret: bytes, owner_id: str, images: Any) -> dict[str, Any]:
    """What the browser keeps of the editor's inputs: each one's path signed for `owner_id`."""
    return {
        "version": KEPT_VERSION,
        "images": [
            {"path": path, "sig": signature(secret, owner_id, path)}
            for path in gallery_paths(images)
        ],
    }


def kept_pictures(kept: Any, secret: bytes, owner: Any, gate: PictureGate) -> list[str]:
    """The kept inputs this server still has and `owner` may use, in order."""
    pictures = kept.get("images") if isinstance(kept, dict) else None
    found = []
    for entry in pictures if isinstance(pictures, list) else []:
        path = entry.get("path") if isinstance(entry, dict) else None
        sig = entry.get("sig") if isinstance(entry, dict) else None
        if not isinstance(path, str) or not isinstance(sig, str):
            continue
        if hmac.compare_digest(sig, signature(secret, owner.id, path)) and _readable(
            path, owner, gate
        ):
            found.append(path)
    return found


def _readable(path: str, owner: Any, gate: PictureGate) -> bool:
    """A run's picture the gate lets `owner` read, or a file inside Gradio's upload cache."""
    if gate.inside(path) is not None:
        try:
            gate.readable([path], owner)
        except InvalidImageError:
            return False
        return True
    cache = Path(get_upload_folder()).resolve()
    try:
        real = Path(path).resolve()
    except (OSError, ValueError, RuntimeError):
        return False
    return real.is_relative_to(cache) and real.is_file()


def takes(component: Any, value: Any) -> bool:
    """Whether `component` can show `value` as the page itself would have set it."""
    if isinstance(component, gr.Checkbox):
        return isinstance(value, bool)
    if isinstance(component, gr.Number):
        return value is None or (isinstance(value, int | float) and not isinstance(value, bool))
    if not isinstance(value, str):
        return False
    choices = getattr(component, "choices", None)
    if choices and not getattr(component, "allow_custom_value", False):
        return value in [choice[1] if isinstance(choice, tuple) else choice for choice in choices]
    return True


def restored_controls(kept: Any, controls: dict[str, Any]) -> dict[Any, Any]:
    """{control: value} for each kept value its control takes (others stay as the page has
    them)."""
    values = kept.get("controls") if isinstance(kept, dict) else None
    if not isinstance(values, dict):
        return {}
    return {
        controls[name]: values[name]
        for name in CONTROL_NAMES
        if name in values and takes(controls[name], values[name])
    }


def restored_editor(
    images: Any, controls: Any, secret: bytes, owner: Any, gate: PictureGate, tab: Any
) -> dict[Any, Any]:
    """The editor as the browser kept it: its kept `images` and `controls` (each nothing when
    the browser kept nothing of this version)."""
    restored = restored_controls(controls, tab.controls) if _current(controls) else {}
    pictures = kept_pictures(images, secret, owner, gate) if _current(images) else []
    if pictures:
        restored[tab.images] = numbered(pictures)
    return restored


def _current(kept: Any) -> bool:
    return isinstance(kept, dict) and kept.get("version") == KEPT_VERSION
