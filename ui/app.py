"""The app: starts the backend and the history, builds the page, and launches it.

`build_app(config)` returns an `App` whose `launch()` applies the settings that Gradio 6 takes at
launch time (theme, css, js, auth, middleware, upload limit, Gradio's own run history turned off).
`build_blocks` is the page's table of contents: the editor and History, then each feature that
joins them, one line each (every feature is a package of its own: parts, handlers, wiring).
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
from history import HistoryStore, RunJournal
from ui.api.wiring import add_api
from ui.batch.wiring import add_batch
from ui.budgets.wiring import add_budgets
from ui.comparison.parts import GRID_PAGE_CSS
from ui.comparison.wiring import add_comparison
from ui.core.backend import start_backend
from ui.core.compression import CompressedPageMiddleware
from ui.core.config import GRADIO_UPLOAD_CAP, AppConfig
from ui.core.context import PageContext
from ui.core.owner import OwnerCookieMiddleware, load_or_create_secret
from ui.core.picture_gate import PictureGateMiddleware
from ui.core.runs import Runner
from ui.core.served_files import DELETE_CACHE, use_own_cache
from ui.core.texts import I18N
from ui.editor.parts import build_edit_tab, build_header
from ui.editor.wiring import keep_editor, wire_editor
from ui.history.parts import build_finished_notice, build_history_tab
from ui.history.wiring import wire_history
from ui.ops.drain import Drain
from ui.ops.wiring import Operation
from ui.presets.wiring import add_presets
from ui.regions.wiring import add_regions
from ui.share.parts import build_shared_tab
from ui.share.wiring import add_share
from ui.threads.strip import add_thread_strip
from ui.threads.wiring import add_threads
from ui.tokens.door import edits_route
from ui.tokens.wiring import add_tokens
from ui.usage.wiring import add_usage

CSS = (Path(__file__).parent / "page.css").read_text(encoding="utf-8") + GRID_PAGE_CSS
"""The page's styles: whole pictures, the status line, History's entries, phone width; and
the comparison grid's table."""

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

ANSWER_IN_VIEW_JS = """
() => {
  // On a phone Run's answer lands far from Run (the results ~900 px below it). The answer is
  // brought into view, only when it is out of view: the status line at the press, then the
  // results (or Compare's grid, kept in view while it fills) when they come, else the status
  // line's refusal or error. A watch ends with its answer, or when the person turns elsewhere.
  const watches = [
    {button: '#run-button', status: '#run-status', answer: '#results', block: 'start',
     made: () => [...document.querySelectorAll('#results img')].map(i => i.src).join(' ')},
    {button: '#compare-button', status: '#compare-status', answer: '#compare-grid',
     block: 'nearest', made: () => document.querySelector('#compare-grid table')?.outerHTML || ''},
  ];
  const motion = matchMedia('(prefers-reduced-motion: reduce)');
  const find = (selector) => document.querySelector(selector);
  const said = (watch) => find(watch.status + ' [data-testid="markdown"]')?.innerText || '';
  const busy = (watch) => Boolean(find(watch.button)?.disabled);
  const seen = (box) => box.top >= 0 && (box.bottom <= innerHeight
    || (box.height > innerHeight && box.top < innerHeight / 4));
  const bring = (selector, block) => {
    const element = find(selector);
    const box = element?.getBoundingClientRect();
    if (box && box.height > 0 && !seen(box)) {
      element.scrollIntoView({behavior: motion.matches ? 'auto' : 'smooth', block});
    }
  };
  const arm = (watch) => { watch.armed = {said: said(watch), made: watch.made(), shown: false}; };
  const check = (watch) => {
    const nowBusy = busy(watch);
    if (nowBusy && !watch.wasBusy && !watch.armed) arm(watch);  // Run again, from History
    watch.wasBusy = nowBusy;
    const armed = watch.armed;
    if (!armed) return;
    const made = watch.made();
    if (armed.shown || (made && made !== armed.made)) {
      armed.shown = true;
      bring(watch.answer, watch.block);
      if (!nowBusy) watch.armed = null;
    } else if (!nowBusy && said(watch) !== armed.said) {
      watch.armed = null;
      bring(watch.status, 'nearest');
    }
  };
  document.addEventListener('click', (event) => {
    for (const watch of watches) {
      if (event.target.closest?.(watch.button)) { arm(watch); bring(watch.status, 'nearest'); }
    }
  }, true);
  const elsewhere = (event) => {  // the person scrolls, types or taps: the page leaves them be
    for (const watch of watches) {
      const onButton = event.target.closest?.(watch.button);
      if (watch.armed && !onButton && (watch.armed.shown || !busy(watch))) watch.armed = null;
    }
  };
  for (const type of ['pointerdown', 'keydown', 'wheel', 'touchmove']) {
    document.addEventListener(type, elsewhere, {capture: true, passive: true});
  }
  let pending = null;
  new MutationObserver(() => {
    pending = pending || setTimeout(() => { pending = null; watches.forEach(check); }, 120);
  }).observe(document.body, {subtree: true, childList: true, characterData: true,
    attributes: true, attributeFilter: ['disabled', 'src']});
}
"""

