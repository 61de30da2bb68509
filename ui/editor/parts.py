"""The Edit tab's parts, top to bottom as the user sees them, and the page's header.

The editor keeps one control per parameter of `EditParams`, in `EditTab.controls` under the
parameter's name (plus the helper controls of ui/core/controls.py), so handlers read and restore
values by name. Two slots take guests' panels: under Run (Region boxes) and full width below the
editor's two columns (Compare). Events are wired in wiring.py beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from client.limit_texts import models_taking_text, size_range_text
from client.models import (
    DEFAULT_MODEL,
    DEFAULT_SIZE,
    ENCODINGS,
    MODELS,
    RESPONSE_FORMATS,
    WIRE_FORMATS,
)
from examples import EXAMPLES
from ui.core.controls import (
    CONTROL_NAMES,
    CUSTOM_CHOICE,
    count_range,
    model_limits_text,
    prompt_counter,
    shown_choices,
    size_choices,
)
from ui.core.texts import label, text_in

EXAMPLE_HEADERS = ("detail_inputs", "prompt", "model", "n_short", "size")
"""The examples table's columns, by the key of their names."""


@dataclass
class EditTab:
    images: gr.Gallery
    input_notes: gr.Markdown
    move_left: gr.Button
    move_right: gr.Button
    remove_input: gr.Button
    input_selected: gr.State
    removed_inputs: gr.State
    """The unreadable files last taken out of the inputs (ui/editor/inputs.py RemovedInputs)."""
    below_run: gr.Column
    """A slot under Run and its status line (which stay in view): the Region boxes panel."""
    prompt_count: gr.Markdown
    controls: dict[str, gr.components.Component]
    """One per name in CONTROL_NAMES: a control per edit parameter, then the helpers."""
    reuse_seed: gr.Button
    new_seed: gr.Button
    """🎲 beside Seed: a fresh random seed in the field, in one click."""
    key_box: gr.Textbox
    key_button: gr.Button
    forget_button: gr.Button
    key_status: gr.Markdown
    key_state: gr.State
    """The visitor's own pasted key (a VisitorKey), kept in the session's server state."""
    run: gr.Button
    stop: gr.Button
    status: gr.Markdown
    results: gr.Gallery
    use_as_input: gr.Button
    add_to_inputs: gr.Button
    compare: gr.ImageSlider
    used_seed: gr.Textbox
    revised_prompt: gr.Textbox
    metadata: gr.JSON
    result_paths: gr.State
    run_inputs: gr.State
    """The inputs the shown results were made from (the slider compares against them)."""
    selected: gr.State
    below_columns: gr.Column
    """A slot full width below the editor's two columns: the Compare panel (its grid needs the
    room)."""
    examples: gr.Examples | None = None
    """Filled after the tab is built (its rows name the tab's controls)."""
    plan: gr.Markdown | None = None
    """Under Run: what the run will make and its estimated cost (ui/usage/wiring.py)."""


def build_header(banner_key: str) -> gr.Markdown:
    """The title and the backend banner (which backend this visitor's runs go to)."""
    gr.Markdown(label("title"))
    return gr.Markdown(label(banner_key), elem_id="backend-banner")


def build_edit_tab(wire_format: str = WIRE_FORMATS[0]) -> EditTab:
    """The Edit tab; `wire_format` is the request shape the app is configured with."""
    with gr.Tab(label("tab_edit"), id="edit"):
        with gr.Row(equal_height=False, elem_id="edit-row"):
            with gr.Column(scale=5, min_width=320):
                parts = _build_inputs(wire_format)
            with gr.Column(scale=6, min_width=320):
                outputs = _build_outputs()
                examples_slot = outputs.pop("examples_slot")
                parts.update(outputs)
                tab = EditTab(**parts, below_columns=None)  # made below the two columns
                with examples_slot:  # their rows name the controls, made above
                    tab.examples = build_examples(tab)
        tab.below_columns = gr.Column()
    return tab


