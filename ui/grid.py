"""A comparison of models × seeds, planned: which cells run, in which order, under which label.

Pure functions, no gradio and no requests: the page, the `/compare` endpoint and History all read
the models and seeds through here, and every cell is the editor's EditParams with only its model
and seed replaced, so a cell is an ordinary run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from client import EditParams, ValidationError
from client.models import MODELS, SEED_MAX

MAX_SEEDS = 4
MAX_MODELS = 4
"""A comparison is at most MAX_MODELS × MAX_SEEDS runs, each billed; more is a mistake."""


@dataclass(frozen=True)
class Cell:
    """One run of the comparison: row `model`, column `seed`."""

    model: str
    seed: int
    params: EditParams

    @property
    def caption(self) -> str:
        return cell_caption(self.model, self.seed)


def cell_caption(model: str, seed: int) -> str:
    """What names a cell's images in the API's gallery: "qwen-image-2.0-pro · seed 7"."""
    return f"{model} · seed {seed}"


@dataclass(frozen=True)
class Plan:
    """The grid: rows by model, columns by seed, and its cells row by row."""

    models: tuple[str, ...]
    seeds: tuple[int, ...]
    cells: tuple[Cell, ...]


def plan_comparison(params: EditParams, models: Sequence[str], seeds: Sequence[int]) -> Plan:
    """Every model with every seed, row-major; the cells differ from `params` in model and seed
    alone."""
    cells = tuple(
        Cell(model, seed, replace(params, model=model, seed=seed))
        for model in models
        for seed in seeds
    )
    return Plan(tuple(models), tuple(seeds), cells)


def parse_seeds(text: str | None) -> tuple[int, ...]:
    """The seeds of "1, 2, 3" (commas or spaces between them): one to MAX_SEEDS distinct whole
    numbers from 0 to SEED_MAX; raises ValidationError saying what is wrong."""
    words = [word for word in re.split(r"[,\s]+", (text or "").strip()) if word]
    expected = f"one to {MAX_SEEDS} different whole numbers from 0 to {SEED_MAX}"
    if not words:
        raise ValidationError(
            "seeds", expected, text, f"Give the seeds to compare: {expected}, e.g. 1, 2."
        )
    seeds = []
    for word in words:
        try:
            value = float(word)
        except ValueError:
            value = float("nan")
        if not value.is_integer() or not 0 <= value <= SEED_MAX:
            raise ValidationError("seeds", expected, text, f"Seed {word!r} is not {expected}.")
        seeds.append(int(value))
    return _distinct("seeds", seeds, MAX_SEEDS, expected)


def parse_models(models: str | Sequence[str] | None) -> tuple[str, ...]:
    """The models of "a, b" (or a list): one to MAX_MODELS distinct names, in the order given.
    A name outside the model table is kept (as /edit keeps it); the validation judges it."""
    names = models.split(",") if isinstance(models, str) else list(models or ())
    names = [name.strip() for name in names if name and name.strip()]
    expected = f"one to {MAX_MODELS} different model names, e.g. {', '.join(MODELS)}"
    if not names:
        raise ValidationError(
            "models", expected, models, f"Pick the models to compare: {expected}."
        )
    return _distinct("models", names, MAX_MODELS, expected)


def _distinct(field: str, values: list, most: int, expected: str) -> tuple:
    """`values` as a tuple, refused when one repeats (it would be billed twice for the same
    picture) or when there are more than `most`."""
    repeated = next((value for index, value in enumerate(values) if value in values[:index]), None)
    if repeated is not None:
        raise ValidationError(field, expected, values, f"{repeated} is listed twice in {field}.")
    if len(values) > most:
        raise ValidationError(
            field, expected, values, f"{len(values)} {field} given; compare {expected}."
        )
    return tuple(values)


def refusal_text(refusals: Sequence[tuple[str, str]]) -> str:
    """The models that refuse the comparison's settings and why (each reason said once)."""
    reasons = dict.fromkeys(f"{model}: {message}" for model, message in refusals)
    return "Nothing was sent. " + " ".join(reasons)