PAGE_JS = f"() => {{ ({CTRL_ENTER_JS.strip()})(); ({ANSWER_IN_VIEW_JS.strip()})(); }}"
"""The page's scripts, run once when it loads (Gradio takes one function)."""

THEME = gr.themes.Soft(font_mono=("ui-monospace", "Consolas", "monospace"))
"""Soft, with the system's monospace font for the few words in code type (model names, the
key's variable): Soft's own, IBM Plex Mono, is a 36 KB download on every visit."""


@dataclass
class App:
    demo: gr.Blocks
    context: PageContext
    launch_kwargs: dict[str, Any] = field(default_factory=dict)
    ops: Operation | None = None

    def launch(self, **overrides: Any) -> Any:
        return self.demo.launch(**{**self.launch_kwargs, **overrides})

    def answering(self) -> bool:
        """Whether Gradio still has an event whose answer its caller has not been sent (a
        finished run's answer on its way out): Gradio forgets an event once its stream
        delivered the completion."""
        queue = getattr(self.demo, "_queue", None)
        return queue is not None and any(queue.pending_event_ids_session.values())

    def close(self) -> None:
        self.demo.close()
        self.context.backend.close()
        self.context.runner.journal.close()
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
        budget=config.budget,
    )
    secret = load_or_create_secret(config.history_dir, config.history_secret)
    use_own_cache(config.history_dir)  # before the context: the picture gate lives in it
    ops = Operation(Drain(config.drain_seconds))
    backend = start_backend(config, ops.metrics)
    journal = RunJournal(store)
    journal.start()  # runs a crash interrupted are marked, answers kept in the spool saved
    runner = Runner(
        backend,
        store,
        PreparationCache(),
        config.max_concurrent_runs,
        journal,
        ops.run_hooks,
        store.rate_limiter(config.rate_limit),
    )
    context = PageContext(config, backend, store, runner, secret)
    demo = build_blocks(context)
    demo.queue(max_size=config.queue_size)
    doors = add_api(context, demo)
    launch_kwargs = {
        "server_name": config.server_name,
        "server_port": config.server_port,
        "share": config.share,
        "mcp_server": False,  # ui/api serves MCP itself (ui/api/mcp.py says why)
        "auth": list(config.auth) or None,
        "max_file_size": GRADIO_UPLOAD_CAP,
        "allowed_paths": [  # a run's pictures only through the gate; a spooled answer's files
            str(journal.spool.folder.resolve()),  # until the history can take it
            str(EXAMPLES_DIR),
        ],
        "run_history": False,
        "css": CSS,
        "js": PAGE_JS,
        "theme": THEME,
        "i18n": I18N,
        "app_kwargs": {
            "routes": [  # the gateway's endpoint, for token holders; health and metrics
                edits_route(context),
                *ops.routes(runner, store, journal),
            ],
            **doors,
            "middleware": [
                ops.middleware,
                Middleware(CompressedPageMiddleware),
                Middleware(OwnerCookieMiddleware, secret=secret, tokens=store.token_identity),
                Middleware(PictureGateMiddleware, gate=context.gate),
                *doors["middleware"],
            ],
        },
    }
    return App(demo, context, launch_kwargs, ops)


def build_blocks(ctx: PageContext) -> gr.Blocks:
    """The page, top to bottom: its two hosts (the editor and History) built and wired, then
    each guest feature put in the slots they lend."""
    with gr.Blocks(title="Image Edit Playground", delete_cache=DELETE_CACHE) as demo:
        banner = build_header(ctx.backend.banner_key)
        notice = build_finished_notice()
        with gr.Tabs(selected="edit") as tabs:
            shared_view = build_shared_tab()
            edit_tab = build_edit_tab(ctx.config.wire_format)
            history_tab = build_history_tab(notice)
        editor, run_step = wire_editor(ctx, edit_tab, banner, tabs)
        keep_editor(ctx, demo, edit_tab)
        history = wire_history(ctx, demo, history_tab, editor)
        history.relist(run_step.then)
        add_regions(edit_tab, ctx.input_files)
        add_comparison(ctx, edit_tab, history)
        add_batch(ctx, demo, edit_tab, history)
        add_share(ctx, demo, shared_view, history, editor)
        add_threads(ctx, history)
        add_thread_strip(ctx, edit_tab)
        add_usage(ctx, demo, edit_tab, history)
        add_tokens(ctx, demo, history)
        add_budgets(ctx, demo, history)
        add_presets(ctx, demo, edit_tab)
    return demo
