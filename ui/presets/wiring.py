"""Team presets join the editor: their panel in its slot under Run, and their endpoints.

Endpoints (answered at once, for the caller's own identity): `presets` (what the caller may
use), `preset_save` (name, template, params, team, preset_id: the preset as saved) and
`preset_delete` (a preset id). The page's own steps are private: the list is drawn when the page
loads and after every change; picking a preset shows its placeholders; Fill puts it in the
editor; Save keeps the editor's prompt and parameters as a preset.
"""

from __future__ import annotations

import gradio as gr

from ui.core.context import PageContext
from ui.core.controls import CONTROL_NAMES
from ui.core.events import AT_ONCE, QUIET, SAYS_WHY
from ui.editor.parts import EditTab
from ui.presets.handlers import PresetHandlers
from ui.presets.parts import PresetsPanel, build_presets_panel


def add_presets(ctx: PageContext, demo: gr.Blocks, tab: EditTab) -> None:
    """The panel in the editor's slot under Run, wired to the editor's controls."""
    with tab.below_run:
        panel = build_presets_panel()
    presets = PresetHandlers(ctx, tab, panel)
    wire_endpoints(demo, panel, presets)
    wire_panel(demo, panel, presets, tab)


def wire_endpoints(demo: gr.Blocks, panel: PresetsPanel, presets: PresetHandlers) -> None:
    api = panel.api
    demo.load(presets.preset_list, None, api.listing, api_name="presets", **AT_ONCE)
    saving = [panel.name, api.template, api.params, panel.team, api.preset_id]
    api.save.click(presets.preset_save, saving, api.saved, api_name="preset_save", **AT_ONCE)
    api.delete.click(
        presets.preset_delete, api.preset_id, api.said, api_name="preset_delete", **AT_ONCE
    )


def wire_panel(demo: gr.Blocks, panel: PresetsPanel, presets: PresetHandlers, tab: EditTab) -> None:
    listing = {"fn": presets.list_presets, "inputs": panel.pick, "outputs": presets.listed}
    demo.load(**listing, **QUIET)
    panel.pick.change(presets.show, panel.pick, presets.shown, show_progress="hidden", **QUIET)
    status = [panel.status]
    panel.fill.click(
        presets.fill_editor,
        {panel.pick, *panel.values},
        [*presets.filled, *status],
        **SAYS_WHY,
    )
    controls = [tab.controls[name] for name in CONTROL_NAMES]
    panel.save.click(
        presets.save_editor,
        {panel.name, panel.team, tab.images, *controls},
        [*presets.listed, *status],
        **SAYS_WHY,
    )
    panel.delete.click(presets.delete_picked, panel.pick, [*presets.listed, *status], **SAYS_WHY)
    panel.export.click(presets.export, None, [panel.exported, *status], **SAYS_WHY)
    imported = [*presets.listed, *status, panel.upload]
    panel.upload.upload(presets.import_file, panel.upload, imported, **SAYS_WHY)
