"""Usage joins the page: the plan beside Run follows the model and n (and an example or a
restored run that sets them); History's line, in its slot above the list, follows the list and is
also the `/history_usage` endpoint.
"""

from __future__ import annotations

import gradio as gr

from ui.core.context import PageContext
from ui.core.events import AT_ONCE, QUIET
from ui.core.page import HistoryHooks
from ui.editor.parts import EditTab
from ui.usage.handlers import UsageHandlers


def add_usage(ctx: PageContext, demo: gr.Blocks, edit_tab: EditTab, history: HistoryHooks) -> None:
    usage = UsageHandlers(ctx)
    c = edit_tab.controls
    plan = {"inputs": [c["model"], c["custom_model"], c["n"]], "outputs": edit_tab.plan}
    demo.load(usage.plan, **plan, **QUIET)
    for control in (c["model"], c["custom_model"], c["n"]):
        control.change(usage.plan, **plan, **QUIET)
    if edit_tab.examples is not None:  # an example's values arrive without .change
        edit_tab.examples.load_input_event.then(usage.plan, **plan, **QUIET)
    with history.above_list:
        history_line = gr.Markdown(label="Usage", elem_id="history-usage")
    line = {"fn": usage.history_usage, "inputs": None, "outputs": history_line}
    demo.load(**line, api_name="history_usage", **AT_ONCE)
    history.gallery.change(**line, **QUIET)
    if ctx.store.budget.configured:  # what is left today follows every run, listed in History
        history.gallery.change(usage.plan, **plan, **QUIET)
