"""Which events refresh the usage lines: the plan under Run follows the model and n (and an
example or a restored run that sets them); History's line follows its list, and is also the
`/history_usage` endpoint.
"""

from __future__ import annotations

import gradio as gr

from ui.editor.parts import EditTab
from ui.editor.wiring import AT_ONCE, PRIVATE
from ui.history.parts import HistoryTab
from ui.usage.handlers import UsageHandlers


def wire_usage(
    demo: gr.Blocks, edit_tab: EditTab, history_tab: HistoryTab, usage: UsageHandlers
) -> None:
    c = edit_tab.controls
    plan = {"inputs": [c["model"], c["custom_model"], c["n"]], "outputs": edit_tab.plan}
    demo.load(usage.plan, **plan, **AT_ONCE, **PRIVATE)
    for control in (c["model"], c["custom_model"], c["n"]):
        control.change(usage.plan, **plan, **AT_ONCE, **PRIVATE)
    if edit_tab.examples is not None:  # an example's values arrive without .change
        edit_tab.examples.load_input_event.then(usage.plan, **plan, **AT_ONCE, **PRIVATE)
    line = {"fn": usage.history_usage, "inputs": None, "outputs": history_tab.usage}
    demo.load(**line, api_name="history_usage", **AT_ONCE)
    history_tab.gallery.change(**line, **AT_ONCE, **PRIVATE)
