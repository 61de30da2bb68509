"""The house way of timing a measured path against its baseline (see bench/tree.py): both in one
run, alternated round by round (the order turned every round, so neither always
runs on a warmer or a busier machine), then the median and spread of each and of their ratio.
Shared by the benches so that each prints its figures the same way."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def seconds(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def alternated(*functions: Callable[[], float], rounds: int) -> tuple[list[float], ...]:
    """Each function's figures, one per round, alternated: the order turns by one every round
    (for two, the first of the pair is swapped). Each function returns its own figure (seconds,
    bytes...), so that it can leave its set-up out of it."""
    figures: tuple[list[float], ...] = tuple([] for _ in functions)
    for round_number in range(rounds):
        for offset in range(len(functions)):
            position = (round_number + offset) % len(functions)
            figures[position].append(functions[position]())
    return figures


def line(label: str, figures: list[float], unit: str = "ms", scale: float = 1000) -> str:
    values = [figure * scale for figure in figures]
    spread = f"{min(values):.2f}-{max(values):.2f}"
    return f"  {label:<40} median {statistics.median(values):8.2f} {unit}  (spread {spread})"


def ratio_line(label: str, measured: list[float], baseline: list[float], target: str) -> str:
    """The ratio measured ÷ baseline round by round: its median and spread, beside the target."""
    ratios = [ours / theirs for ours, theirs in zip(measured, baseline, strict=True)]
    return (
        f"  {label}: median {statistics.median(ratios):.2f}x"
        f"  (spread {min(ratios):.2f}-{max(ratios):.2f}x; target {target})"
    )
