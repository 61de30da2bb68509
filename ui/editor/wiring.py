"""Which handler answers which event of the Edit tab: its parts joined to its handlers.

The Run button and its validator take the editor's controls as keywords by name (Gradio's
`inputs_kwargs`), so no handler depends on the order of a list of components. Edits share one
concurrency group (`edit`) bounded by MAX_CONCURRENT_RUNS; everything else answers at once.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import gradio as gr

from ui.core.api_inputs import ApiInputs, build_api_inputs, build_edit_answer
from ui.core.context import PageContext
from ui.core.controls import CONTROL_NAMES
from ui.core.events import PRIVATE, QUIET, SAYS_WHY
from ui.core.page import EditorTarget
from ui.editor import handlers as ev
from ui.editor import inputs, kept
from ui.editor.handlers import EditorHandlers
from ui.editor.parts import EditTab


def run_inputs(tab: EditTab) -> dict[str, Any]:
    """The Run event's inputs by keyword: the images, every control by name, the visitor key."""
    return {"images": tab.images, **tab.controls, "key": tab.key_state}


def chain_run(
    start: Any,
    tab: EditTab,
    editor: EditorHandlers,
    edit_limit: dict[str, Any],
) -> gr.events.Dependency:
    """Run's two steps after `start` (Run's click, or Run again's restore): at once, the
    refusal or the busy Run; then, queued with the other edits, the run itself. The browser
    sends every run step ("multiple"): with Gradio's "once" a Run pressed just after Stop, while
    the stopped step still ends, was dropped and the page hung; a second click of one run is
    refused on the server instead (ui/core/jobs.py), so it is never sent twice."""
    begin = start(
        editor.start_run, inputs_kwargs=run_inputs(tab), outputs=editor.start_outputs(), **QUIET
    )
    return begin.then(
        editor.run_from_page,
        inputs_kwargs=run_inputs(tab),
        outputs=editor.run_outputs(),
        validator=editor.validate_page,
        show_progress="minimal",
        trigger_mode="multiple",
        **edit_limit,
        **PRIVATE,
    )


def wire_editor(
    ctx: PageContext, tab: EditTab, banner: gr.Markdown, tabs: gr.Tabs
) -> tuple[EditorTarget, gr.events.Dependency]:
    """The Edit tab's events and the `/edit` endpoint; returns the editor as History and a
    shared run fill it, and the run step (History lists itself again after it)."""
    editor = EditorHandlers(ctx, tab, banner, build_edit_answer())
    run_step = wire_edit(tab, editor, gr.State(ctx.backend.banner_key), ctx.edit_queue)
    wire_api(build_api_inputs(lineage=True), editor, ctx.edit_queue)
    target = EditorTarget(
        images=tab.images,
        controls=tab.controls,
        tabs=tabs,
        run_after=lambda trigger: chain_run(trigger, tab, editor, ctx.edit_queue),
    )
    return target, run_step


def wire_edit(
    tab: EditTab,
    editor: EditorHandlers,
    app_banner: gr.State,
    edit_limit: dict[str, Any],
) -> gr.events.Dependency:
    """The Edit tab's events; returns the run step so History can refresh after it."""
    _wire_controls(tab, editor)
    _wire_inputs(tab)
    run_step = chain_run(tab.run.click, tab, editor, edit_limit)
    stop_outputs = {tab.status, tab.run, tab.stop}
    tab.stop.click(editor.stop_run, None, stop_outputs, cancels=[run_step], **QUIET)
    c = tab.controls
    key_outputs = editor.key_outputs()
    tab.key_button.click(editor.set_visitor_key, [tab.key_box, app_banner], key_outputs, **QUIET)
    tab.forget_button.click(editor.forget_visitor_key, app_banner, key_outputs, **QUIET)
    seed_outputs = {c["seed"], c["randomize_seed"]}
    tab.reuse_seed.click(editor.reuse_seed, tab.used_seed, seed_outputs, **SAYS_WHY)
    tab.new_seed.click(editor.new_seed, None, seed_outputs, **QUIET)
    return run_step


