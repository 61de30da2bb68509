"""The signatures of the endpoints that take an edit's parameters (`/edit`, `/compare`).

Derived from EditParams, so the API and the MCP tool show one argument per parameter, named and
documented by the one definition; an endpoint leaves out the fields it takes otherwise (`/compare`
takes `models` and `seeds` in place of `model` and `seed`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import gradio as gr

from client.params import DOC, PARAM_FIELDS, default_of

KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD
IMAGES_ARGUMENT = inspect.Parameter("images", KEYWORD, annotation=list[str])
"""The input images, the first argument of every such endpoint."""


def param_arguments(skip: Collection[str] = ()) -> list[inspect.Parameter]:
    """One argument per EditParams field not in `skip`, with its default (prompt is required)."""
    return [
        inspect.Parameter(
            spec.name,
            KEYWORD,
            default=inspect.Parameter.empty if spec.name == "prompt" else default_of(spec),
        )
        for spec in PARAM_FIELDS
        if spec.name not in skip
    ]


def param_docs(skip: Collection[str] = ()) -> str:
    """The `Args:` lines of the EditParams fields not in `skip`, as a docstring indents them."""
    return "\n".join(
        f"        {spec.name}: {spec.metadata[DOC]}."
        for spec in PARAM_FIELDS
        if spec.name not in skip
    )


def called_with(
    method: Callable, instance: Any, args: Sequence[Any], kwargs: Mapping[str, Any]
) -> tuple[dict[str, Any], Any]:
    """The arguments Gradio called an `expose`d method with, by name (positionally or by
    keyword), without `self` and `request`; and the request."""
    arguments = method.__signature__.bind(instance, *args, **kwargs).arguments
    arguments.pop("self")
    return arguments, arguments.pop("request", None)


def expose(method: Callable, arguments: Sequence[inspect.Parameter], doc: str) -> None:
    """Gives `method` (a handler taking *args, **kwargs) the signature `self`, `arguments`,
    `request` and the docstring Gradio shows; Gradio finds the request by its annotation."""
    signature = inspect.Signature(
        [
            inspect.Parameter("self", KEYWORD),
            *arguments,
            inspect.Parameter("request", KEYWORD, default=None, annotation=gr.Request),
        ]
    )
    method.__signature__, method.__doc__ = signature, doc
    method.__annotations__ = {
        name: parameter.annotation
        for name, parameter in signature.parameters.items()
        if parameter.annotation is not inspect.Parameter.empty
    }
