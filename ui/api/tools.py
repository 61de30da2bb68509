"""The MCP tools: what an agent may do with the app, each described from the one definition.

A curated set: edit (continuing a run, too), compare, batch, list and open my runs, a run's version
tree and replaying its line, share a run and revoke its link; nothing
that only makes sense beside the page (restoring into the editor, deleting from a filtered
list). Edit, compare, share and revoke call the very endpoints gradio_client calls (`/edit`,
`/compare`, `/history_share`, `/history_revoke`), in this process, so the validation, the caps,
the fair sending slots and the history are the page's; their arguments are described by those
endpoints' docstrings, which client/params.py's EditParams writes, and typed from EditParams.
Listing and opening read the history the way History does, as text and pictures an agent reads.
A refusal is a ToolRefusal, whose words the agent receives as the tool's error.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, get_args, get_type_hints

import gradio as gr
from gradio.utils import get_function_description
from mcp import types

from client import EditParams, ImageEditError
from client.params import JSON_TEXT, PARAM_FIELDS, default_of
from history import RunDetail
from ui.api.images import FORMS, image_contents, input_files
from ui.core.api_inputs import IMAGES_DOC
from ui.core.context import PageContext

RUN_ID_DOC = "a run's id, as edit, compare and list_runs give it"
LIST_LIMIT = 20
"""Runs list_runs gives at most: the newest, or the newest that match."""


class ToolRefusal(Exception):
    """What the agent reads when a tool cannot do what it asked: its message, as is."""


@dataclass(frozen=True)
class Call:
    """One tool call: its arguments and the HTTP request that carried it (the caller's cookie
    or login decides whose history it acts on)."""

    arguments: dict[str, Any]
    request: Any

    @property
    def gradio_request(self) -> gr.Request:
        return gr.Request(request=self.request)


Answer = list[types.TextContent | types.ImageContent]


def answered(words: str, pictures: Sequence[types.ImageContent] = ()) -> Answer:
    """A tool's answer: its words first (the run id, the summary), then its pictures."""
    return [types.TextContent(type="text", text=words), *pictures]


@dataclass(frozen=True)
class Tool:
    name: str
    description: str
    arguments: dict[str, dict[str, Any]]
    """Each argument's JSON schema, with its description."""
    required: tuple[str, ...]
    act: Callable[[PageContext, gr.Blocks, Call], Answer]

    def as_mcp(self) -> types.Tool:
        schema = {"type": "object", "properties": self.arguments, "required": list(self.required)}
        return types.Tool(name=self.name, description=self.description, inputSchema=schema)


# -- arguments, typed and described from the one definition ------------------------------------


def json_type(kind: Any) -> list[str]:
    """The JSON types a parameter of Python type `kind` takes."""
    names = {str: "string", bool: "boolean", int: "integer", float: "number", type(None): "null"}
    found = [names[k] for k in (kind, *get_args(kind)) if k in names]
    return found or ["object"]


def param_schema(name: str, doc: str) -> dict[str, Any]:
    """An EditParams field's schema: its type (a JSON-text field also as the structure itself),
    its default and `doc`."""
    spec = next(spec for spec in PARAM_FIELDS if spec.name == name)
    if spec.metadata.get(JSON_TEXT):
        kinds = ["string", "object", "array", "null"]
    else:
        kinds = json_type(get_type_hints(EditParams)[name])
    schema: dict[str, Any] = {"type": kinds[0] if len(kinds) == 1 else kinds, "description": doc}
    if default_of(spec) not in (None, ""):
        schema["default"] = default_of(spec)
    return schema


IMAGES_SCHEMA = {
    "type": "array",
    "items": {"type": "string"},
    "description": f"{IMAGES_DOC[0].upper()}{IMAGES_DOC[1:]}. Each image is {FORMS}.",
}


def endpoint(demo: gr.Blocks, api_name: str) -> Any:
    return next(fn for fn in demo.fns.values() if fn.api_name == api_name)


def endpoint_arguments(demo: gr.Blocks, api_name: str) -> dict[str, dict[str, Any]]:
    """The endpoint's arguments (not `request`) described by its docstring: `images` as text
    (an agent sends addresses and data URIs), EditParams' fields typed as EditParams types them,
    the others as text."""
    fn = endpoint(demo, api_name).fn
    _, docs, _ = get_function_description(fn)
    names = [name for name in fn.__signature__.parameters if name not in ("self", "request")]
    fields = {spec.name for spec in PARAM_FIELDS}
    arguments = {}
    for name in names:
        if name == "images":
            arguments[name] = IMAGES_SCHEMA
        elif name in fields:
            arguments[name] = param_schema(name, docs[name])
        else:
            arguments[name] = {"type": "string", "description": docs[name]}
    return arguments


