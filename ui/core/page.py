"""What a host feature lends its guests, so that features never import each other.

The editor and History are hosts: they build their parts with empty slots (a Column or a Row)
where a guest's panel goes, and app.py puts each guest in its slot. A guest gets what it may act
on through these hooks: where a run is put back for editing (EditorTarget), and History's opened
run, its slots and a way to list History again after an event (HistoryHooks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gradio as gr

from client import EditParams
from history import RunDetail
from ui.core.controls import CONTROL_NAMES, page_values
from ui.core.gallery import numbered

Event = Any
"""A Gradio event (gr.events.Dependency), or an event trigger's method such as `.success`."""


@dataclass
class EditorTarget:
    """The editor as others fill it: History's Restore and Run again, a shared run's Open in my
    editor."""

    images: gr.Gallery
    controls: dict[str, Any]
    """One component per name in CONTROL_NAMES."""
    tabs: gr.Tabs
    run_after: Callable[[Event], Event]
    """Chains the editor's Run (its refusal check, then the run) after an event's trigger."""

    def outputs(self) -> list[Any]:
        return [self.images, *self.controls.values(), self.tabs]

    def restore(self, run: RunDetail, inputs: list[str], language: str = "en") -> dict[Any, Any]:
        """A run's inputs (as the picture gate names them: `inputs`) and every parameter, seed
        included, in the editor, which is shown."""
        values = page_values(EditParams.from_dict(run.params))
        return {
            self.images: numbered(inputs, language),
            **{self.controls[name]: values[name] for name in CONTROL_NAMES},
            self.tabs: gr.Tabs(selected="edit"),
        }


@dataclass
class HistoryHooks:
    """History's tab as its guests (Share, the comparison, usage) reach it."""

    run_id: gr.Textbox
    """The id of the run opened in History ("" when none is)."""
    actions: gr.Row
    """A slot in the opened run's row of actions."""
    below_actions: gr.Column
    """A slot under the opened run's actions."""
    above_list: gr.Column
    """A slot above the list of runs."""
    below_list: gr.Column
    """A slot under the list of runs and the opened run."""
    gallery: gr.Gallery
    """The list of runs (it changes whenever History is listed again)."""
    relist: Callable[[Event], Event]
    """Lists History again after an event (its `.then`, or `.success`)."""
