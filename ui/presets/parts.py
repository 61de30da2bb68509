"""The Presets panel, in the editor's slot under Run: pick a preset, fill in its placeholders,
fill the editor; save the editor as a preset (mine, or the team's); delete my own; export and
import them as JSON. Also the hidden parts the API's `/presets`, `/preset_save` and
`/preset_delete` read and answer with. Wired in ui/presets/wiring.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from history.presets import MAX_PLACEHOLDERS, NAME_MAX_CHARS
from ui.core.texts import label


@dataclass
class PresetsPanel:
    pick: gr.Dropdown
    """Every preset the visitor sees, by name and maker; its value is the preset's id."""
    about: gr.Markdown
    """The picked preset: who made it, whom it shows to, its template and parameters."""
    values: list[gr.Textbox]
    """One field per placeholder of the picked preset (MAX_PLACEHOLDERS, the unused hidden)."""
    fill: gr.Button
    delete: gr.Button
    """Shown for the visitor's own preset only."""
    status: gr.Markdown
    name: gr.Textbox
    team: gr.Checkbox
    save: gr.Button
    export: gr.Button
    exported: gr.File
    upload: gr.File
    """Where a presets file is dropped to import it."""
    api: PresetsApi


@dataclass
class PresetsApi:
    """Hidden parts the endpoints take and give (their labels name them to gradio_client)."""

    listing: gr.JSON
    template: gr.Textbox
    params: gr.JSON
    preset_id: gr.Textbox
    saved: gr.JSON
    save: gr.Button
    delete: gr.Button
    said: gr.Markdown


def build_presets_panel() -> PresetsPanel:
    """Top to bottom as it is used: pick, fill in the placeholders, Fill (or Delete your own);
    then Save the editor as a preset; then the JSON file's Export and Import."""
    with gr.Accordion(label("presets_title"), open=False, elem_id="presets"):
        pick = gr.Dropdown(
            label=label("preset_pick"), choices=[], value=None, elem_id="preset-pick"
        )
        about = gr.Markdown(elem_id="preset-about")
        with gr.Row(elem_id="preset-values"):
            values = [
                gr.Textbox(visible=False, min_width=140, elem_id=f"preset-value-{number}")
                for number in range(1, MAX_PLACEHOLDERS + 1)
            ]
        with gr.Row(equal_height=True):
            fill = gr.Button(label("preset_fill"), variant="primary", elem_id="preset-fill")
            delete = gr.Button(
                label("preset_delete"), variant="stop", visible=False, elem_id="preset-delete"
            )
        status = gr.Markdown(elem_id="preset-status")
        with gr.Row(equal_height=True):
            name = gr.Textbox(
                label=label("preset_name"),
                placeholder=label("preset_name_placeholder"),
                max_length=NAME_MAX_CHARS,
                scale=3,
                min_width=200,
                elem_id="preset-name",
            )
            save = gr.Button(label("preset_save"), scale=0, min_width=150, elem_id="preset-save")
        team = gr.Checkbox(label=label("preset_team"), elem_id="preset-team")
        with gr.Row(equal_height=True, elem_id="preset-tools"):
            export = gr.Button(
                label("preset_export"), scale=0, min_width=150, elem_id="preset-export"
            )
            # a File, not an UploadButton: a component type of its own is a script every
            # first visit downloads (tests/browser/test_page_weight.py)
            upload = gr.File(
                label=label("preset_import"),
                file_types=[".json"],
                type="filepath",
                height=90,
                min_width=200,
                elem_id="preset-import",
            )
        exported = gr.File(label=label("preset_file"), visible=False, elem_id="preset-file")
        api = _build_api_parts()
    return PresetsPanel(
        pick, about, values, fill, delete, status, name, team, save, export, exported, upload, api
    )


def _build_api_parts() -> PresetsApi:
    return PresetsApi(
        listing=gr.JSON(label="presets", visible=False),
        template=gr.Textbox(label="template", visible=False),
        params=gr.JSON(label="params", visible=False),
        preset_id=gr.Textbox(label="preset_id", visible=False),
        saved=gr.JSON(label="preset", visible=False),
        save=gr.Button(visible=False),
        delete=gr.Button(visible=False),
        said=gr.Markdown(label="status", visible=False),
    )
