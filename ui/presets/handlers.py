"""Handlers of team presets: the panel's (pick, fill the editor, save the editor, delete, export,
import) and the endpoints' (`/presets`, `/preset_save`, `/preset_delete`).

Each acts for whoever sends the request (the signed visitor cookie, the login, or a token's
identity), never for an argument: a caller lists what they may see (their own, the team's, all
in the shared scope, and the built-in examples) and saves or deletes their own only. The page's
refusals are toasts that change nothing (ui/core/events.refused); the endpoints' are gr.Error.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from pathlib import Path
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from client import EditParams, ValidationError
from history import Preset, PresetRefused
from history.presets import check_draft, editor_params, export_json, fill
from ui.core.client_words import error_text
from ui.core.context import PageContext
from ui.core.controls import CONTROL_NAMES, page_values, params_from_page
from ui.core.events import refused
from ui.core.owner import Owner
from ui.core.texts import say
from ui.editor.parts import EditTab
from ui.presets.parts import PresetsPanel

HELPERS_OF = {"model": ("custom_model",), "size": ("width", "height"), "seed": ("randomize_seed",)}
"""The editor's helper controls that show a parameter with it (ui/core/controls.page_values)."""
EXPORT_FOLDER = "presets"
EXPORT_NAME = "presets.json"


def maker_key(owner: str) -> str:
    """Tells makers without a login apart without showing their id (it names their history)."""
    return hashlib.sha256(owner.encode("utf-8")).hexdigest()[:6]


def read_json_text(text: str) -> Any:
    """`params` given as JSON text (a script's choice); raises PresetRefused("bad_json")."""
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError as error:
        raise PresetRefused("bad_json", detail=str(error)[:120]) from None


def refusal(request: Any, error: PresetRefused) -> str:
    """A refusal in the visitor's words, naming the preset of a file it is about."""
    values = dict(error.values)
    if "expected" in values:  # JSON types, "|" between
        kinds = [say(request, f"preset_type_{kind}") for kind in values["expected"].split("|")]
        values["expected"] = say(request, "preset_or").join(kinds)
    words = say(request, f"preset_{error.reason}", **values)
    if error.number is None:
        return words
    return say(request, "preset_in_file", number=error.number, words=words)


MARKDOWN_MARKS = re.compile(r"([\\`*_\[\]<>#|~])")


def _plain(text: str) -> str:
    """Text of a preset (maybe another person's) shown as itself in Markdown, never as marks."""
    return MARKDOWN_MARKS.sub(r"\\\1", text)


def _placeholder_field(name: str | None) -> dict[str, Any]:
    """A placeholder's field, named after it (its name is the preset's, not page text)."""
    return gr.update(visible=name is not None, label=name, value="")


