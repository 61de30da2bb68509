"""The page's parts, top to bottom as the user sees them; each builder returns its named components.

The editor keeps one control per parameter of `EditParams`, in `EditTab.controls` under the
parameter's name (plus the helper controls of ui/editor.py), so handlers read and restore values
by name. The `/edit` API's hidden inputs are derived from the same definition. Events are wired
in ui/wiring.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, get_args, get_type_hints

import gradio as gr

from client import EditParams
from client.models import (
    DEFAULT_MODEL,
    DEFAULT_SIZE,
    ENCODINGS,
    MODELS,
    RESPONSE_FORMATS,
    SEED_MAX,
    WIRE_FORMATS,
    model_spec,
)
from client.params import PARAM_FIELDS, default_of

from .editor import CONTROL_NAMES, CUSTOM_CHOICE, model_limits_text, prompt_counter, size_choices
from .history_events import ALL_MODELS, MODEL_FILTERS


@dataclass
class EditTab:
    images: gr.Gallery
    input_notes: gr.Markdown
    prompt_count: gr.Markdown
    controls: dict[str, gr.components.Component]
    """One per name in CONTROL_NAMES: a control per edit parameter, then the helpers."""
    reuse_seed: gr.Button
    key_box: gr.Textbox
    key_button: gr.Button
    forget_button: gr.Button
    key_status: gr.Markdown
    run: gr.Button
    results: gr.Gallery
    status: gr.Markdown
    use_as_input: gr.Button
    add_to_inputs: gr.Button
    compare: gr.ImageSlider
    used_seed: gr.Number
    revised_prompt: gr.Textbox
    metadata: gr.JSON
    result_paths: gr.State
    selected: gr.State

    def run_outputs(self) -> list[Any]:
        """What a run fills, in the order EditorHandlers.run_from_page returns it."""
        return [
            self.results, self.status, self.compare, self.used_seed, self.revised_prompt,
            self.metadata, self.result_paths, self.selected,
        ]  # fmt: skip


@dataclass
class HistoryTab:
    search: gr.Textbox
    model_filter: gr.Dropdown
    refresh: gr.Button
    gallery: gr.Gallery
    more: gr.Button
    shown_runs: gr.State
    run_id: gr.Textbox
    detail: gr.Column
    detail_text: gr.Markdown
    detail_inputs: gr.Gallery
    detail_outputs: gr.Gallery
    detail_params: gr.JSON
    restore: gr.Button
    run_again: gr.Button
    download: gr.Button
    download_file: gr.DownloadButton
    export_path: gr.State
    delete: gr.Button

    def list_outputs(self) -> list[Any]:
        return [self.gallery, self.shown_runs, self.more]

    def detail_parts(self) -> list[Any]:
        return [
            self.detail, self.detail_text, self.detail_inputs, self.detail_outputs,
            self.detail_params,
        ]  # fmt: skip


@dataclass
class ApiInputs:
    """Hidden inputs of the `/edit` endpoint, one per parameter, named after the API fields."""

    images: gr.File
    params: dict[str, gr.components.Component]
    button: gr.Button


def build_header(banner: str | None) -> None:
    gr.Markdown(
        "# Image Edit Playground\nEdit one image or fuse several with "
        "`qwen-image-2.0-pro` and `wan2.7-image-pro`."
    )
    if banner:
        gr.Markdown(banner, elem_id="simulator-banner")


def build_edit_tab(wire_format: str = WIRE_FORMATS[0]) -> EditTab:
    """The Edit tab; `wire_format` is the request shape the app is configured with."""
    with gr.Tab("Edit", id="edit"), gr.Row(equal_height=False):
        with gr.Column(scale=5):
            inputs = _build_inputs(wire_format)
            run = gr.Button("Run", variant="primary", elem_id="run-button")
        with gr.Column(scale=6):
            outputs = _build_outputs()
    return EditTab(**inputs, run=run, **outputs)


def _build_inputs(wire_format: str) -> dict[str, Any]:
    images = gr.Gallery(
        label="Input images", type="filepath", interactive=True, file_types=["image"],
        sources=["upload", "clipboard"], columns=3, height=280, object_fit="contain",
        elem_id="input-images",
    )  # fmt: skip
    input_notes = gr.Markdown(model_limits_text(DEFAULT_MODEL), elem_id="input-notes")
    c: dict[str, Any] = {}
    c["prompt"] = gr.Textbox(
        label="Prompt", lines=3, elem_id="prompt",
        placeholder="Describe the edit, e.g. “make it a snowy evening”. Ctrl+Enter runs.",
    )  # fmt: skip
    prompt_count = gr.Markdown(prompt_counter(""), elem_id="prompt-count")
    c["negative_prompt"] = gr.Textbox(
        label="Negative prompt", lines=1, placeholder="What to avoid (optional)"
    )
    with gr.Row():
        c["model"] = gr.Dropdown([*MODELS, CUSTOM_CHOICE], value=DEFAULT_MODEL, label="Model")
        c["custom_model"] = gr.Textbox(label="Custom model name", visible=False)
        c["n"] = gr.Slider(
            1, model_spec(DEFAULT_MODEL).max_n, value=1, step=1, label="Number of results (n)"
        )
    with gr.Row():
        c["size"] = gr.Dropdown(size_choices(DEFAULT_MODEL), value=DEFAULT_SIZE, label="Size")
        c["width"] = gr.Number(label="Width", precision=0, visible=False)
        c["height"] = gr.Number(label="Height", precision=0, visible=False)
    with gr.Row():
        c["seed"] = gr.Number(label="Seed", precision=0, minimum=0, maximum=SEED_MAX, value=None)
        c["randomize_seed"] = gr.Checkbox(label="Randomize seed", value=True)
        reuse_seed = gr.Button("Reuse seed", size="sm")
    with gr.Accordion("More settings", open=False):
        with gr.Row():
            c["watermark"] = gr.Checkbox(label="Watermark", value=False)
            c["prompt_extend"] = gr.Checkbox(label="Prompt extend", value=True)
        c["response_format"] = gr.Radio(
            list(RESPONSE_FORMATS), value="b64_json", label="Response format"
        )
        with gr.Row():
            c["encoding"] = gr.Radio(list(ENCODINGS), value="json", label="Request encoding")
            c["wire_format"] = gr.Radio(
                list(WIRE_FORMATS), value=wire_format, label="Request shape",
                info="flat: the seed's; messages: input.messages (JSON only)",
            )  # fmt: skip
        c["extra"] = gr.Code(
            label='extra (JSON: {"input": {...}, "parameters": {...}})', language="json", value="",
            elem_id="extra",
        )  # fmt: skip
        c["bbox_list"] = gr.Code(
            label="Region boxes, bbox_list (wan2.7-image-pro; JSON: one list of "
            "[x1, y1, x2, y2] per input image, in its own pixels)",
            language="json", value="", elem_id="bbox-list",
        )  # fmt: skip
        with gr.Row():
            key_box = gr.Textbox(
                label="API key (your own, for this session only)", type="password",
                placeholder="sk-…",
            )  # fmt: skip
            key_button = gr.Button("Use key", size="sm")
            forget_button = gr.Button("Forget key", size="sm")
        key_status = gr.Markdown("Using the app's backend.")
    return {
        "images": images, "input_notes": input_notes, "prompt_count": prompt_count,
        "controls": {name: c[name] for name in CONTROL_NAMES}, "reuse_seed": reuse_seed,
        "key_box": key_box, "key_button": key_button, "forget_button": forget_button,
        "key_status": key_status,
    }  # fmt: skip


def _build_outputs() -> dict[str, Any]:
    results = gr.Gallery(
        label="Results", type="filepath", interactive=False, columns=2, height=440,
        object_fit="contain", buttons=["download", "download_all", "fullscreen"],
        elem_id="results",
    )  # fmt: skip
    status = gr.Markdown(elem_id="run-status")
    with gr.Row():
        use_as_input = gr.Button("Use as input", size="sm")
        add_to_inputs = gr.Button("Add to inputs", size="sm")
    compare = gr.ImageSlider(
        label="Before / after (first input vs selected result)", type="filepath",
        interactive=False,
    )  # fmt: skip
    used_seed = gr.Number(label="Seed used", precision=0, interactive=False)
    revised_prompt = gr.Textbox(label="Revised prompt", interactive=False)
    with gr.Accordion("Raw metadata", open=False):
        metadata = gr.JSON(label="metadata")
    return {
        "results": results, "status": status, "use_as_input": use_as_input,
        "add_to_inputs": add_to_inputs, "compare": compare, "used_seed": used_seed,
        "revised_prompt": revised_prompt, "metadata": metadata,
        "result_paths": gr.State([]), "selected": gr.State(0),
    }  # fmt: skip


def build_history_tab() -> HistoryTab:
    with gr.Tab("History", id="history"):
        with gr.Row():
            search = gr.Textbox(label="Search prompts", scale=3)
            model_filter = gr.Dropdown(MODEL_FILTERS, value=ALL_MODELS, label="Model", scale=1)
            refresh = gr.Button("Refresh", scale=0)
        gallery = gr.Gallery(
            label="Past runs", columns=5, fit_columns=False, height=420, allow_preview=False,
            object_fit="cover", elem_id="history-gallery",
        )  # fmt: skip
        more = gr.Button("Load more", visible=False)
        run_id = gr.Textbox(label="Run id", visible=False)
        with gr.Column(visible=False) as detail:
            detail_text = gr.Markdown(elem_id="run-detail")
            with gr.Row():
                detail_inputs = gr.Gallery(label="Inputs", columns=3, height=220)
                detail_outputs = gr.Gallery(label="Results of this run", columns=3, height=220)
            detail_params = gr.JSON(label="Parameters")
            with gr.Row():
                restore = gr.Button("Restore into editor")
                run_again = gr.Button("Run again", variant="primary")
                download = gr.Button("Download (.zip)")
                delete = gr.Button("Delete", variant="stop")
            download_file = gr.DownloadButton(visible="hidden", elem_id="run-download-file")
    return HistoryTab(
        search, model_filter, refresh, gallery, more, gr.State([]), run_id, detail, detail_text,
        detail_inputs, detail_outputs, detail_params, restore, run_again, download,
        download_file, gr.State(None), delete,
    )  # fmt: skip


def api_number(label: str, value: Any) -> gr.Number:
    """A whole-number argument of /edit, handed over exactly as the caller sent it: gr.Number
    would round 2.5 to 2, turn `true` into 1 and fail on NaN with an empty message, where the
    validation names the problem ("n must be an integer from 1 to 6; got 2.5"). (An instance
    override: a subclass of a Gradio component makes Gradio write a .pyi file beside it.)"""
    number = gr.Number(label=label, value=value, precision=0)
    number.preprocess = _as_sent  # type: ignore[method-assign]
    return number


def _as_sent(payload: Any) -> Any:
    return payload


def build_api_inputs() -> ApiInputs:
    """Invisible: the endpoint's arguments, one component per EditParams field by its type."""
    types = get_type_hints(EditParams)
    with gr.Column(visible=False):
        images = gr.File(label="images", file_count="multiple", file_types=["image"])
        params: dict[str, Any] = {}
        for spec in PARAM_FIELDS:
            kind, default = types[spec.name], default_of(spec)
            if kind is bool:
                params[spec.name] = gr.Checkbox(label=spec.name, value=default)
            elif int in (kind, *get_args(kind)):
                params[spec.name] = api_number(spec.name, default)
            else:
                text = None if default in (None, "") else str(default)  # None: required
                params[spec.name] = gr.Textbox(label=spec.name, value=text)
        button = gr.Button("edit")
    return ApiInputs(images, params, button)
