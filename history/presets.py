"""Team presets: a named prompt template with `{placeholders}` and any of the edit's parameters,
kept in the history database so a team reuses a recipe instead of retyping it.

A preset is its maker's: private by default, seen by everyone when marked *team* (or when the
app runs in the shared scope, which the caller says with `everyone`), edited and deleted by its
maker only. The examples ship as built-in presets, read-only and seen by all; they live here, not
in the database. Every preset, saved from the page, the API or an imported file, passes the one
check of `check_draft` (known fields, the parameters' own types from EditParams, bounded text).
Every function taking `db` runs inside a transaction of the store's (store.py).
"""

from __future__ import annotations

import json
import re
import secrets
import time
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from client.models import NEGATIVE_PROMPT_MAX_CHARS, PROMPT_MAX_CHARS
from client.params import PARAM_NAMES, EditParams, default_of
from examples import EXAMPLES, Example

NOT_IN_PRESETS = ("prompt", "bbox_list")
"""Parameters a preset does not keep: the template is its prompt, and region boxes are pixels of
one particular picture."""
PRESET_PARAMS: tuple[str, ...] = tuple(name for name in PARAM_NAMES if name not in NOT_IN_PRESETS)
PARAM_TYPES: dict[str, Any] = typing.get_type_hints(EditParams)
ALWAYS_KEPT = tuple(spec.name for spec in fields(Example) if spec.name in PRESET_PARAMS)
"""The settings every example names (model, n, size): a preset saved from the editor keeps them
always, and any other parameter only where it differs from its default."""

NAME_MAX_CHARS = 60
TEXT_MAX_CHARS = 200
"""Any other text parameter (a model's name, a size)."""
TEXT_LIMITS = {"negative_prompt": NEGATIVE_PROMPT_MAX_CHARS}
EXTRA_MAX_CHARS = 4000
"""`extra` as JSON text."""
MAX_PLACEHOLDERS = 6
MAX_PRESETS = 200
"""Presets one owner may keep."""
IMPORT_MAX_BYTES = 512 * 1024
FORMAT = "image-edit-playground/presets"
VERSION = 1
BUILTIN_OWNER = "builtin:examples"
PLACEHOLDER = re.compile(r"\{(\w{1,30})\}")
"""`{subject}`, `{颜色}`: a word in braces."""


class PresetRefused(Exception):
    """A preset could not be saved, deleted or imported. `reason` names why (the page words it:
    `preset_<reason>`), `values` fill those words (`expected`: JSON types, "|" between), and
    `number` is its place in an imported file."""

    def __init__(self, reason: str, number: int | None = None, **values: Any) -> None:
        super().__init__(reason, number, values)
        self.reason = reason
        self.number = number
        self.values = values


@dataclass(frozen=True)
class PresetDraft:
    """What a preset is made of: what its maker writes (and what an export file holds)."""

    name: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    team: bool = False


DRAFT_FIELDS: dict[str, Any] = typing.get_type_hints(PresetDraft)


@dataclass(frozen=True)
class Preset(PresetDraft):
    """A preset as stored: its draft, whose it is and when it was made and last changed."""

    id: str = ""
    owner: str = ""
    owner_label: str | None = None
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def builtin(self) -> bool:
        return self.owner == BUILTIN_OWNER

    @property
    def placeholders(self) -> list[str]:
        return placeholders(self.template)

    def draft(self) -> PresetDraft:
        return PresetDraft(self.name, self.template, dict(self.params), self.team)


def editor_params(params: EditParams, untouched: EditParams | None = None) -> dict[str, Any]:
    """What a preset saved from the editor keeps of its parameters: ALWAYS_KEPT's, and those
    set away from `untouched` (what an untouched editor reads; the defaults when None), as
    JSON-ready values."""
    values = params.as_dict()
    baseline = untouched.as_dict() if untouched else {}
    return {
        spec.name: values[spec.name]
        for spec in fields(EditParams)
        if spec.name in PRESET_PARAMS
        and (
            spec.name in ALWAYS_KEPT
            or values[spec.name] != baseline.get(spec.name, default_of(spec))
        )
    }


