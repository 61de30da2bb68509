"""The comparison grid as the page shows it: an HTML table, rows by model, columns by seed.

Its header row names the seeds and its first column the models, so a person reads the grid
without captions. Images are the history's own files, served by Gradio's file route (the history
folder is one of the app's allowed paths); a cell still running says so, a failed one its error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from .grid import cell_caption
from .texts import LANGUAGES, TEXTS

FILE_ROUTE = "gradio_api/file="
"""Relative, so the grid's pictures load under whatever path the app is served from."""

GRID_CSS = """
table {width: 100%; border-collapse: collapse; table-layout: fixed}
caption {caption-side: top; text-align: left; font-size: 0.85em; opacity: 0.8;
  padding-bottom: 0.3em}
th, td {border: 1px solid var(--border-color-primary); padding: 4px; vertical-align: middle;
  text-align: center}
thead th {font-weight: 600}
th.corner {width: 8.5em; font-weight: 400; font-size: 0.8em; opacity: 0.8}
th.model {font-size: 0.85em; overflow-wrap: anywhere}
td .pictures {display: flex; flex-wrap: wrap; gap: 4px; justify-content: center}
td img {flex: 1 1 45%; min-width: 0; width: 100%; max-height: 240px; object-fit: contain}
td.waiting {opacity: 0.7; height: 6em}
td.failed {color: var(--error-text-color); font-size: 0.85em; text-align: left}
@media (max-width: 640px) {
  th.corner {width: 5em} th.model, thead th {font-size: 0.75em} th, td {padding: 2px}
}
"""


@dataclass(frozen=True)
class CellView:
    """A finished cell: its images (history files) or why it has none."""

    images: tuple[str, ...] = ()
    error: str | None = None


def grid_html(
    models: Sequence[str],
    seeds: Sequence[int],
    cells: Mapping[tuple[str, int], CellView],
    language: str = "en",
) -> str:
    """The labelled table; a (model, seed) missing from `cells` is still running."""
    words = {key: pair[LANGUAGES.index(language)] for key, pair in TEXTS.items()}
    header = "".join(
        f'<th scope="col">{escape(words["grid_seed"].format(seed=seed))}</th>' for seed in seeds
    )
    corner = escape(words["grid_corner"]).replace(" · ", "<br>")  # rows ↓, then columns →
    rows = "".join(
        f'<tr><th scope="row" class="model">{escape(model)}</th>'
        + "".join(_cell(model, seed, cells.get((model, seed)), words) for seed in seeds)
        + "</tr>"
        for model in models
    )
    return (
        f'<table class="compare-grid"><caption>{escape(words["grid_caption"])}</caption>'
        f'<thead><tr><th class="corner">{corner}</th>{header}</tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _cell(model: str, seed: int, view: CellView | None, words: Mapping[str, str]) -> str:
    if view is None:
        return f'<td class="waiting">{escape(words["grid_waiting"])}</td>'
    if view.error or not view.images:
        reason = words["grid_failed"].format(error=view.error) if view.error else None
        return f'<td class="failed">{escape(reason or words["grid_no_image"])}</td>'
    alt = escape(cell_caption(model, seed), quote=True)
    pictures = "".join(f'<img src="{FILE_ROUTE}{quote(path)}" alt="{alt}">' for path in view.images)
    return f'<td class="done"><div class="pictures">{pictures}</div></td>'