class PresetHandlers:
    """The panel's and the endpoints' handlers, bound to the page's context, the editor's tab
    (whose controls a preset fills and is saved from) and the panel."""

    def __init__(self, ctx: PageContext, tab: EditTab, panel: PresetsPanel) -> None:
        self.ctx, self.tab, self.panel = ctx, tab, panel
        self.listed = [panel.pick]
        self.shown = [panel.about, *panel.values, panel.delete, panel.name, panel.team]
        self.filled = [tab.controls[name] for name in CONTROL_NAMES]

    def _visible(self, owner: Owner) -> list[Preset]:
        return self.ctx.store.presets_for(owner.id, everyone=self.ctx.shared_history)

    def _find(self, owner: Owner, preset_id: Any) -> Preset | None:
        return next((p for p in self._visible(owner) if p.id == preset_id), None)

    def made_by(self, preset: Preset, owner: Owner, request: Any) -> str:
        if preset.builtin:
            return say(request, "preset_by_examples")
        if preset.owner == owner.id:
            return say(request, "preset_by_you")
        return preset.owner_label or say(request, "preset_by_visitor", mark=maker_key(preset.owner))

    def as_data(self, preset: Preset, owner: Owner, request: Any) -> dict[str, Any]:
        """A preset as the API gives it."""
        return {
            "id": preset.id,
            "name": preset.name,
            "template": preset.template,
            "placeholders": preset.placeholders,
            "params": dict(preset.params),
            "team": preset.team,
            "made_by": self.made_by(preset, owner, request),
            "mine": preset.owner == owner.id,
            "builtin": preset.builtin,
            "created_at": preset.created_at,
            "updated_at": preset.updated_at,
        }

    # -- the endpoints ----------------------------------------------------------------------

    def preset_list(self, request: gr.Request) -> list[dict[str, Any]]:
        """The presets the caller may use: their own, the team's (everyone's in the shared
        scope), then the built-in examples; each with its placeholders and who made it."""
        owner = self.ctx.owner(request)
        return [self.as_data(preset, owner, request) for preset in self._visible(owner)]

    def preset_save(
        self, name: str, template: str, params: Any, team: bool, preset_id: str, request: gr.Request
    ) -> dict[str, Any]:
        """Saves a preset of the caller's: `name`, a prompt `template` with {placeholders},
        `params` (any edit parameter but prompt and bbox_list, as an object), `team` (everyone
        sees it); over `preset_id` (one of theirs) when given, else over their preset of the
        same name. Returns the preset as saved."""
        owner = self.ctx.owner(request)
        try:
            if isinstance(params, str):
                params = read_json_text(params)
            draft = {"name": name, "template": template, "params": params or {}, "team": bool(team)}
            saved = self.ctx.store.save_preset(
                owner.id, owner.label, check_draft(draft), (preset_id or "").strip()
            )
        except PresetRefused as error:
            raise gr.Error(refusal(request, error)) from None
        return self.as_data(saved, owner, request)

    def preset_delete(self, preset_id: str, request: gr.Request) -> str:
        """Deletes one of the caller's presets by its id (another's, or a built-in, is refused)."""
        owner = self.ctx.owner(request)
        try:
            self.ctx.store.delete_preset(owner.id, (preset_id or "").strip())
        except PresetRefused as error:
            raise gr.Error(refusal(request, error)) from None
        return say(request, "preset_deleted")

    # -- the panel ----------------------------------------------------------------------------

    def list_presets(self, picked: Any, request: gr.Request) -> dict[Any, Any]:
        """The dropdown: each preset by name and maker; the picked one stays picked if it is
        still there."""
        owner = self.ctx.owner(request)
        presets = self._visible(owner)
        choices = [(self._choice(p, owner, request), p.id) for p in presets]
        value = picked if any(p.id == picked for p in presets) else None
        return {self.panel.pick: gr.update(choices=choices, value=value)}

    def _choice(self, preset: Preset, owner: Owner, request: Any) -> str:
        team = (
            f" · {say(request, 'preset_team_mark')}" if preset.team and not preset.builtin else ""
        )
        return f"{preset.name} · {self.made_by(preset, owner, request)}{team}"

    def show(self, picked: Any, request: gr.Request) -> dict[Any, Any]:
        """The picked preset: its description, a field per placeholder, Delete if it is the
        visitor's own (whose name and team then fill the save form, to edit it)."""
        owner = self.ctx.owner(request)
        preset = self._find(owner, picked)
        names = preset.placeholders if preset else []
        fields = {
            box: _placeholder_field(names[index] if index < len(names) else None)
            for index, box in enumerate(self.panel.values)
        }
        mine = preset is not None and preset.owner == owner.id
        shown = {**fields, self.panel.about: self._about(preset, owner, request)}
        shown[self.panel.delete] = gr.update(visible=mine)
        if mine:
            shown.update({self.panel.name: preset.name, self.panel.team: preset.team})
        return shown

    def _about(self, preset: Preset | None, owner: Owner, request: Any) -> str:
        if preset is None:
            return ""
        settings = ", ".join(
            f"`{name}={json.dumps(value, ensure_ascii=False)}`"
            for name, value in preset.params.items()
        )
        whose = say(request, "preset_team_mark" if preset.team else "preset_private_mark")
        return say(
            request,
            "preset_about",
            maker=self.made_by(preset, owner, request),
            whose=whose,
            template=_plain(preset.template),
            settings=settings or "—",
        )

    def fill_editor(self, page: dict[Any, Any], request: gr.Request) -> dict[Any, Any]:
        """The editor's prompt (the template, its placeholders filled from `page`'s fields) and
        the preset's parameters; the editor's other settings stay as they were."""
        owner = self.ctx.owner(request)
        preset = self._find(owner, page[self.panel.pick])
        if preset is None:
            return refused(say(request, "preset_pick_first"))
        values = [page[box] for box in self.panel.values]
        given = dict(zip(preset.placeholders, values, strict=False))
        try:
            prompt = fill(preset.template, given)
        except PresetRefused as error:
            return refused(refusal(request, error))
        shown = page_values(EditParams.from_dict({**preset.params, "prompt": prompt}))
        names = ["prompt", *preset.params]
        names += [helper for name in preset.params for helper in HELPERS_OF.get(name, ())]
        filled = {self.tab.controls[name]: shown[name] for name in names}
        return {**filled, self.panel.status: say(request, "preset_filled", name=preset.name)}

    def save_editor(self, page: dict[Any, Any], request: gr.Request) -> dict[Any, Any]:
        """The editor's prompt (as the template) and parameters saved as the visitor's preset
        named in the form (over their preset of that name)."""
        owner = self.ctx.owner(request)
        values = {name: page[self.tab.controls[name]] for name in CONTROL_NAMES}
        name, team = page[self.panel.name], page[self.panel.team]
        try:
            files = self.ctx.input_files(page[self.tab.images], request)
            params = params_from_page(values, files)
        except ValidationError as error:
            return refused(error_text(error, request))
        kept = editor_params(params, params_from_page(page_values(EditParams()), []))
        draft = {"name": name or "", "template": params.prompt, "params": kept, "team": bool(team)}
        try:
            saved = self.ctx.store.save_preset(owner.id, owner.label, check_draft(draft))
        except PresetRefused as error:
            return refused(refusal(request, error))
        listed = self.list_presets(saved.id, request)
        return {**listed, self.panel.status: say(request, "preset_saved", name=saved.name)}

    def delete_picked(self, picked: Any, request: gr.Request) -> dict[Any, Any]:
        owner = self.ctx.owner(request)
        try:
            self.ctx.store.delete_preset(owner.id, str(picked or ""))
        except PresetRefused as error:
            return refused(refusal(request, error))
        return {
            **self.list_presets(None, request),
            self.panel.status: say(request, "preset_deleted"),
        }

    def export(self, request: gr.Request) -> dict[Any, Any]:
        """The visitor's presets and the team's (not the built-in ones) as a JSON file."""
        presets = [p for p in self._visible(self.ctx.owner(request)) if not p.builtin]
        if not presets:
            return refused(say(request, "preset_nothing_to_export"))
        folder = Path(get_upload_folder()) / EXPORT_FOLDER / secrets.token_hex(16)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / EXPORT_NAME
        path.write_text(export_json(presets), encoding="utf-8")
        words = say(request, "preset_exported", count=len(presets))
        shown = gr.update(value=str(path), visible=True)
        return {self.panel.exported: shown, self.panel.status: words}

    def import_file(self, upload: Any, request: gr.Request) -> dict[Any, Any]:
        """Every preset of an exported file saved as the visitor's, all or none."""
        owner = self.ctx.owner(request)
        if not upload:
            return {}
        try:
            text = Path(str(upload)).read_bytes()
            imported = self.ctx.store.import_presets(owner.id, owner.label, text)
        except PresetRefused as error:
            return refused(refusal(request, error))
        except OSError:
            return refused(say(request, "preset_bad_json", detail=""))
        listed = self.list_presets(imported[0].id if imported else None, request)
        words = say(request, "preset_imported", count=len(imported))
        return {**listed, self.panel.status: words, self.panel.upload: None}
