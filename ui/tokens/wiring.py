"""API tokens join the page: their panel in the slot under History's list, and their door.

Endpoints: `token_create` (a name: the token, once), `token_list` (the caller's tokens by name
and date) and `token_revoke` (a token or its name), all for the caller's own identity and
answered at once. The `/v1/images/edits` door (door.py) is a route of the app itself, which
ui/app.py hands Gradio at launch.
"""

from __future__ import annotations

import gradio as gr

from ui.core.context import PageContext
from ui.core.events import AT_ONCE, QUIET
from ui.core.page import HistoryHooks
from ui.tokens.handlers import TokenHandlers
from ui.tokens.parts import build_tokens_panel

SELECTED_JS = "(name) => name || ''"
"""The token picked in the list is the one Revoke ends (in the page, no round trip)."""


def _shown() -> dict:
    return gr.update(visible=True)


def _hidden() -> dict:
    return gr.update(value="", visible=False)


def _emptied() -> str:
    return ""


def add_tokens(ctx: PageContext, demo: gr.Blocks, history: HistoryHooks) -> None:
    with history.below_list:
        panel = build_tokens_panel()
    tokens = TokenHandlers(ctx, panel)
    listing = {"fn": tokens.list_tokens, "inputs": None, "outputs": tokens.listed}
    demo.load(**listing, **QUIET)
    demo.load(tokens.token_list, None, panel.listing, api_name="token_list", **AT_ONCE)
    created = panel.create.click(
        tokens.token_create, panel.name, panel.new_token, api_name="token_create", **AT_ONCE
    ).success(_shown, None, panel.new_token, **QUIET)
    created.success(_emptied, None, panel.name, **QUIET).success(**listing, **QUIET)
    created.success(_emptied, None, panel.status, **QUIET)
    panel.tokens.change(None, panel.tokens, panel.target, js=SELECTED_JS, **QUIET)
    revoked = panel.revoke.click(
        tokens.token_revoke, panel.target, panel.status, api_name="token_revoke", **AT_ONCE
    )
    revoked.success(**listing, **QUIET).success(_hidden, None, panel.new_token, **QUIET)
