"""Which handler answers which event of links to one run: the Share panel of an opened run and
the Shared run tab (ui/share_layout.py) joined to their handlers (ui/share_events.py).

Public endpoints: `history_share` (a run id: its new link), `history_revoke` (a token) and
`shared_run` (a token: the run, read-only). Everything answers at once, like the rest of History.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.editor.parts import EditTab
from ui.editor.wiring import AT_ONCE, PRIVATE
from ui.history.handlers import HistoryHandlers
from ui.history.parts import HistoryTab
from ui.share.handlers import ShareHandlers
from ui.share.parts import SharedView

CLICK_SHARED_DOWNLOAD_JS = "() => document.querySelector('#shared-download-file')?.click()"
QUIET = {**AT_ONCE, **PRIVATE}
SELECTED_TOKEN_JS = "(token) => token || ''"
"""The link picked in the list is the one Revoke ends (in the page, no round trip)."""


def _cleared() -> str:
    return ""


def _shows_a_run(params: Any) -> Any:
    return gr.update(visible=params is not None)


def wire_share_panel(page: HistoryTab, shares: ShareHandlers) -> None:
    """Share makes a link and lists it; Revoke ends the selected one; opening another run (or
    deleting this one) lists that run's links instead."""
    panel = page.share
    listing = {"inputs": [page.run_id, panel.link], "outputs": panel.list_outputs()}
    page.run_id.change(shares.list_links, **listing, **QUIET)
    page.run_id.change(_cleared, None, panel.status, **QUIET)
    panel.share.click(
        shares.share, page.run_id, panel.link, api_name="history_share", **AT_ONCE
    ).success(shares.list_links, **listing, **QUIET).success(_cleared, None, panel.status, **QUIET)
    panel.links.change(None, panel.links, panel.token, js=SELECTED_TOKEN_JS, **QUIET)
    panel.revoke.click(
        shares.revoke, panel.token, panel.status, api_name="history_revoke", **AT_ONCE
    ).success(shares.list_links, **listing, **QUIET)


def wire_shared_view(
    demo: gr.Blocks,
    view: SharedView,
    shares: ShareHandlers,
    history: HistoryHandlers,
    history_tab: HistoryTab,
    edit_tab: EditTab,
    tabs: gr.Tabs,
) -> None:
    """`?share=<token>` opens the Shared run tab; Download and Open in my editor act on it."""
    demo.load(shares.token_from_page, None, [view.token, view.tab, tabs], **QUIET)
    shown = view.token.change(
        shares.show, view.token, view.parts(), api_name="shared_run", **AT_ONCE
    )
    shown.then(_shows_a_run, view.params, view.body, **QUIET)
    view.download.click(shares.export, view.token, view.download_file, **QUIET).success(
        None, js=CLICK_SHARED_DOWNLOAD_JS
    )
    view.open_in_editor.click(
        shares.open_in_editor, view.token,
        [edit_tab.images, *edit_tab.controls.values(), tabs, view.status], **QUIET,
    ).success(history.list_history, **history_tab.listing(), **QUIET)  # fmt: skip