def _build_inputs(wire_format: str) -> dict[str, Any]:
    images = gr.Gallery(
        label=label("input_images"),
        type="filepath",
        interactive=True,
        file_types=["image"],
        sources=["upload", "clipboard"],
        columns=4,
        height=230,
        object_fit="contain",
        allow_preview=False,
        elem_id="input-images",
    )
    with gr.Row(elem_id="input-tools"):
        move_left = gr.Button(label("move_left"), size="sm", min_width=60)
        move_right = gr.Button(label("move_right"), size="sm", min_width=60)
        remove_input = gr.Button(label("remove"), size="sm", min_width=60)
    input_notes = gr.Markdown(model_limits_text(DEFAULT_MODEL), elem_id="input-notes")
    c: dict[str, Any] = {}
    c["prompt"] = gr.Textbox(
        label=label("prompt"),
        lines=3,
        elem_id="prompt",
        placeholder=label("prompt_placeholder"),
    )
    with gr.Row(equal_height=False, elem_id="prompt-tools"):
        prompt_count = gr.Markdown(prompt_counter(""), elem_id="prompt-count")
        # the one control of prompt_extend, beside the prompt it rewrites (as the model's demo)
        c["prompt_extend"] = gr.Checkbox(
            label=label("prompt_extend_switch"),
            value=True,
            info=label("prompt_extend_info"),
            elem_id="prompt-extend",
            scale=2,
        )
    with gr.Row(elem_id="run-row"):
        run = gr.Button(label("run"), variant="primary", elem_id="run-button", scale=3)
        stop = gr.Button(
            label("stop"), variant="stop", elem_id="stop-button", visible=False, scale=1
        )
        # beside Run, so the status line stays right under it: ui/usage/wiring.py fills it
        plan = gr.Markdown(elem_id="run-plan")
    status = gr.Markdown(label("ready"), elem_id="run-status")
    below_run = gr.Column()
    with gr.Row():
        c["model"] = gr.Dropdown(
            shown_choices([*MODELS, CUSTOM_CHOICE]),
            value=DEFAULT_MODEL,
            label=label("model"),
            min_width=200,
            elem_id="model",
        )
        c["custom_model"] = gr.Textbox(label=label("custom_model"), visible=False)
        c["n"] = typed_number("n", value=1, info=count_range(DEFAULT_MODEL), min_width=160)
    parts = _build_parameters(c, wire_format)
    return {
        "images": images,
        "input_notes": input_notes,
        "move_left": move_left,
        "move_right": move_right,
        "remove_input": remove_input,
        "input_selected": gr.State(None),
        "removed_inputs": gr.State(None),
        "below_run": below_run,
        "prompt_count": prompt_count,
        "controls": {name: c[name] for name in CONTROL_NAMES},
        "run": run,
        "stop": stop,
        "status": status,
        "plan": plan,
        **parts,
    }


def _build_parameters(c: dict[str, Any], wire_format: str) -> dict[str, Any]:
    """The controls below Run: size, seed, the visitor's key and the rarely changed settings."""
    c["negative_prompt"] = gr.Textbox(
        label=label("negative_prompt"), lines=1, placeholder=label("negative_placeholder")
    )
    with gr.Row():
        c["size"] = gr.Dropdown(
            shown_choices(size_choices(DEFAULT_MODEL)),
            value=DEFAULT_SIZE,
            label=label("size"),
            min_width=200,
            elem_id="size",
            allow_custom_value=True,  # "W*H" may be typed; validation says what a model takes
        )
        c["width"] = typed_number("width", visible=False, info=SIZE_RANGE)
        c["height"] = typed_number("height", visible=False, info=SIZE_RANGE)
    with gr.Row(equal_height=False, elem_id="seed-row"):
        c["seed"] = gr.Textbox(
            label=label("seed"),
            placeholder=label("seed_placeholder"),
            elem_id="seed",
            min_width=160,
            scale=2,
        )
        with gr.Column(min_width=140, scale=1):
            c["randomize_seed"] = gr.Checkbox(label=label("randomize_seed"), value=True)
            with gr.Row(elem_id="seed-buttons"):
                new_seed = gr.Button(label("new_seed"), size="sm", min_width=60, elem_id="new-seed")
                reuse_seed = gr.Button(label("reuse_seed"), size="sm", min_width=60)
    with gr.Accordion(label("key_panel"), open=False, elem_id="key-panel"):
        key_box = gr.Textbox(
            label=label("key_box"),
            type="password",
            placeholder="sk-…",
        )
        with gr.Row():
            key_button = gr.Button(label("use_key"), size="sm")
            forget_button = gr.Button(label("forget_key"), size="sm")
        key_status = gr.Markdown("Using the app's backend.")
    with gr.Accordion(label("more_settings"), open=False):
        c["watermark"] = gr.Checkbox(label=label("watermark"), value=False)
        c["response_format"] = gr.Radio(
            list(RESPONSE_FORMATS), value="b64_json", label=label("response_format")
        )
        with gr.Row():
            c["encoding"] = gr.Radio(list(ENCODINGS), value="json", label=label("encoding"))
            c["wire_format"] = gr.Radio(
                list(WIRE_FORMATS),
                value=wire_format,
                label=label("wire_format"),
                info="flat: the seed's; messages: input.messages (JSON only)",
            )
        c["extra"] = json_box(
            label='extra (JSON: {"input": {...}, "parameters": {...}})',
            elem_id="extra",
        )
        c["bbox_list"] = json_box(
            label=f"Region boxes, bbox_list ({models_taking_text('bbox_list')}; JSON: one list of "
            "[x1, y1, x2, y2] per input image, in its own pixels)",
            elem_id="bbox-list",
        )
    return {
        "reuse_seed": reuse_seed,
        "new_seed": new_seed,
        "key_box": key_box,
        "key_button": key_button,
        "forget_button": forget_button,
        "key_status": key_status,
        "key_state": gr.State(None),
    }