def placeholders(template: str) -> list[str]:
    """The template's placeholders, each once, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(template)))


def fill(template: str, values: Mapping[str, str]) -> str:
    """The template with each placeholder replaced; raises PresetRefused("missing_value") for a
    placeholder left empty."""
    for name in placeholders(template):
        if not str(values.get(name) or "").strip():
            raise PresetRefused("missing_value", name=name)
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]).strip(), template)


# -- the one check ------------------------------------------------------------------------------


def check_draft(values: Any, number: int | None = None) -> PresetDraft:
    """`values` (a mapping of PresetDraft's fields) as a draft; raises PresetRefused naming the
    first unknown field, wrong type or text too long."""
    if not isinstance(values, Mapping):
        raise PresetRefused("not_an_object", number)
    for key in values:
        if key not in DRAFT_FIELDS:
            raise PresetRefused("unknown_field", number, name=str(key)[:40])
    for key in ("name", "template"):
        if not isinstance(values.get(key), str):
            raise PresetRefused("wrong_type", number, name=key, expected="string")
    name, template = values["name"].strip(), values["template"].strip()
    _bounded("name", name, NAME_MAX_CHARS, number)
    _bounded("template", template, PROMPT_MAX_CHARS, number)
    if len(placeholders(template)) > MAX_PLACEHOLDERS:
        raise PresetRefused("too_many_placeholders", number, most=MAX_PLACEHOLDERS)
    team = values.get("team", False)
    if not isinstance(team, bool):
        raise PresetRefused("wrong_type", number, name="team", expected="boolean")
    return PresetDraft(name, template, check_params(values.get("params", {}), number), team)


def _bounded(name: str, text: str, most: int, number: int | None) -> None:
    if not text:
        raise PresetRefused("empty", number, name=name)
    if len(text) > most:
        raise PresetRefused("too_long", number, name=name, most=most)


def check_params(params: Any, number: int | None = None) -> dict[str, Any]:
    """The preset's parameters, each of EditParams' own type; raises PresetRefused."""
    if not isinstance(params, Mapping):
        raise PresetRefused("wrong_type", number, name="params", expected="object")
    for name, value in params.items():
        if name not in PRESET_PARAMS:
            raise PresetRefused("unknown_param", number, name=str(name)[:40])
        if not _fits(value, PARAM_TYPES[name]):
            expected = _type_words(PARAM_TYPES[name])
            raise PresetRefused("wrong_type", number, name=f"params.{name}", expected=expected)
        shown = json.dumps(value, ensure_ascii=False) if name == "extra" else value
        most = EXTRA_MAX_CHARS if name == "extra" else TEXT_LIMITS.get(name, TEXT_MAX_CHARS)
        if isinstance(shown, str) and len(shown) > most:
            raise PresetRefused("too_long", number, name=f"params.{name}", most=most)
    return dict(params)


def _fits(value: Any, hint: Any) -> bool:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, arg) for arg in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if origin is not None and issubclass(origin, Mapping):
        return isinstance(value, dict)
    if origin is not None and issubclass(origin, Sequence):
        return isinstance(value, list)
    return isinstance(value, hint)


def _type_words(hint: Any) -> str:
    """A parameter's JSON types as a refusal names them, "|" between: "integer|null"."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    args = typing.get_args(hint) if union else (hint,)
    names = {type(None): "null", bool: "boolean", int: "integer", str: "string"}
    return "|".join(names.get(arg, "object") for arg in args)


# -- rows ---------------------------------------------------------------------------------------

COLUMNS = "id, owner, owner_label, name, template, params, team, created_at, updated_at"


def _preset(row: Sequence[Any]) -> Preset:
    return Preset(
        id=row[0],
        owner=row[1],
        owner_label=row[2],
        name=row[3],
        template=row[4],
        params=json.loads(row[5]),
        team=bool(row[6]),
        created_at=row[7],
        updated_at=row[8],
    )


def visible(db: Any, viewer: str, everyone: bool = False) -> list[Preset]:
    """The presets `viewer` sees (their own and the team's; every one when `everyone`), newest
    change first, then the built-in ones."""
    where = "" if everyone else " WHERE owner = ? OR team = 1"
    rows = db.execute(
        f"SELECT {COLUMNS} FROM presets{where} ORDER BY updated_at DESC, name",
        () if everyone else (viewer,),
    ).fetchall()
    return [*(_preset(row) for row in rows), *BUILTIN]


def find(db: Any, preset_id: str) -> Preset | None:
    for preset in BUILTIN:
        if preset.id == preset_id:
            return preset
    row = db.execute(f"SELECT {COLUMNS} FROM presets WHERE id = ?", (preset_id,)).fetchone()
    return _preset(row) if row else None


def save(
    db: Any, owner: str, owner_label: str | None, draft: PresetDraft, preset_id: str = ""
) -> Preset:
    """Saves `draft` as `owner`'s: over the preset `preset_id` (theirs) when given, else over
    their preset of the same name, else as a new one; returns it as stored."""
    target = _target(db, owner, draft.name, preset_id)
    now = time.time()
    values = (draft.name, draft.template, json.dumps(dict(draft.params)), int(draft.team))
    if target is None:
        held = db.execute("SELECT COUNT(*) FROM presets WHERE owner = ?", (owner,)).fetchone()
        if held[0] >= MAX_PRESETS:
            raise PresetRefused("too_many", most=MAX_PRESETS)
        target = "p" + secrets.token_hex(10)
        db.execute(
            f"INSERT INTO presets ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (target, owner, owner_label, *values, now, now),
        )
    else:
        db.execute(
            "UPDATE presets SET name = ?, template = ?, params = ?, team = ?, owner_label = ?,"
            " updated_at = ? WHERE id = ?",
            (*values, owner_label, now, target),
        )
    return typing.cast(Preset, find(db, target))


def _target(db: Any, owner: str, name: str, preset_id: str) -> str | None:
    """The id of `owner`'s preset a save replaces (None: a new one); raises PresetRefused."""
    same_name = db.execute(
        "SELECT id FROM presets WHERE owner = ? AND name = ?", (owner, name)
    ).fetchone()
    if not preset_id:
        return same_name[0] if same_name else None
    found = find(db, preset_id)
    if found is not None and found.builtin:
        raise PresetRefused("read_only")
    if found is None or found.owner != owner:
        raise PresetRefused("not_found")
    if same_name and same_name[0] != preset_id:
        raise PresetRefused("name_taken", name=name)
    return preset_id


def delete(db: Any, owner: str, preset_id: str) -> None:
    """Deletes `owner`'s preset; raises PresetRefused for a built-in, another's or none."""
    if any(preset.id == preset_id for preset in BUILTIN):
        raise PresetRefused("read_only")
    ended = db.execute("DELETE FROM presets WHERE id = ? AND owner = ?", (preset_id, owner))
    if ended.rowcount < 1:
        raise PresetRefused("not_found")


# -- JSON files ---------------------------------------------------------------------------------

FILE_FIELDS = ("format", "version", "presets")


def export_json(presets: Sequence[Preset]) -> str:
    """The presets (built-in ones left out: every app has them) as a file `read_export` takes."""
    drafts = [asdict(preset.draft()) for preset in presets if not preset.builtin]
    document = dict(zip(FILE_FIELDS, (FORMAT, VERSION, drafts), strict=True))
    return json.dumps(document, ensure_ascii=False, indent=2)


def read_export(text: str | bytes) -> list[PresetDraft]:
    """The drafts of an exported file, all checked (a file is taken whole or not at all);
    raises PresetRefused saying what is wrong and in which preset."""
    if len(text) > IMPORT_MAX_BYTES:
        raise PresetRefused("file_too_large", most=IMPORT_MAX_BYTES // 1024)
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise PresetRefused("bad_json", detail=str(error)[:120]) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PresetRefused("not_a_preset_file")
    for key in document:
        if key not in FILE_FIELDS:
            raise PresetRefused("unknown_field", name=str(key)[:40])
    if document.get("version") != VERSION:
        raise PresetRefused("wrong_version", version=VERSION)
    items = document.get("presets")
    if not isinstance(items, list):
        raise PresetRefused("wrong_type", name="presets", expected="list")
    if len(items) > MAX_PRESETS:
        raise PresetRefused("too_many", most=MAX_PRESETS)
    drafts = [check_draft(item, number) for number, item in enumerate(items, start=1)]
    names = [draft.name for draft in drafts]
    for number, name in enumerate(names, start=1):
        if names.index(name) != number - 1:
            raise PresetRefused("name_repeated", number, name=name)
    return drafts


def import_drafts(
    db: Any, owner: str, owner_label: str | None, drafts: Sequence[PresetDraft]
) -> list[Preset]:
    """Saves each draft as `owner`'s (over their preset of the same name); the caller's
    transaction keeps it all or nothing."""
    return [save(db, owner, owner_label, draft) for draft in drafts]


# -- the examples -------------------------------------------------------------------------------

EXAMPLE_NAME_CHARS = 40


def example_preset(number: int, example: Example) -> Preset:
    """An example as a built-in preset: its prompt and settings (its pictures stay examples)."""
    params = {
        spec.name: getattr(example, spec.name)
        for spec in fields(Example)
        if spec.name in PRESET_PARAMS
    }
    short = (
        example.prompt
        if len(example.prompt) <= EXAMPLE_NAME_CHARS
        else (example.prompt[: EXAMPLE_NAME_CHARS - 1].rstrip() + "…")
    )
    return Preset(
        name=f"{number}. {short}",
        template=example.prompt,
        params=params,
        team=True,
        id=f"example-{number}",
        owner=BUILTIN_OWNER,
    )


BUILTIN: tuple[Preset, ...] = tuple(
    example_preset(number, example) for number, example in enumerate(EXAMPLES, start=1)
)
