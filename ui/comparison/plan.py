"""A comparison of models × seeds, planned: which cells run, in which order, under which label.

Pure functions, no requests (the words are ui/core/texts.py's, in the visitor's language): the page,
the `/compare` endpoint and History all read the models and seeds through here, and every cell
is the editor's EditParams with only its model and seed replaced, so a cell is an ordinary run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from client import EditParams, ValidationError
from client.models import MODELS, SEED_MAX
from ui.core.config import COMPARISON_MAX_MODELS as MAX_MODELS
from ui.core.config import COMPARISON_MAX_SEEDS as MAX_SEEDS
from ui.core.texts import text_in


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

    @property
    def images_by_model(self) -> dict[str, int]:
        """The images every cell asks for (its n), summed per model: what the budget holds."""
        counts: dict[str, int] = {}
        for cell in self.cells:
            counts[cell.model] = counts.get(cell.model, 0) + (cell.params.n or 1)
        return counts


def plan_comparison(params: EditParams, models: Sequence[str], seeds: Sequence[int]) -> Plan:
    """Every model with every seed, row-major; the cells differ from `params` in model and seed
    alone."""
    cells = tuple(
        Cell(model, seed, replace(params, model=model, seed=seed))
        for model in models
        for seed in seeds
    )
    return Plan(tuple(models), tuple(seeds), cells)


def parse_seeds(text: str | None, language: str = "en") -> tuple[int, ...]:
    """The seeds of "1, 2, 3" (commas or spaces between them): one to MAX_SEEDS distinct whole
    numbers from 0 to SEED_MAX, written in plain digits; raises ValidationError saying what is
    wrong, in `language`."""
    words = [word for word in re.split(r"[,\s]+", (text or "").strip()) if word]
    expected = f"one to {MAX_SEEDS} different whole numbers from 0 to {SEED_MAX}"
    if not words:
        problem = text_in(language, "grid_no_seeds", most=MAX_SEEDS, top=SEED_MAX)
        raise ValidationError("seeds", expected, text, problem)
    for word in words:
        if not word.isascii() or not word.isdigit() or int(word) > SEED_MAX:
            problem = text_in(language, "grid_not_a_seed", word=word, top=SEED_MAX)
            raise ValidationError("seeds", expected, text, problem)
    seeds = [int(word) for word in words]
    _refuse_repeats("seeds", seeds, expected, language)
    if len(seeds) > MAX_SEEDS:
        problem = text_in(language, "grid_too_many_seeds", count=len(seeds), most=MAX_SEEDS)
        raise ValidationError("seeds", expected, text, problem)
    return tuple(seeds)


def parse_models(models: str | Sequence[str] | None, language: str = "en") -> tuple[str, ...]:
    """The models of "a, b" (or a list): one to MAX_MODELS distinct names, in the order given;
    names differing only in case are one model, given twice. A name outside the model table is
    kept (as /edit keeps it); the validation judges it."""
    names = models.split(",") if isinstance(models, str) else list(models or ())
    names = [name.strip() for name in names if name and name.strip()]
    known = ", ".join(MODELS)
    expected = f"one to {MAX_MODELS} different model names, e.g. {known}"
    if not names:
        problem = text_in(language, "grid_no_models", most=MAX_MODELS, known=known)
        raise ValidationError("models", expected, models, problem)
    _refuse_repeats("models", names, expected, language, same=str.casefold)
    if len(names) > MAX_MODELS:
        problem = text_in(
            language, "grid_too_many_models", count=len(names), most=MAX_MODELS, known=known
        )
        raise ValidationError("models", expected, models, problem)
    return tuple(names)


def _refuse_repeats(
    field: str,
    values: list,
    expected: str,
    language: str,
    same: Callable[[Any], Any] = lambda value: value,
) -> None:
    """Refuses a seed or model given twice (values equal once `same` is applied): it would be
    billed twice for the same picture."""
    keys = [same(value) for value in values]
    repeated = next(
        (value for index, value in enumerate(values) if keys[index] in keys[:index]), None
    )
    if repeated is not None:
        key = "grid_seed_twice" if field == "seeds" else "grid_model_twice"
        problem = text_in(language, key, value=repeated)
        raise ValidationError(field, expected, values, problem)


def refusal_reasons(
    refusals: Sequence[tuple[str, str]], models: Sequence[str], language: str = "en"
) -> str:
    """Why the service would refuse the comparison: a reason every model in `models` meets is
    said once, others name their model; when some models would pass, it says to untick the
    others."""
    by_reason: dict[str, list[str]] = {}
    for model, reason in refusals:
        if model not in by_reason.setdefault(reason, []):
            by_reason[reason].append(model)
    said = [
        reason if set(models) <= set(refusing) else f"{', '.join(refusing)}: {reason}"
        for reason, refusing in by_reason.items()
    ]
    refusing_models = list(dict.fromkeys(model for model, _ in refusals))
    if len(refusing_models) < len(set(models)):
        said.append(text_in(language, "grid_untick", models=", ".join(refusing_models)))
    return " ".join(said)


def refusal_text(
    refusals: Sequence[tuple[str, str]], models: Sequence[str], language: str = "en"
) -> str:
    """A refused Compare: nothing was sent, and why (`refusal_reasons`)."""
    return text_in(language, "grid_refused", reasons=refusal_reasons(refusals, models, language))
