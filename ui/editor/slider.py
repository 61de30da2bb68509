"""The before/after slider: the input a result was made from, cut to the result's own frame.

A 4:3 input beside a square result leaves an empty strip, so the slider shows the last input
(whose aspect the models follow) scaled and centre-cut to exactly the result's size. That picture
is never written anywhere: the picture gate makes it when the slider asks for it, after the same
check as the result's (ui/core/picture_gate.py), so it goes with its run.
"""

from __future__ import annotations

from ui.core.picture_gate import slider_of


def aligned_pair(run_inputs: list[str], result: str) -> tuple[str, str] | None:
    """The slider's value for a result the gate named: (the aligned input, the result); None
    when the run had no input or the result is not a run's."""
    aligned = slider_of(result) if run_inputs else None
    return None if aligned is None else (aligned, result)
