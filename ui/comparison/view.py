"""The comparison grid as the page shows it: an HTML table, rows by model, columns by seed.

Its header row names the seeds and its first column the models, so a person reads the grid
without captions. Images are named by the picture gate and served through Gradio's file route,
which the gate answers (ui/core/picture_gate.py), each a link that opens the picture in a new tab;
a cell still running says so, a failed one its error, one never sent (Stop) or deleted since why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from ui.comparison.plan import cell_caption
from ui.core.client_words import translated
from ui.core.texts import text_in

PICTURES_A_LINE = 2
"""A cell's pictures side by side (`td .pictures a`'s 45 % basis); more wrap to another line."""
FILE_ROUTE = "gradio_api/file="
"""Relative, so the grid's pictures load under whatever path the app is served from."""

GRID_CSS = """
.scroll {overflow-x: auto}
table {width: 100%; border-collapse: collapse; table-layout: fixed;
  --row-height: max(9rem, calc((100vh - 17rem) / var(--models)))} /* grid + Compare on a screen */
caption {caption-side: top; text-align: left; font-size: 0.85em; opacity: 0.8;
  padding-bottom: 0.3em}
th, td {border: 1px solid var(--border-color-primary); padding: 4px; vertical-align: middle;
  text-align: center}
thead th {font-weight: 600}
th.corner {width: 8.5em; font-weight: 400; font-size: 0.8em; opacity: 0.8}
th.model {font-size: 0.85em; overflow-wrap: anywhere}
td .pictures {display: flex; flex-wrap: wrap; gap: 4px; justify-content: center}
td .pictures a {flex: 1 1 45%; min-width: 0; display: block; cursor: zoom-in}
td img {width: 100%; max-height: calc(var(--row-height) / var(--lines) - 12px);
  object-fit: contain; display: block}
tbody td {height: var(--row-height)} /* the grid keeps its size as its cells end */
td.waiting {opacity: 0.7}
td.failed {color: var(--error-text-color); font-size: 0.85em; text-align: left}
td.note {font-size: 0.85em; opacity: 0.8; text-align: left}
@media (max-width: 640px) {
  th.corner {width: 5em} th.model, thead th {font-size: 0.75em} th, td {padding: 2px}
  table {width: max(100%, calc(5em + var(--seeds) * 100px))} /* scrolls sideways, never tiny */
  tbody td {height: auto} td.waiting {height: 6em} /* narrow cells: each row its pictures' */
}
"""


@dataclass(frozen=True)
class CellView:
    """A finished cell: its images (history files), or why it has none: `error`, a failure;
    `note`, no failure (never sent, or deleted from History since)."""

    images: tuple[str, ...] = ()
    error: str | None = None
    note: str | None = None
    run_id: str | None = None
    """The cell's run in History, when it made one (the `/compare` endpoint returns it)."""


def grid_html(
    models: Sequence[str],
    seeds: Sequence[int],
    cells: Mapping[tuple[str, int], CellView],
    language: str = "en",
) -> str:
    """The labelled table; a (model, seed) missing from `cells` is still running."""
    header = "".join(
        f'<th scope="col">{escape(text_in(language, "grid_seed", seed=seed))}</th>'
        for seed in seeds
    )
    corner = escape(text_in(language, "grid_corner")).replace(" · ", "<br>")  # rows ↓, columns →
    rows = "".join(
        f'<tr><th scope="row" class="model">{escape(model)}</th>'
        + "".join(_cell(model, seed, cells.get((model, seed)), language) for seed in seeds)
        + "</tr>"
        for model in models
    )
    caption = escape(text_in(language, "grid_caption"))
    return (
        f'<div class="scroll"><table class="compare-grid" '
        f'style="--seeds: {len(seeds)}; --models: {len(models)}">'
        f"<caption>{caption}</caption>"
        f'<thead><tr><th class="corner">{corner}</th>{header}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _cell(model: str, seed: int, view: CellView | None, language: str) -> str:
    if view is None:
        return f'<td class="waiting">{escape(text_in(language, "grid_waiting"))}</td>'
    if view.note and not view.images:
        return f'<td class="note">{escape(view.note)}</td>'
    if view.error or not view.images:
        error = translated(view.error, language) if view.error else None
        reason = text_in(language, "grid_failed", error=error) if error else None
        return f'<td class="failed">{escape(reason or text_in(language, "grid_no_image"))}</td>'
    alt = escape(cell_caption(model, seed), quote=True)
    title = escape(text_in(language, "grid_open_picture"), quote=True)
    pictures = "".join(
        f'<a href="{FILE_ROUTE}{quote(path)}" target="_blank" rel="noopener" title="{title}">'
        f'<img src="{FILE_ROUTE}{quote(path)}" alt="{alt}"></a>'
        for path in view.images
    )
    lines = -(-len(view.images) // PICTURES_A_LINE)
    return f'<td class="done"><div class="pictures" style="--lines: {lines}">{pictures}</div></td>'
