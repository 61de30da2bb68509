"""The page, top to bottom as the user sees it, and the wiring of its events.

`build_app(config)` starts the backend and the history, builds the Blocks and returns an `App`
whose `launch()` applies the settings that Gradio 6 takes at launch time (theme, css, js, auth,
middleware, upload limit, Gradio's own run history turned off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from client.images import allow_large_photos
from client.models import DEFAULT_MODEL, DEFAULT_SIZE, MODELS, SEED_MAX, model_spec

from . import editor_events as ev
from . import history_events as hist
from .backend import start_backend
from .config import MAX_FILE_SIZE, AppConfig
from .context import PageContext
from .editor import CUSTOM_CHOICE, SIZE_CHOICES, model_limits_text, prompt_counter
from .history_store import HistoryStore
from .owner import OwnerCookieMiddleware, load_or_create_secret
from .runs import Runner

CSS = """
#prompt-count, #input-notes {font-size: 0.85em; opacity: 0.8}
#run-button {min-height: 3em}
"""

CTRL_ENTER_JS = """
() => {
  document.addEventListener('keydown', (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === 'Enter') {
      const run = document.querySelector('#run-button');
      if (run) { event.preventDefault(); run.click(); }
    }
  });
}
"""


@dataclass
class App:
    demo: gr.Blocks
    context: PageContext
    launch_kwargs: dict[str, Any] = field(default_factory=dict)

    def launch(self, **overrides: Any) -> Any:
        return self.demo.launch(**{**self.launch_kwargs, **overrides})

    def close(self) -> None:
        self.demo.close()
        self.context.backend.close()
        self.context.store.close()


def build_app(config: AppConfig) -> App:
    allow_large_photos()  # a 200-megapixel photo is downscaled, not refused
    store = HistoryStore(
        config.history_dir, max_runs=config.history_max_runs, max_bytes=config.history_max_bytes
    )
    secret = load_or_create_secret(config.history_dir, config.history_secret)
    backend = start_backend(config)
    context = PageContext(config, backend, store, Runner(backend, store), secret)
    demo = build_blocks(context)
    demo.queue(max_size=config.queue_size)
    launch_kwargs = {
        "server_name": config.server_name,
        "server_port": config.server_port,
        "share": config.share,
        "mcp_server": config.mcp,
        "auth": list(config.auth) or None,
        "max_file_size": MAX_FILE_SIZE,
        "allowed_paths": [str((config.history_dir / "blobs").resolve())],
        "run_history": False,
        "css": CSS,
        "js": CTRL_ENTER_JS,
        "theme": gr.themes.Soft(),
        "app_kwargs": {"middleware": [Middleware(OwnerCookieMiddleware, secret=secret)]},
    }
    return App(demo, context, launch_kwargs)


def build_blocks(ctx: PageContext) -> gr.Blocks:
    limit = ctx.config.max_concurrent_runs
    editor = ev.EditorHandlers(ctx)
    history = hist.HistoryHandlers(ctx)
    with gr.Blocks(title="Image Edit Playground") as demo:
        gr.Markdown(
            "# Image Edit Playground\nEdit one image or fuse several with "
            "`qwen-image-2.0-pro` and `wan2.7-image-pro`."
        )
        if ctx.backend.banner:
            gr.Markdown(ctx.backend.banner, elem_id="simulator-banner")
        key_state = gr.State(None)
        result_paths = gr.State([])
        selected = gr.State(0)
        with gr.Tabs(selected="edit") as tabs:
            with gr.Tab("Edit", id="edit"), gr.Row(equal_height=False):
                with gr.Column(scale=5):
                    images = gr.Gallery(
                        label="Input images",
                        type="filepath",
                        interactive=True,
                        file_types=["image"],
                        sources=["upload", "clipboard"],
                        columns=3,
                        height=280,
                        object_fit="contain",
                        elem_id="input-images",
                    )
                    input_notes = gr.Markdown(
                        model_limits_text(DEFAULT_MODEL), elem_id="input-notes"
                    )
                    prompt = gr.Textbox(
                        label="Prompt",
                        lines=3,
                        placeholder="Describe the edit, e.g. “make it a snowy evening”. "
                        "Ctrl+Enter runs.",
                        elem_id="prompt",
                    )
                    prompt_count = gr.Markdown(prompt_counter(""), elem_id="prompt-count")
                    negative_prompt = gr.Textbox(
                        label="Negative prompt", lines=1, placeholder="What to avoid (optional)"
                    )
                    with gr.Row():
                        model_choice = gr.Dropdown(
                            [*MODELS, CUSTOM_CHOICE], value=DEFAULT_MODEL, label="Model"
                        )
                        custom_model = gr.Textbox(label="Custom model name", visible=False)
                        n = gr.Slider(
                            1,
                            model_spec(DEFAULT_MODEL).max_n,
                            value=1,
                            step=1,
                            label="Number of results (n)",
                        )
                    with gr.Row():
                        size_choice = gr.Dropdown(
                            list(SIZE_CHOICES), value=DEFAULT_SIZE, label="Size (W*H)"
                        )
                        width = gr.Number(label="Width", precision=0, visible=False)
                        height = gr.Number(label="Height", precision=0, visible=False)
                    with gr.Row():
                        seed = gr.Number(
                            label="Seed", precision=0, minimum=0, maximum=SEED_MAX, value=None
                        )
                        randomize_seed = gr.Checkbox(label="Randomize seed", value=True)
                        reuse_seed = gr.Button("Reuse seed", size="sm")
                    with gr.Accordion("More settings", open=False):
                        with gr.Row():
                            watermark = gr.Checkbox(label="Watermark", value=False)
                            prompt_extend = gr.Checkbox(label="Prompt extend", value=True)
                        response_format = gr.Radio(
                            ["b64_json", "url"], value="b64_json", label="Response format"
                        )
                        encoding = gr.Radio(
                            ["json", "multipart"], value="json", label="Request encoding"
                        )
                        extra = gr.Code(
                            label='extra (JSON: {"input": {...}, "parameters": {...}})',
                            language="json",
                            value="",
                        )
                        with gr.Row():
                            key_box = gr.Textbox(
                                label="API key (your own, for this session only)",
                                type="password",
                                placeholder="sk-…",
                            )
                            key_button = gr.Button("Use key", size="sm")
                            forget_button = gr.Button("Forget key", size="sm")
                        key_status = gr.Markdown("Using the app's backend.")
                    run = gr.Button("Run", variant="primary", elem_id="run-button")
                with gr.Column(scale=6):
                    results = gr.Gallery(
                        label="Results",
                        type="filepath",
                        interactive=False,
                        columns=2,
                        height=440,
                        object_fit="contain",
                        buttons=["download", "download_all", "fullscreen"],
                        elem_id="results",
                    )
                    status = gr.Markdown(elem_id="run-status")
                    with gr.Row():
                        use_as_input = gr.Button("Use as input", size="sm")
                        add_to_inputs = gr.Button("Add to inputs", size="sm")
                    compare = gr.ImageSlider(
                        label="Before / after (first input vs selected result)",
                        type="filepath",
                        interactive=False,
                    )
                    used_seed = gr.Number(label="Seed used", precision=0, interactive=False)
                    revised_prompt = gr.Textbox(label="Revised prompt", interactive=False)
                    with gr.Accordion("Raw metadata", open=False):
                        metadata = gr.JSON(label="metadata")
            with gr.Tab("History", id="history"):
                with gr.Row():
                    search = gr.Textbox(label="Search prompts", scale=3)
                    model_filter = gr.Dropdown(
                        hist.MODEL_FILTERS, value=hist.ALL_MODELS, label="Model", scale=1
                    )
                    refresh = gr.Button("Refresh", scale=0)
                history_gallery = gr.Gallery(
                    label="Past runs",
                    columns=5,
                    fit_columns=False,
                    height=420,
                    allow_preview=False,
                    object_fit="cover",
                    elem_id="history-gallery",
                )
                more = gr.Button("Load more", visible=False)
                shown_runs = gr.State([])
                run_id = gr.Textbox(label="Run id", visible=False)
                with gr.Column(visible=False) as detail:
                    detail_text = gr.Markdown(elem_id="run-detail")
                    with gr.Row():
                        detail_inputs = gr.Gallery(label="Inputs", columns=3, height=220)
                        detail_outputs = gr.Gallery(
                            label="Results of this run", columns=3, height=220
                        )
                    detail_params = gr.JSON(label="Parameters")
                    with gr.Row():
                        restore = gr.Button("Restore into editor")
                        run_again = gr.Button("Run again", variant="primary")
                        download = gr.DownloadButton("Download (.zip)")
                        delete = gr.Button("Delete", variant="stop")

        # -- the /edit API (and MCP tool): hidden inputs named after the API fields ----------------
        with gr.Column(visible=False):
            api_images = gr.File(label="images", file_count="multiple", file_types=["image"])
            api_prompt = gr.Textbox(label="prompt")
            api_model = gr.Textbox(label="model", value=DEFAULT_MODEL)
            api_n = gr.Number(label="n", value=1, precision=0)
            api_size = gr.Textbox(label="size", value=DEFAULT_SIZE)
            api_seed = gr.Number(label="seed", value=None, precision=0)
            api_negative = gr.Textbox(label="negative_prompt", value="")
            api_watermark = gr.Checkbox(label="watermark", value=False)
            api_extend = gr.Checkbox(label="prompt_extend", value=True)
            api_format = gr.Textbox(label="response_format", value="b64_json")
            api_button = gr.Button("edit")

        page_inputs = [
            images, prompt, negative_prompt, model_choice, custom_model, n, size_choice, width,
            height, seed, randomize_seed, watermark, prompt_extend, response_format, encoding,
            extra,
        ]  # fmt: skip
        editor_restorables = [
            model_choice, custom_model, prompt, negative_prompt, n, size_choice, width, height,
            seed, randomize_seed, watermark, prompt_extend, response_format, encoding, extra,
        ]  # fmt: skip
        run_outputs = [
            results, status, compare, used_seed, revised_prompt, metadata, result_paths, selected,
        ]  # fmt: skip
        history_list_outputs = [history_gallery, shown_runs, more]
        private = {"api_visibility": "private"}

        # -- editor events ------------------------------------------------------------------------
        prompt.change(ev.on_prompt_change, prompt, prompt_count, queue=False, **private)
        model_choice.change(
            ev.on_model_change, [model_choice, custom_model, n], [custom_model, n, input_notes],
            queue=False, **private,
        )  # fmt: skip
        size_choice.change(ev.on_size_change, size_choice, [width, height], queue=False, **private)
        images.change(
            ev.on_images_change, [images, model_choice, custom_model], input_notes, **private
        )
        run_event = run.click(
            editor.run_from_page,
            [*page_inputs, key_state],
            run_outputs,
            validator=editor.validate_page,
            concurrency_limit=limit,
            concurrency_id="edit",
            **private,
        )
        run_event.then(
            history.list_history, [search, model_filter], history_list_outputs, **private
        )
        reuse_seed.click(ev.reuse_seed, used_seed, [seed, randomize_seed], queue=False, **private)
        results.select(ev.selected_result, result_paths, selected, queue=False, **private).then(
            ev.compare_selected, [images, result_paths, selected], compare, **private
        )
        use_as_input.click(ev.use_as_input, [result_paths, selected], images, **private)
        add_to_inputs.click(
            ev.add_to_inputs,
            [images, result_paths, selected, model_choice, custom_model],
            images,
            **private,
        )
        key_button.click(
            ev.set_visitor_key, key_box, [key_state, key_box, key_status], queue=False, **private
        )
        forget_button.click(
            ev.forget_visitor_key, None, [key_state, key_status], queue=False, **private
        )

        # -- the API endpoint ---------------------------------------------------------------------
        api_button.click(
            editor.edit,
            [
                api_images,
                api_prompt,
                api_model,
                api_n,
                api_size,
                api_seed,
                api_negative,
                api_watermark,
                api_extend,
                api_format,
            ],
            [results, status, metadata],
            api_name="edit",
            concurrency_limit=limit,
            concurrency_id="edit",
        )  # no history refresh: an API caller has no page to show it in

        # -- history events -----------------------------------------------------------------------
        listing = {"inputs": [search, model_filter], "outputs": history_list_outputs}
        demo.load(history.list_history, api_name="history_list", **listing)
        refresh.click(history.list_history, **listing, **private)
        search.submit(history.list_history, **listing, **private)
        model_filter.change(history.list_history, **listing, **private)
        more.click(
            history.more_history,
            [search, model_filter, shown_runs],
            history_list_outputs,
            **private,
        )
        detail_outputs_list = [
            detail,
            detail_text,
            detail_inputs,
            detail_outputs,
            detail_params,
            download,
        ]
        history_gallery.select(hist.pick_run, shown_runs, run_id, queue=False, **private).then(
            history.open_run, run_id, detail_outputs_list, **private
        )
        run_id.change(history.open_run, run_id, detail_outputs_list, api_name="history_open")
        restore_outputs = [images, *editor_restorables, tabs]
        restore.click(history.restore_run, run_id, restore_outputs, api_name="history_restore")
        run_again.click(history.restore_run, run_id, restore_outputs, **private).success(
            editor.run_from_page,
            [*page_inputs, key_state],
            run_outputs,
            concurrency_limit=limit,
            concurrency_id="edit",
            **private,
        ).then(history.list_history, [search, model_filter], history_list_outputs, **private)
        delete.click(
            history.delete_run,
            [run_id, search, model_filter],
            [*history_list_outputs, detail, run_id],
            api_name="history_delete",
        )
    return demo
