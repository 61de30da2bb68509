"""Handlers of personal API tokens: create (the token returned once), list, revoke.

Each acts for the identity of whoever sends the request (the signed visitor cookie or the login,
or the identity of the token a script presents), never for an argument: `/token_create` and
`/token_revoke` manage the caller's own tokens only. The store keeps tokens hashed
(history/tokens.py); nothing here logs one.
"""

from __future__ import annotations

import time
from typing import Any

import gradio as gr

from history import TokenIdentity, TokenRefused
from history.tokens import MAX_TOKENS, NAME_MAX_CHARS
from ui.core.context import PageContext
from ui.core.texts import say
from ui.tokens.parts import TokensPanel


def when(created_at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(created_at))


class TokenHandlers:
    """The panel's and the endpoints' handlers, bound to the page's context and the panel."""

    def __init__(self, ctx: PageContext, panel: TokensPanel) -> None:
        self.ctx = ctx
        self.panel = panel
        self.listed = [panel.tokens, panel.target, panel.revoke]
        """What list_tokens fills."""

    def token_create(self, name: str, request: gr.Request) -> str:
        """A new token for the caller, named `name`: the only time it is shown."""
        owner = self.ctx.owner(request)
        try:
            return self.ctx.store.create_token(TokenIdentity(owner.id, owner.label), name)
        except TokenRefused as refused:
            raise gr.Error(
                say(request, f"token_{refused.reason}", most=_most(refused.reason))
            ) from None

    def token_revoke(self, token_or_name: str, request: gr.Request) -> str:
        """Ends one of the caller's tokens, given as itself or by its name, at once."""
        owner = self.ctx.owner(request)
        if not self.ctx.store.revoke_token(owner.id, token_or_name or ""):
            raise gr.Error(say(request, "token_not_found"))
        return say(request, "token_revoked")

    def token_list(self, request: gr.Request) -> list[dict[str, Any]]:
        """The caller's live tokens as data: name and when it was made (never the token)."""
        owner = self.ctx.owner(request)
        return [
            {"name": token.name, "created_at": token.created_at}
            for token in self.ctx.store.tokens_of(owner.id)
        ]

    def list_tokens(self, request: gr.Request) -> dict[Any, Any]:
        """The panel's list: each token by name and date, the newest selected."""
        owner = self.ctx.owner(request)
        tokens = self.ctx.store.tokens_of(owner.id)
        choices = [
            (f"{t.name} · {say(request, 'token_made', when=when(t.created_at))}", t.name)
            for t in tokens
        ]
        newest = tokens[0].name if tokens else ""
        return {
            self.panel.tokens: gr.update(
                choices=choices, value=newest or None, visible=bool(tokens)
            ),
            self.panel.target: newest,
            self.panel.revoke: gr.update(visible=bool(tokens)),
        }


def _most(reason: str) -> int:
    return NAME_MAX_CHARS if reason == "name_too_long" else MAX_TOKENS