# -- calling an endpoint in this process -------------------------------------------------------


def call_endpoint(demo: gr.Blocks, api_name: str, call: Call, **arguments: Any) -> dict[str, Any]:
    """The endpoint's answer by output label (as gradio_client sees the outputs); a refusal
    (gr.Error) becomes a ToolRefusal with its words."""
    block_fn = endpoint(demo, api_name)
    try:
        answer = block_fn.fn(**arguments, request=call.gradio_request)
    except gr.Error as error:
        raise ToolRefusal(str(error.message)) from None
    if isinstance(answer, dict):
        return {str(part.label): value for part, value in answer.items()}
    return {str(block_fn.outputs[0].label): answer}


def _edit_arguments(ctx: PageContext, call: Call) -> dict[str, Any]:
    """The call's arguments with its images as files the runner reads."""
    arguments = dict(call.arguments)
    try:  # edit's `parent` alone brings its result as the input
        arguments["images"] = input_files(ctx, arguments.get("images") or [], call.request)
    except ImageEditError as error:
        raise ToolRefusal(str(error)) from None
    return arguments


def edit(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    answer = call_endpoint(demo, "edit", call, **_edit_arguments(ctx, call))
    words = f"Run id: {answer['run_id'] or '(not recorded)'}\n\n{answer['summary']}"
    return answered(words, image_contents(ctx, answer["images"], ctx.owner(call.request)))


def compare(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    answer = call_endpoint(demo, "compare", call, **_edit_arguments(ctx, call))
    words = f"Run ids: {', '.join(answer['run_ids'])}\n\n{answer['summary']}"
    return answered(words, image_contents(ctx, answer["images"], ctx.owner(call.request)))


def batch(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    """The batch's run ids and summary (its pictures are many: open_run shows any of them)."""
    arguments = _edit_arguments(ctx, call)
    try:
        arguments["extras"] = input_files(ctx, arguments.get("extras") or [], call.request)
    except ImageEditError as error:
        raise ToolRefusal(str(error)) from None
    answer = call_endpoint(demo, "batch", call, **arguments)
    words = f"Batch {answer['batch_id']}; run ids: {', '.join(answer['run_ids'])}"
    return answered(f"{words}\n\n{answer['summary']}")


def share_run(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    run_id = str(call.arguments.get("run_id") or "")
    link = next(iter(call_endpoint(demo, "history_share", call, run_id=run_id).values()))
    token = link.rsplit("=", 1)[-1]
    return answered(f"{link}\n\nAnyone with this link sees the run, read-only. Its token: {token}")


def revoke_link(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    token = str(call.arguments.get("link") or "").strip().rsplit("share=", 1)[-1]
    said = next(iter(call_endpoint(demo, "history_revoke", call, token=token).values()))
    return answered(str(said))


def history_tree(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    run_id = str(call.arguments.get("run_id") or "").strip()
    tree = next(iter(call_endpoint(demo, "history_tree", call, run_id=run_id).values()))
    return answered(json.dumps(tree, ensure_ascii=False))


def replay(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    arguments = {name: str(call.arguments.get(name) or "") for name in REPLAY_ARGUMENTS}
    arguments["model"] = arguments["model"] or "same"
    done = next(iter(call_endpoint(demo, "replay", call, **arguments).values()))
    return answered(json.dumps(done, ensure_ascii=False))


# -- reading the caller's history --------------------------------------------------------------


def _when(created_at: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(created_at))


def list_runs(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    search = str(call.arguments.get("search") or "").strip() or None
    model = str(call.arguments.get("model") or "").strip() or None
    owner = ctx.visible_to(ctx.owner(call.request))
    runs = ctx.store.list_runs(owner, limit=LIST_LIMIT, search=search, model=model)
    if not runs:
        return answered("No runs match." if search or model else "No runs in your history yet.")
    return answered(
        "\n".join(
            f"{run.id} · {_when(run.created_at)} · {run.model} · {run.status} · {run.prompt}"
            for run in runs
        )
    )


def run_text(run: RunDetail) -> str:
    facts = {
        "run id": run.id,
        "made": _when(run.created_at),
        "model": run.model,
        "status": run.status + (" (stopped)" if run.stopped else ""),
        "prompt": run.prompt,
        "seed": run.seed,
        "error": run.error,
        "revised prompt": " | ".join(p for p in run.revised_prompts if p) or None,
        "notes": " ".join(run.notes) or None,
        "inputs": len(run.input_paths),
        "results": f"{len(run.output_paths)} of {run.requested_n}",
        "comparison": run.comparison,
        "parameters": json.dumps(run.params, ensure_ascii=False),
    }
    return "\n".join(f"{name}: {value}" for name, value in facts.items() if value is not None)


def open_run(ctx: PageContext, demo: gr.Blocks, call: Call) -> Answer:
    run_id = str(call.arguments.get("run_id") or "").strip()
    owner = ctx.visible_to(ctx.owner(call.request))
    run = ctx.store.get_run(owner, run_id) if run_id else None
    if run is None:
        raise ToolRefusal(f"No run {run_id!r} in your history; list_runs gives your runs' ids.")
    return answered(run_text(run), image_contents(ctx, [str(p) for p in run.output_paths], None))


COMPARE_REQUIRED = ("images", "prompt", "models", "seeds")
LIST_DOC = (
    f"List the newest runs of your history (up to {LIST_LIMIT}): each run's id, date, model, "
    "status and prompt."
)
OPEN_DOC = "Open one run of your history: its prompt, parameters, status and result images."
SHARE_DOC = (
    "Make a read-only link to one of your runs that anyone can open, until you revoke it or "
    "delete the run."
)
RUN_ID = {"run_id": {"type": "string", "description": RUN_ID_DOC}}
LIST_ARGUMENTS = {
    "search": {"type": "string", "description": "words the prompts must contain; empty: all"},
    "model": {"type": "string", "description": "only this model's runs; empty: every model"},
}
LINK = {"link": {"type": "string", "description": "the link share_run gave, or its token"}}
TREE_DOC = (
    "The version tree of one of your runs (every run continued from the same first run, with "
    'each one\'s parent and which result it continued), as JSON: {"root", "nodes": [...]}.'
)
REPLAY_DOC = (
    "Replay the line of edits from the tree's root down to one of your runs: each prompt again, "
    "in order, each on the previous step's first result, on another model and/or seed; stops at "
    "the first failure. Makes one request per step (its n images each). Answers the new "
    'branch\'s run ids as JSON: {"run_ids", "images", "failed_step", "error"}.'
)
REPLAY_ARGUMENTS = {
    "run_id": {"type": "string", "description": "the last run of the line to replay"},
    "model": {
        "type": "string",
        "description": 'the model every step is sent to; "same" or empty: each step\'s own',
    },
    "seed": {
        "type": "string",
        "description": "the seed of every step, a whole number; empty: a new one for each",
    },
}


def build_tools(demo: gr.Blocks) -> list[Tool]:
    """The tools, the edits' arguments read from the endpoints `demo` wires."""
    edit_doc, _, _ = get_function_description(endpoint(demo, "edit").fn)
    compare_doc, _, _ = get_function_description(endpoint(demo, "compare").fn)
    edited = " Answers the run id and a summary, then every result image."
    compared = " Answers the cells' run ids and a summary, then every image, cell by cell."
    edit_arguments = endpoint_arguments(demo, "edit")
    compare_arguments = endpoint_arguments(demo, "compare")
    batch_doc, _, _ = get_function_description(endpoint(demo, "batch").fn)
    batch_arguments = endpoint_arguments(demo, "batch")
    batch_arguments["extras"] = {
        **IMAGES_SCHEMA,
        "description": batch_arguments["extras"]["description"],
    }
    batch_arguments["budget"] = {**batch_arguments["budget"], "type": "integer"}
    return [
        Tool("edit", edit_doc + edited, edit_arguments, ("prompt",), edit),
        Tool("compare", compare_doc + compared, compare_arguments, COMPARE_REQUIRED, compare),
        Tool("batch", batch_doc, batch_arguments, ("images", "prompt"), batch),
        Tool("list_runs", LIST_DOC, LIST_ARGUMENTS, (), list_runs),
        Tool("open_run", OPEN_DOC, RUN_ID, ("run_id",), open_run),
        Tool("share_run", SHARE_DOC, RUN_ID, ("run_id",), share_run),
        Tool("revoke_link", "End a link share_run made, at once.", LINK, ("link",), revoke_link),
        Tool("history_tree", TREE_DOC, RUN_ID, ("run_id",), history_tree),
        Tool("replay", REPLAY_DOC, REPLAY_ARGUMENTS, ("run_id",), replay),
    ]
