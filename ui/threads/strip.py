"""The thread beside the editor: the turns that led to the editor's input 1 (Continue editing
puts a result there), oldest first; a click on a turn goes back to it, putting the result the
thread went on from back as input 1, so the next run from there starts a branch. Nothing is
lost: every turn stays in History's tree. A guest of the editor (its slot under Run)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.core.context import PageContext
from ui.core.events import QUIET
from ui.core.gallery import gallery_paths, numbered
from ui.core.texts import language_of
from ui.editor.parts import EditTab
from ui.threads.tree_view import NODE_CLICK_JS, thread_html


class ThreadStrip:
    def __init__(self, ctx: PageContext, tab: EditTab, strip: gr.HTML) -> None:
        self.ctx, self.tab, self.strip = ctx, tab, strip

    def _line(self, images: Any, request: Any) -> list:
        """The turns from the thread's first run to the one input 1 continues, with the result
        each went on from (the last turn's: the one input 1 is)."""
        owner = self.ctx.owner(request)
        lineage = self.ctx.gate.lineage_of(gallery_paths(images), owner)
        if lineage is None or not lineage.parent:
            return []
        tree = self.ctx.store.tree(self.ctx.visible_to(owner), lineage.parent)
        return tree.line(lineage.parent) if tree else []

    def show(self, images: Any, request: gr.Request) -> dict:
        line = self._line(images, request)
        if not line:
            return {self.strip: gr.update(value="", visible=False)}
        drawn = thread_html(line, self.ctx.gate.thumbnail, language_of(request))
        return {self.strip: gr.update(value=drawn, visible=True)}

    def go_back(self, images: Any, event: gr.EventData, request: gr.Request) -> dict:
        """Input 1 becomes the chosen turn's result that the thread went on from (its first for
        the newest turn); the other inputs stay."""
        run_id = str((getattr(event, "_data", None) or {}).get("run", ""))
        line = self._line(images, request)
        ids = [node.id for node in line]
        if run_id not in ids:
            return {self.tab.images: gr.skip()}
        after = ids.index(run_id) + 1
        index = (line[after].result_index or 1) if after < len(line) else 1
        run = self.ctx.store.get_run(self.ctx.visible_to(self.ctx.owner(request)), run_id)
        if run is None or not run.output_paths:
            return {self.tab.images: gr.skip()}
        result = self.ctx.gate.outputs(run.id, run.output_paths)[
            min(index, len(run.output_paths)) - 1
        ]
        others = gallery_paths(images)[1:]
        return {self.tab.images: numbered([result, *others], language_of(request))}


def add_thread_strip(ctx: PageContext, tab: EditTab) -> None:
    """The thread in the editor's slot under Run, drawn whenever the inputs change."""
    with tab.below_run:
        strip = gr.HTML(visible=False, js_on_load=NODE_CLICK_JS, elem_id="edit-thread")
    threads = ThreadStrip(ctx, tab, strip)
    tab.images.change(threads.show, tab.images, strip, **QUIET)
    strip.click(threads.go_back, tab.images, tab.images, **QUIET)
