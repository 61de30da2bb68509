"""A run in words: what History's opened run and a shared link say of it, and what the journal
adds to a run's page (history/journal.py): sending, interrupted, kept in the spool, refused."""

from __future__ import annotations

import time
from typing import Any

from history import INTERRUPTED, SENDING, RunDetail
from ui.core.texts import say, text_in

JOURNAL_WORDS = {SENDING: "status_sending", INTERRUPTED: "status_interrupted"}
"""The statuses of the run journal, by the key of their words in the list."""
JOURNAL_DETAILS = {SENDING: "sending_detail", INTERRUPTED: "interrupted_detail"}
"""... and of the sentence an opened run starts with."""


def journal_status(status: str, language: str) -> str | None:
    """How History's list names a run that is sending or was interrupted (None for others)."""
    key = JOURNAL_WORDS.get(status)
    return text_in(language, key) if key else None


def problem_text(error: Exception, request: Any) -> str:
    """An error refusing a run, in the request's language when it has words of its own."""
    key = getattr(error, "text_key", None)
    return say(request, key) if key else str(error)


def spooled_warning(outcome: Any, request: Any) -> str:
    """The warning of a run whose answer is kept in the spool ("" for any other run); it
    stands in for the usage, which the history cannot tell while it is down."""
    return "\n\n" + say(request, "spooled") if getattr(outcome, "spooled", False) else ""


def detail_markdown(run: RunDetail, language: str = "en") -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.created_at))
    lines = [f"**{run.status.upper()}** · {run.model} · {when} · {run.backend}"]
    if run.status in JOURNAL_DETAILS:
        lines.insert(0, text_in(language, JOURNAL_DETAILS[run.status]))
    if run.owner_label:
        lines[0] += f" · by {run.owner_label}"
    lines.append(f"**Prompt:** {run.prompt}")
    if run.negative_prompt:
        lines.append(f"**Negative prompt:** {run.negative_prompt}")
    revised = next((text for text in run.revised_prompts if text), None)
    if revised:
        lines.append(f"**Revised prompt:** {revised}")
    timing = f"{run.elapsed_s:.1f} s" if run.elapsed_s is not None else "unknown"
    lines.append(
        f"Seed `{run.seed}` · {len(run.output_paths)} of {run.requested_n} images · {timing}"
        + (f" · request `{run.request_id}`" if run.request_id else "")
    )
    if run.error:
        lines.append(f"**Error:** {run.error}")
    lines += [f"- {note}" for note in run.notes]
    return "\n\n".join(lines)
