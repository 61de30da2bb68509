"""The app: starts the backend and the history, builds the page, and launches it.

`build_app(config)` returns an `App` whose `launch()` applies the settings that Gradio 6 takes at
launch time (theme, css, js, auth, middleware, upload limit, Gradio's own run history turned off).
The page itself is built from its parts in ui/layout.py and wired in ui/wiring.py; links to one
run in ui/share_layout.py and ui/share_wiring.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr
from starlette.middleware import Middleware

from client.images import allow_large_photos
from client.preparation import PreparationCache
from examples import HERE as EXAMPLES_DIR
from history import HistoryStore
from ui.comparison.endpoint import build_and_wire_compare_api
from ui.comparison.handlers import CompareHandlers
from ui.comparison.wiring import wire_compare, wire_history_comparison
from ui.core.backend import start_backend
from ui.core.config import GRADIO_UPLOAD_CAP, AppConfig
from ui.core.context import PageContext
from ui.core.owner import OwnerCookieMiddleware, load_or_create_secret
from ui.core.runs import Runner
from ui.core.served_files import DELETE_CACHE, GoneFileMiddleware, use_own_cache
from ui.core.shared_files import SharedFileMiddleware
from ui.core.texts import I18N
from ui.editor.handlers import EditorHandlers
from ui.editor.parts import build_api_inputs, build_edit_tab, build_header
from ui.editor.wiring import AT_ONCE, PRIVATE, wire_api, wire_edit, wire_history
from ui.history.handlers import HistoryHandlers
from ui.history.parts import build_finished_notice, build_history_tab
from ui.regions.wiring import wire_regions
from ui.share.handlers import ShareHandlers
from ui.share.parts import build_shared_tab
from ui.share.wiring import wire_share_panel, wire_shared_view
from ui.usage.handlers import UsageHandlers
from ui.usage.wiring import wire_usage

CSS = (Path(__file__).parent / "page.css").read_text(encoding="utf-8")
"""The page's styles: whole pictures, the status line, History's entries, phone width."""

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
        config.history_dir,
        max_runs=config.history_max_runs,
        max_bytes=config.history_max_bytes,
        max_total_bytes=config.history_max_total_bytes,
        database_url=config.history_database_url,
        blob_url=config.history_blob_url,
    )
    secret = load_or_create_secret(config.history_dir, config.history_secret)
    cache = use_own_cache(config.history_dir)
    backend = start_backend(config)
    context = PageContext(
        config, backend, store,
        Runner(backend, store, PreparationCache(), config.max_concurrent_runs), secret,
    )  # fmt: skip
    demo = build_blocks(context)
    demo.queue(max_size=config.queue_size)
    launch_kwargs = {
        "server_name": config.server_name,
        "server_port": config.server_port,
        "share": config.share,
        "mcp_server": config.mcp,
        "auth": list(config.auth) or None,
        "max_file_size": GRADIO_UPLOAD_CAP,
        "allowed_paths": [str(store.blob_folder.resolve()), str(EXAMPLES_DIR)],
        "run_history": False,
        "css": CSS,
        "js": CTRL_ENTER_JS,
        "theme": gr.themes.Soft(),
        "i18n": I18N,
        "app_kwargs": {
            "middleware": [
                Middleware(OwnerCookieMiddleware, secret=secret),
                Middleware(GoneFileMiddleware, folders=[cache, store.blob_folder]),
                Middleware(SharedFileMiddleware, copies=context.shared, live=store.share_is_live),
            ]
        },
    }
    return App(demo, context, launch_kwargs)


def build_blocks(ctx: PageContext) -> gr.Blocks:
    """The page from its parts (ui/layout.py), wired to its handlers (ui/wiring.py)."""
    editor = EditorHandlers(ctx)
    history = HistoryHandlers(ctx)
    shares = ShareHandlers(ctx)
    edit_limit = {
        "concurrency_limit": ctx.config.max_concurrent_runs,
        "concurrency_id": "edit",
    }
    with gr.Blocks(title="Image Edit Playground", delete_cache=DELETE_CACHE) as demo:
        banner = build_header(ctx.backend.banner_key)
        notice = build_finished_notice()
        key_state, app_banner = gr.State(None), gr.State(ctx.backend.banner_key)
        with gr.Tabs(selected="edit") as tabs:
            shared_view = build_shared_tab()
            edit_tab = build_edit_tab(ctx.config.wire_format)
            history_tab = build_history_tab(notice)
        api = build_api_inputs()
        run_event = wire_edit(edit_tab, editor, key_state, banner, app_banner, edit_limit)
        wire_regions(edit_tab)
        run_event.then(history.list_history, **history_tab.listing(), **PRIVATE, **AT_ONCE)
        wire_api(api, edit_tab, editor, edit_limit)
        wire_history(demo, history_tab, history, edit_tab, editor, key_state, tabs, edit_limit)
        wire_share_panel(history_tab, shares)
        compare = CompareHandlers(ctx)
        build_and_wire_compare_api(compare, edit_limit)
        wire_compare(
            edit_tab.comparison, compare, edit_tab, key_state, edit_limit, history_tab, history
        )
        wire_history_comparison(history_tab.comparison, compare, history_tab.run_id)
        wire_shared_view(demo, shared_view, shares, history, history_tab, edit_tab, tabs)
        wire_usage(demo, edit_tab, history_tab, UsageHandlers(ctx))
    return demo
