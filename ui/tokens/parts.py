"""The API tokens panel, in the slot under History's list: name a token and create it (shown
once, with a copy button), the live tokens by name and date, Revoke. Wired in
ui/tokens/wiring.py; handlers in ui/tokens/handlers.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from history.tokens import NAME_MAX_CHARS
from ui.core.texts import label


@dataclass
class TokensPanel:
    name: gr.Textbox
    create: gr.Button
    new_token: gr.Textbox
    """The token just made: its only showing."""
    tokens: gr.Radio
    """The live tokens, by name and date; the selected one is what Revoke ends."""
    target: gr.Textbox
    """The selected token's name (the API's `token_revoke` takes a name or a token)."""
    listing: gr.JSON
    """The live tokens as data (the API's `token_list`)."""
    revoke: gr.Button
    status: gr.Markdown


def build_tokens_panel() -> TokensPanel:
    with gr.Accordion(label("tokens_title"), open=False, elem_id="api-tokens"):
        gr.Markdown(label("tokens_intro"))
        with gr.Row(equal_height=True):
            name = gr.Textbox(
                label=label("token_name"),
                placeholder=label("token_name_placeholder"),
                max_length=NAME_MAX_CHARS,
                scale=3,
                min_width=180,
                elem_id="token-name",
            )
            create = gr.Button(
                label("token_create"), scale=0, min_width=140, elem_id="token-create"
            )
        new_token = gr.Textbox(
            label=label("token_new"),
            info=label("token_new_info"),
            visible=False,
            interactive=False,
            buttons=["copy"],
            elem_id="token-new",
        )
        tokens = gr.Radio(
            label=label("token_list"),
            info=label("token_list_info"),
            visible=False,
            elem_id="token-list",
        )
        target = gr.Textbox(label="token_or_name", visible=False)
        listing = gr.JSON(label="tokens", visible=False)
        with gr.Row(equal_height=True):
            revoke = gr.Button(
                label("token_revoke"),
                variant="stop",
                size="sm",
                visible=False,
                scale=0,
                min_width=220,
                elem_id="token-revoke",
            )
            status = gr.Markdown(label="status", elem_id="token-status")  # named for the API
    return TokensPanel(name, create, new_token, tokens, target, listing, revoke, status)
