"""Which handler answers which event of links to one run: the Share panel of an opened run and
the Shared run tab, joined to their handlers, in the slots History lends.

Public endpoints: `history_share` (a run id: its new link), `history_revoke` (a token) and
`shared_run` (a token: the run, read-only). Everything answers at once, like the rest of History.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from ui.core.context import PageContext
from ui.core.events import AT_ONCE, QUIET
from ui.core.page import EditorTarget, HistoryHooks
from ui.share.handlers import ShareHandlers
from ui.share.parts import SharedView, SharePanel, build_share_button, build_share_panel


def add_share(
    ctx: PageContext,
    demo: gr.Blocks,
    view: SharedView,
    history: HistoryHooks,
    editor: EditorTarget,
) -> None:
    """Share in History's opened run (its button among the actions, its panel under them) and
    the Shared run tab `view` (built among the tabs by app.py)."""
    with history.actions:
        button = build_share_button()
    with history.below_actions:
        panel = build_share_panel(button)
    shares = ShareHandlers(ctx, panel, view, editor)
    wire_share_panel(panel, history.run_id, shares)
    history.relist(wire_shared_view(demo, view, shares, editor).success)


CLICK_SHARED_DOWNLOAD_JS = "() => document.querySelector('#shared-download-file')?.click()"
SELECTED_TOKEN_JS = "(token) => token || ''"
"""The link picked in the list is the one Revoke ends (in the page, no round trip)."""


def _cleared() -> str:
    return ""


def _shows_a_run(params: Any) -> Any:
    return gr.update(visible=params is not None)


def wire_share_panel(panel: SharePanel, run_id: gr.Textbox, shares: ShareHandlers) -> None:
    """Share makes a link and lists it; Revoke ends the selected one; opening another run (or
    deleting this one) lists that run's links instead."""
    listing = {"inputs": [run_id, panel.link], "outputs": shares.listed}
    run_id.change(shares.list_links, **listing, **QUIET)
    run_id.change(_cleared, None, panel.status, **QUIET)
    panel.share.click(
        shares.share, run_id, panel.link, api_name="history_share", **AT_ONCE
    ).success(shares.list_links, **listing, **QUIET).success(_cleared, None, panel.status, **QUIET)
    panel.links.change(None, panel.links, panel.token, js=SELECTED_TOKEN_JS, **QUIET)
    panel.revoke.click(
        shares.revoke, panel.token, panel.status, api_name="history_revoke", **AT_ONCE
    ).success(shares.list_links, **listing, **QUIET)


def wire_shared_view(
    demo: gr.Blocks, view: SharedView, shares: ShareHandlers, editor: EditorTarget
) -> Any:
    """`?share=<token>` opens the Shared run tab; Download and Open in my editor act on it.
    Returns Open in my editor's event (History lists the copy it saves)."""
    demo.load(shares.token_from_page, None, shares.opened_tab, **QUIET)
    shown = view.token.change(
        shares.show, view.token, shares.shown, api_name="shared_run", **AT_ONCE
    )
    shown.then(_shows_a_run, view.params, view.body, **QUIET)
    view.download.click(shares.export, view.token, view.download_file, **QUIET).success(
        None, js=CLICK_SHARED_DOWNLOAD_JS
    )
    return view.open_in_editor.click(shares.open_in_editor, view.token, shares.copied, **QUIET)
