"""What the endpoints that take an edit's parameters (`/edit`, `/compare`) share: their hidden
inputs, their signatures and docs, and how their arguments become EditParams.

Derived from EditParams, so the API and the MCP tool show one argument per parameter, named and
documented by the one definition; an endpoint leaves out the fields it takes otherwise (`/compare`
takes `models` and `seeds` in place of `model` and `seed`).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, get_args, get_type_hints

import gradio as gr

from client import EditParams
from client.limit_texts import image_counts_text
from client.params import DOC, JSON_TEXT, PARAM_FIELDS, default_of
from ui.core.controls import parse_json_text

KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD
IMAGES_ARGUMENT = inspect.Parameter("images", KEYWORD, annotation=list[str])
"""The input images, the first argument of every such endpoint."""
PARENT_ARGUMENT = inspect.Parameter("parent", KEYWORD, default="", annotation=str)
"""The run an edit continues (history/lineage.py): `<run id>` or `<run id>#<k>`."""
PARENT_DOC = (
    "        parent: the run this edit continues, as `<run id>` or `<run id>#<k>` for its k-th"
    " result (1-based; default the first): the new run joins that run's edit tree. With no"
    " images, that result is the only input."
)
IMAGES_DOC = (
    f'the input images in the order the model reads them ("image 2" in a prompt is the '
    f"second), several fused into one result ({image_counts_text()}); for qwen the last image "
    "sets the output's aspect"
)
"""What `images` means, for the API and MCP alike; one line, as Gradio's docstring parser
reads only an argument's first line."""


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


@dataclass
class ApiInputs:
    """Hidden inputs of an endpoint (`/edit`, `/compare`), one per parameter, named after the API
    fields."""

    images: gr.File
    params: dict[str, gr.components.Component]
    button: gr.Button
    parent: gr.Textbox | None = None
    """`/edit`'s run to continue (PARENT_ARGUMENT); None for an endpoint without one."""


@dataclass
class EditAnswer:
    """Hidden outputs of `/edit`, named in plain English for API clients (the page's own parts
    carry translated labels, which the API would show as translation keys)."""

    images: gr.Gallery
    summary: gr.Markdown
    metadata: gr.JSON
    run_id: gr.Textbox

    def outputs(self) -> list[gr.components.Component]:
        """In the order API clients receive them; `run_id` last, so older scripts that read the
        first three still do."""
        return [self.images, self.summary, self.metadata, self.run_id]


def build_edit_answer() -> EditAnswer:
    with gr.Column(visible=False):
        return EditAnswer(
            images=gr.Gallery(label="images", type="filepath"),
            summary=gr.Markdown(label="summary"),
            metadata=gr.JSON(label="metadata"),
            run_id=gr.Textbox(label="run_id"),
        )


def api_number(label: str, value: Any) -> gr.Number:
    """A whole-number argument of /edit, handed over exactly as the caller sent it: gr.Number
    would round 2.5 to 2, turn `true` into 1 and fail on NaN with an empty message, where the
    validation names the problem ("n must be an integer from 1 to 6; got 2.5"). (An instance
    override: a subclass of a Gradio component makes Gradio write a .pyi file beside it.)"""
    number = gr.Number(label=label, value=value, precision=0)
    number.preprocess = _as_sent  # type: ignore[method-assign]
    return number


def _as_sent(payload: Any) -> Any:
    return payload


def build_api_inputs(
    endpoint: str = "edit", skip: Collection[str] = (), *, lineage: bool = False
) -> ApiInputs:
    """Invisible: the endpoint's arguments, one component per EditParams field by its type,
    except the fields in `skip` (which `/compare` takes otherwise); with `lineage`, the run it
    continues (`parent`)."""
    types = get_type_hints(EditParams)
    with gr.Column(visible=False):
        images = gr.File(label="images", file_count="multiple", file_types=["image"])
        params: dict[str, Any] = {}
        for spec in (spec for spec in PARAM_FIELDS if spec.name not in skip):
            kind, default = types[spec.name], default_of(spec)
            if kind is bool:
                params[spec.name] = gr.Checkbox(label=spec.name, value=default)
            elif int in (kind, *get_args(kind)):
                params[spec.name] = api_number(spec.name, default)
            else:
                text = None if default in (None, "") else str(default)  # None: required
                params[spec.name] = gr.Textbox(label=spec.name, value=text)
        parent = gr.Textbox(label="parent", value="") if lineage else None
        button = gr.Button(endpoint)
    return ApiInputs(images, params, button, parent)


def params_from_api(arguments: dict[str, Any]) -> EditParams:
    """The parameters an endpoint's arguments by name give (see api_value); raises what the
    validation refuses."""
    return EditParams(**{name: api_value(name, value) for name, value in arguments.items()})


def api_value(name: str, value: Any) -> Any:
    """An /edit argument as the parameter takes it: empty text means the default, `extra` is
    JSON text, a whole number may arrive as a float (2.0). Nothing else is coerced: 2.5, true,
    NaN or "abc" go to the validation as they are, and it says what is wrong."""
    if FIELDS_BY_NAME[name].metadata.get(JSON_TEXT):
        return parse_json_text(name, value)
    if value is None or value == "":
        return None if name == "seed" else default_of(FIELDS_BY_NAME[name])
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


FIELDS_BY_NAME = {spec.name: spec for spec in PARAM_FIELDS}
