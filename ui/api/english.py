"""The API's description (`/gradio_api/info`, gradio_client's `view_api()`) in plain English.

The page's parts carry translated labels (gr.I18n), which Gradio's API description would show
as translation keys ({"key": "results", "_type": "translation_metadata"}). The description is
rewritten here, once, with each key's English text; the page keeps its translations.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from gradio.i18n import I18nData

from ui.core.texts import TEXTS, text_in

TRANSLATION = "translation_metadata"


def plain_label(label: Any) -> Any:
    """A translation key's English text (the key as Gradio holds it, or as its config serves
    it); any other label as it is."""
    if isinstance(label, I18nData):
        key = label.key
    elif isinstance(label, dict) and TRANSLATION in (label.get("_type"), label.get("__type__")):
        key = label.get("key")
    else:
        return label
    return text_in("en", key) if key in TEXTS else key


def describe_in_english(demo: gr.Blocks) -> None:
    """Makes `demo`'s API description name every argument and output in English (an instance
    override, like ui/core/api_inputs.api_number: a Blocks subclass would change the app)."""
    describe = demo.get_api_info

    def get_api_info(*args: Any, **kwargs: Any) -> Any:
        info = describe(*args, **kwargs)
        for kind in ("named_endpoints", "unnamed_endpoints"):
            for endpoint in info.get(kind, {}).values():
                for item in (*endpoint["parameters"], *endpoint["returns"]):
                    item["label"] = plain_label(item["label"])
        return info

    demo.get_api_info = get_api_info  # type: ignore[method-assign]
