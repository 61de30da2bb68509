"""Handlers of links to one run (issue 14.3): Share, a run's live links with Revoke, and the
Shared run tab that anyone with a link opens (read-only, with Download and Open in my editor).

Making, listing and revoking links resolve the owner from the request (signed cookie or login
name), never from an argument, and only ever touch that owner's runs, in the shared scope too.
Opening a link needs its token alone; its pictures are named for the link in the picture gate
(ui/core/picture_gate.py), which serves them only while the link is live, so a revoke or a delete
ends them at once, on every replica. Open in my editor saves a copy
into the visitor's own history: the visitor's, from their own cookie, never the sharer's.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import gradio as gr
from gradio import route_utils

from history import RunDetail
from ui.core.context import PageContext
from ui.core.gallery import numbered
from ui.core.page import EditorTarget
from ui.core.run_words import detail_markdown
from ui.core.texts import language_of, say, text_in
from ui.share.parts import SharedView, SharePanel

API_PREFIX = "/gradio_api/"


def public_root(request: Any) -> str:
    """The page's address as the visitor reached it (through a proxy's X-Forwarded-Host and
    -Proto too), without a trailing slash; "" when the request does not say."""
    raw = getattr(request, "request", None)
    if raw is None:
        return ""
    path = raw.url.path
    route = path[path.index(API_PREFIX) :] if API_PREFIX in path else ""
    return route_utils.get_root_url(raw, route, None)


def share_link(root: str, token: str) -> str:
    return f"{root}/?share={token}"


def shared_markdown(run: RunDetail, language: str = "en") -> str:
    """What a link shows of a run in words: the detail's, without who ran it."""
    detail = detail_markdown(dataclasses.replace(run, owner_label=None), language)
    return f"{text_in(language, 'shared_intro')}\n\n{detail}"


def made(request: Any, link: str, when: str) -> str:
    """A live link as the list shows it, with when it was made."""
    return say(request, "link_made", link=link, when=when)


class ShareHandlers:
    """Links to a run, bound to the page's context, the Share panel, the Shared run tab and the
    editor.

    A handler that fills several parts returns `{part: value}` (a part it leaves out keeps what it
    shows); the events it answers declare as outputs the list named after it below, whose order is
    what an API client reads (`shared_run`)."""

    def __init__(
        self, ctx: PageContext, panel: SharePanel, view: SharedView, editor: EditorTarget
    ) -> None:
        self.ctx = ctx
        self.panel = panel
        self.view = view
        self.editor = editor
        self.listed = [panel.link, panel.links, panel.token, panel.revoke]
        """What list_links fills."""
        self.opened_tab = [view.token, view.tab, editor.tabs]
        """What token_from_page fills."""
        self.shown = [view.text, view.inputs, view.outputs, view.params]
        """What show fills, in `shared_run`'s order."""
        self.copied = [*editor.outputs(), view.status]
        """What open_in_editor fills: the editor's parts, the tabs and the view's status."""

    # -- the owner's side, on an opened run ----------------------------------------------------

    def share(self, run_id: str, request: gr.Request) -> str:
        """Makes a new link to one of the visitor's own runs; returns it as an address."""
        owner = self.ctx.owner(request)
        token = self.ctx.store.share_run(owner.id, run_id.strip()) if run_id else None
        if token is None:
            raise gr.Error(say(request, "share_not_yours"))
        return share_link(public_root(request), token)

    def list_links(self, run_id: str, shown: str, request: gr.Request) -> dict[Any, Any]:
        """The run's live links (the visitor's own runs only), the newest selected; the link
        shown above them stays only while it is live."""
        owner = self.ctx.owner(request)
        shares = self.ctx.store.shares_of(owner.id, run_id.strip()) if run_id else []
        root = public_root(request)
        choices = [
            (
                say(request, "link_made", link=share_link(root, s.token), when=_when(s.created_at)),
                s.token,
            )
            for s in shares
        ]
        live = bool(shown) and any(shown.endswith(f"={share.token}") for share in shares)
        newest = shares[-1].token if shares else ""
        return {
            self.panel.link: gr.update(value=shown if live else "", visible=live),
            self.panel.links: gr.update(
                choices=choices, value=newest or None, visible=bool(shares)
            ),
            self.panel.token: newest,
            self.panel.revoke: gr.update(visible=bool(shares)),
        }

    def revoke(self, token: str, request: gr.Request) -> str:
        """Ends one of the visitor's own links at once: its page and its pictures' addresses
        show nothing of the run from now on."""
        owner = self.ctx.owner(request)
        if not self.ctx.store.revoke_share(owner.id, token or ""):
            raise gr.Error(say(request, "revoke_not_yours"))
        return say(request, "revoked")

    # -- anyone's side, through a link ----------------------------------------------------------

    def token_from_page(self, request: gr.Request) -> Any:
        """On page load: `?share=<token>` opens the Shared run tab with that link."""
        token = dict(getattr(request, "query_params", None) or {}).get("share")
        if token is None:
            return gr.skip()
        return {
            self.view.token: token.strip(),
            self.view.tab: gr.Tab(visible=True),
            self.editor.tabs: gr.Tabs(selected="shared"),
        }

    def show(self, token: str, request: gr.Request = None) -> dict[Any, Any]:
        """What a link shows: the run's words, inputs, results and parameters, read-only, or
        only that it is gone."""
        run = self.ctx.store.run_by_share(token or "")
        view = self.view
        if run is None:
            gone = f"**{say(request, 'link_gone')}**"
            return {view.text: gone, view.inputs: [], view.outputs: [], view.params: None}
        gate = self.ctx.gate
        return {
            view.text: shared_markdown(run, language_of(request)),
            view.inputs: numbered(gate.inputs(run, token), language_of(request)),
            view.outputs: gate.outputs(run.id, run.output_paths, token),
            view.params: run.params,
        }

    def _live_run(self, token: str, request: Any = None) -> RunDetail:
        run = self.ctx.store.run_by_share(token or "")
        if run is None:
            raise gr.Error(say(request, "link_gone"))
        return run

    def export(self, token: str) -> str:
        """The shared run as a zip, which the gate builds when the browser asks for it, while
        the link is live."""
        run = self._live_run(token)
        return self.ctx.gate.zip(run.id, token)

    def open_in_editor(self, token: str, request: gr.Request) -> dict[Any, Any]:
        """Saves a copy of the shared run into the visitor's own history and puts its inputs and
        parameters into their editor."""
        run = self._live_run(token, request)
        owner = self.ctx.owner(request)
        copy = self.ctx.store.save_copy(run, owner.id, owner.label)
        restored = self.editor.restore(copy, self.ctx.gate.inputs(copy), language_of(request))
        return {**restored, self.view.status: say(request, "copied")}


def _when(created_at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(created_at))
