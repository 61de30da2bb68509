"""The batch's grid as the page shows it: a table, a row per item, its input beside its results
(or its state: waiting, failed and why, not sent). Every text is escaped; pictures are served
through Gradio's file route (the gate answers for a run's, ui/core/picture_gate.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape
from urllib.parse import quote

from ui.batch.engine import DONE, FAILED, NOT_SENT, Batch, ItemState
from ui.core.texts import text_in

FILE_ROUTE = "gradio_api/file="
"""Relative, so the grid's pictures load under whatever path the app is served from (its styles:
ui/page.css, .batch-grid)."""
SHOWN_ROWS = 200
"""Every row of the largest batch (MAX_BATCH_IMAGES): the grid is the batch's whole record."""


def picture(path: str) -> str:
    link = FILE_ROUTE + quote(path)
    return f'<a href="{escape(link)}" target="_blank"><img src="{escape(link)}" alt=""></a>'


Row = tuple[str, str, ItemState]
"""An item's name, its input picture, and what came of it."""


def batch_rows(batch: Batch) -> list[Row]:
    return [
        (item.name, item.path, state) for item, state in zip(batch.items, batch.states, strict=True)
    ]


def rows_html(rows: Sequence[Row], shown: Callable[[ItemState], list[str]], language: str) -> str:
    """The grid: input → results, a row per item in the order given; `shown` names an item's
    results as the page may serve them."""
    head = (
        f"<thead><tr><th class='name'>{escape(text_in(language, 'batch_col_name'))}</th>"
        f"<th>{escape(text_in(language, 'batch_col_input'))}</th>"
        f"<th>{escape(text_in(language, 'batch_col_result'))}</th></tr></thead>"
    )
    rows = [
        f"<tr><th class='name'>{escape(name)}</th><td>{picture(path)}</td>"
        f"{_result_cell(state, shown, language)}</tr>"
        for name, path, state in rows[:SHOWN_ROWS]
    ]
    return f"<table>{head}<tbody>{''.join(rows)}</tbody></table>"


def _result_cell(state: ItemState, shown: Callable[[ItemState], list[str]], language: str) -> str:
    if state.state == DONE:
        pictures: Sequence[str] = shown(state)
        return f"<td><div class='pictures'>{''.join(picture(p) for p in pictures)}</div></td>"
    if state.state == FAILED:
        return f"<td class='failed'>{escape(state.error or '')}</td>"
    if state.state == NOT_SENT:
        return f"<td class='note'>{escape(text_in(language, 'batch_not_sent_cell'))}</td>"
    return f"<td class='waiting'>{escape(text_in(language, 'batch_waiting_cell'))}</td>"
