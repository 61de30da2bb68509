"""The page's parts for links to one run: the Share panel of a run opened in History (its link,
its live links, Revoke) and the Shared run tab that a link opens, read-only, for anyone.
Wired in ui/share/wiring.py; handlers in ui/share/handlers.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import gradio as gr

from ui.core.parts import run_pictures
from ui.core.texts import label


@dataclass
class SharePanel:
    """Under an opened run's actions: the link just made, the live links and Revoke."""

    share: gr.Button
    link: gr.Textbox
    links: gr.Radio
    token: gr.Textbox
    """The selected link's token, what Revoke ends (the API's `history_revoke` takes it)."""
    revoke: gr.Button
    status: gr.Markdown


def build_share_button() -> gr.Button:
    """In the opened run's row of actions."""
    return gr.Button(label("share"), elem_id="share-button")


def build_share_panel(share: gr.Button) -> SharePanel:
    with gr.Column(elem_id="share-panel"):
        link = gr.Textbox(
            label=label("share_link"),
            visible=False,
            interactive=False,
            buttons=["copy"],
            elem_id="share-link",
        )
        links = gr.Radio(
            label=label("share_links"),
            info=label("share_links_info"),
            visible=False,
            elem_id="share-links",
        )
        token = gr.Textbox(label="token", visible=False)
        with gr.Row(equal_height=True):
            revoke = gr.Button(
                label("revoke"),
                variant="stop",
                size="sm",
                visible=False,
                scale=0,
                min_width=220,
                elem_id="revoke-button",
            )
            status = gr.Markdown(label="Status", elem_id="share-status")
    return SharePanel(
        share=share, link=link, links=links, token=token, revoke=revoke, status=status
    )


@dataclass
class SharedView:
    """The Shared run tab: shown only when the page is opened with `?share=<token>`."""

    tab: gr.Tab
    token: gr.Textbox
    text: gr.Markdown
    inputs: gr.Gallery
    outputs: gr.Gallery
    params: gr.JSON
    body: gr.Column
    """Everything of the run but its words: hidden for a revoked or unknown link."""
    open_in_editor: gr.Button
    download: gr.Button
    download_file: gr.DownloadButton
    status: gr.Markdown


def build_shared_tab() -> SharedView:
    with gr.Tab(label("shared_tab"), id="shared", visible=False) as tab:
        token = gr.Textbox(label="token", visible=False)
        text = gr.Markdown(label="Run details", elem_id="shared-run")
        with gr.Column(visible=False) as body:
            with gr.Row():
                open_in_editor = gr.Button(
                    label("open_in_editor"), variant="primary", elem_id="open-shared"
                )
                download = gr.Button(label("download"), elem_id="download-shared")
            status = gr.Markdown(elem_id="shared-status")
            with gr.Row():
                inputs = run_pictures("detail_inputs", 380, elem_id="shared-inputs")
                outputs = run_pictures(
                    "results_short",
                    380,
                    elem_id="shared-results",
                    buttons=["download", "fullscreen"],
                )
            params = gr.JSON(label=label("parameters"))
        download_file = gr.DownloadButton(visible="hidden", elem_id="shared-download-file")
    return SharedView(
        tab=tab,
        token=token,
        text=text,
        inputs=inputs,
        outputs=outputs,
        params=params,
        body=body,
        open_in_editor=open_in_editor,
        download=download,
        download_file=download_file,
        status=status,
    )