SIZE_RANGE = size_range_text("×")


def json_box(label: str, elem_id: str) -> gr.Textbox:
    """A field for a few lines of JSON, in a monospace font (page.css, `.json-box`). A plain
    textbox, not gr.Code: a code editor would make every visit download about 130 KB of script
    for two fields that sit in a closed accordion."""
    return gr.Textbox(
        label=label, value="", lines=2, max_lines=12, elem_id=elem_id, elem_classes="json-box"
    )


def typed_number(name: str, **options: Any) -> gr.Number:
    """A number field that hands over exactly what was typed: no minimum or maximum (Gradio's
    page clamps to them silently, and its server refuses past them with a bare "Error") and no
    precision (it rounds 2.5 to 2). The editor's own check refuses what the model would, in
    words beside the field and under Run, and never sends another number than the one shown."""
    return gr.Number(label=label(name), precision=None, step=1, elem_id=name, **options)


def build_examples(tab: EditTab) -> gr.Examples:
    """Ready-made edits (examples/): one click fills the inputs, prompt, model, n and size.
    Nothing runs until Run is pressed, so the page calls no paid API by itself."""
    c = tab.controls
    examples = gr.Examples(
        examples=[
            [
                [str(path) for path in example.files],
                example.prompt,
                example.model,
                example.n,
                example.size,
            ]
            for example in EXAMPLES
        ],
        inputs=[tab.images, c["prompt"], c["model"], c["n"], c["size"]],
        label=label("examples"),
        examples_per_page=len(EXAMPLES),
        cache_examples=False,
        run_on_click=False,
        elem_id="examples",
    )
    # the columns' names, plain: the controls' labels are translation keys the table shows raw
    # (the page says them in the visitor's language when it loads: EditorHandlers.page_words)
    examples.dataset.headers = [text_in("en", key) for key in EXAMPLE_HEADERS]
    return examples


def _build_outputs() -> dict[str, Any]:
    results = gr.Gallery(
        label=label("results"),
        type="filepath",
        interactive=False,
        columns=2,
        height="auto",
        object_fit="contain",
        buttons=["download", "download_all", "fullscreen"],
        elem_id="results",
    )
    with gr.Row():
        use_as_input = gr.Button(label("use_as_input"), size="sm")
        add_to_inputs = gr.Button(label("add_to_inputs"), size="sm")
    # the examples right under the results: on a desktop's first screen, before any run
    examples_slot = gr.Column(elem_id="examples-slot")
    compare = gr.ImageSlider(
        label=label("compare"),
        type="filepath",
        interactive=False,
        elem_id="compare",
    )
    with gr.Row():
        used_seed = gr.Textbox(
            label=label("used_seed"), interactive=False, placeholder=label("after_a_run")
        )
        revised_prompt = gr.Textbox(label=label("revised_prompt"), interactive=False, scale=3)
    with gr.Accordion(label("metadata"), open=False):
        metadata = gr.JSON(label="metadata")
    return {
        "results": results,
        "use_as_input": use_as_input,
        "add_to_inputs": add_to_inputs,
        "compare": compare,
        "used_seed": used_seed,
        "revised_prompt": revised_prompt,
        "metadata": metadata,
        "examples_slot": examples_slot,
        "result_paths": gr.State([]),
        "run_inputs": gr.State([]),
        "selected": gr.State(0),
    }