def _wire_controls(tab: EditTab, editor: EditorHandlers) -> None:
    """Controls that follow each other: the prompt's counter, the model's limits and sizes
    (its warnings about the inputs recomputed), a custom size's fields."""
    c = tab.controls
    c["prompt"].change(ev.on_prompt_change, c["prompt"], tab.prompt_count, **QUIET)
    words = [c["model"], c["custom_model"], c["prompt"]]  # built in English: say them again
    gr.context.Context.root_block.load(
        editor.page_words, words, editor.page_words_outputs(), **QUIET
    )
    notes = {
        "fn": editor.on_inputs_change,
        "inputs": [tab.images, c["model"], c["custom_model"], tab.removed_inputs],
        "outputs": {tab.images, tab.input_notes, tab.removed_inputs},
        "show_progress_on": tab.input_notes,  # the inputs stay as they are while checked
    }
    model_inputs = [c["model"], c["custom_model"], c["size"]]
    model_outputs = {c["custom_model"], c["n"], c["size"], tab.input_notes}
    c["model"].change(editor.on_model_change, model_inputs, model_outputs, **QUIET).then(
        **notes, **PRIVATE
    )
    c["custom_model"].blur(**notes, **PRIVATE)
    c["size"].change(editor.on_size_change, c["size"], {c["width"], c["height"]}, **QUIET)
    tab.images.change(**notes, **PRIVATE)
    if tab.examples is not None:  # an example's pictures arrive without numbers or notes
        tab.examples.load_input_event.then(inputs.renumber, tab.images, tab.images, **QUIET).then(
            **notes, **PRIVATE
        )


def _wire_inputs(tab: EditTab) -> None:
    """The inputs' numbering and tools, and the results' selection, slider and reuse."""
    c = tab.controls
    tab.images.change(inputs.renumber, tab.images, tab.images, **QUIET)

    tab.images.select(inputs.picked, None, tab.input_selected, **QUIET)
    selection = {
        "inputs": [tab.images, tab.input_selected],
        "outputs": {tab.images, tab.input_selected},
    }
    tab.move_left.click(partial(inputs.move, tab, -1), **selection, **SAYS_WHY)
    tab.move_right.click(partial(inputs.move, tab, 1), **selection, **SAYS_WHY)
    tab.remove_input.click(partial(inputs.remove, tab), **selection, **SAYS_WHY)
    tab.results.select(ev.selected_result, tab.result_paths, tab.selected, **QUIET).then(
        ev.compare_selected,
        [tab.run_inputs, tab.result_paths, tab.selected],
        tab.compare,
        **PRIVATE,
    )
    tab.use_as_input.click(
        inputs.use_as_input, [tab.result_paths, tab.selected], tab.images, **PRIVATE
    )
    tab.add_to_inputs.click(
        inputs.add_to_inputs,
        [tab.images, tab.result_paths, tab.selected, c["model"], c["custom_model"]],
        tab.images,
        **PRIVATE,
    )


def keep_editor(ctx: PageContext, demo: gr.Blocks, tab: EditTab) -> None:
    """The editor kept across a reload, per browser (ui/editor/kept.py): every change of a
    control is kept by the browser, every change of the inputs by the server, which signs them
    (the last one wins); the page's load puts back what the browser kept and this visitor may
    still use."""
    pictures, controls = kept.browser_states(ctx.secret)

    def keep(images: Any, request: gr.Request = None) -> dict:
        return kept.kept_images(ctx.secret, ctx.owner(request).id, images)

    def restore(images: Any, values: Any, request: gr.Request = None) -> Any:
        owner = ctx.owner(request)
        restored = kept.restored_editor(images, values, ctx.secret, owner, ctx.gate, tab)
        return restored or gr.skip()  # Gradio takes no empty dict: nothing kept, nothing set

    editor = [tab.images, *tab.controls.values()]
    demo.load(restore, [pictures, controls], editor, **QUIET)
    in_order = [tab.controls[name] for name in CONTROL_NAMES]
    keep_controls = {"inputs": in_order, "outputs": controls, "js": kept.KEEP_CONTROLS_JS}
    gr.on([c.change for c in in_order], None, **keep_controls, trigger_mode="always_last", **QUIET)
    gr.on(tab.images.change, keep, tab.images, pictures, trigger_mode="always_last", **QUIET)
    if tab.examples is not None:  # an example's values arrive without .change
        tab.examples.load_input_event.then(None, **keep_controls, **QUIET).then(
            keep, tab.images, pictures, **QUIET
        )


def wire_api(api: ApiInputs, editor: EditorHandlers, edit_limit: dict) -> None:
    """The `/edit` endpoint (also behind the MCP tool `edit`, ui/api/tools.py); no history
    refresh: an API caller has no page.
    Its outputs stay a list: API clients receive them in this order."""
    api.button.click(
        editor.edit,
        inputs_kwargs={"images": api.images, **api.params, "parent": api.parent},
        outputs=editor.answer.outputs(),
        api_name="edit",
        **edit_limit,
    )
