"""A run in words: what History's opened run and a shared link say of it, and what the journal
adds to a run's page (history/journal.py): sending, interrupted, kept in the spool, refused."""

from __future__ import annotations

import time
from typing import Any

from history import INTERRUPTED, SENDING, RunDetail
from ui.core.client_words import error_text, translated
from ui.core.texts import TEXTS, say, text_in
from ui.core.usage import images_text

JOURNAL_WORDS = {SENDING: "status_sending", INTERRUPTED: "status_interrupted"}
"""The statuses of the run journal, by the key of their words in the list."""
JOURNAL_DETAILS = {SENDING: "sending_detail", INTERRUPTED: "interrupted_detail"}
"""... and of the sentence an opened run starts with."""
DETAIL_STATUSES = {
    "ok": "status_ok",
    "partial": "status_partial",
    "failed": "status_error",
    **JOURNAL_WORDS,
}
"""An opened run's status, by the key of its word (English keeps the stored status, in capitals)."""


def made_text(got: int, asked: int, language: str) -> str:
    """ "1 image", "4 images" when all came back; "3 of 4 images" when some did not."""
    if got == asked:
        return images_text(got, language)
    return text_in(language, "images_of", got=got, n=asked)


def journal_status(status: str, language: str) -> str | None:
    """How History's list names a run that is sending or was interrupted (None for others)."""
    key = JOURNAL_WORDS.get(status)
    return text_in(language, key) if key else None


def problem_text(error: Exception, request: Any) -> str:
    """An error refusing a run, in the request's language when it has words of its own."""
    key = getattr(error, "text_key", None)
    values = getattr(error, "text_values", {})
    return say(request, key, **values) if key else error_text(error, request)


def spooled_warning(outcome: Any, request: Any) -> str:
    """The warning of a run whose answer is kept in the spool ("" for any other run); it
    stands in for the usage, which the history cannot tell while it is down."""
    return "\n\n" + say(request, "spooled") if getattr(outcome, "spooled", False) else ""


def detail_markdown(run: RunDetail, language: str = "en") -> str:
    """An opened (or shared) run in words: status, model, time, prompts, numbers, notes."""
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.created_at))
    lines = [
        f"**{_status(run.status, language)}** · {run.model} · {when} · "
        + _backend(run.backend, language)
    ]
    if run.status in JOURNAL_DETAILS:
        lines.insert(0, text_in(language, JOURNAL_DETAILS[run.status]))
    if run.owner_label:
        lines[0] += text_in(language, "detail_by", owner=run.owner_label)
    lines.append(text_in(language, "detail_prompt", prompt=run.prompt))
    if run.negative_prompt:
        lines.append(text_in(language, "detail_negative", prompt=run.negative_prompt))
    revised = next((text for text in run.revised_prompts if text), None)
    if revised:
        lines.append(text_in(language, "detail_revised", prompt=revised))
    timing = (
        text_in(language, "detail_seconds", seconds=f"{run.elapsed_s:.1f}")
        if run.elapsed_s is not None
        else text_in(language, "detail_unknown_time")
    )
    lines.append(
        text_in(
            language,
            "detail_numbers",
            seed=run.seed,
            made=made_text(len(run.output_paths), run.requested_n, language),
            timing=timing,
        )
        + (text_in(language, "detail_request", request_id=run.request_id) if run.request_id else "")
    )
    if run.error:
        lines.append(text_in(language, "detail_error", error=translated(run.error, language)))
    lines += [f"- {translated(note, language)}" for note in run.notes]
    return "\n\n".join(lines)


def _status(status: str, language: str) -> str:
    key = DETAIL_STATUSES.get(status)
    return status.upper() if language == "en" or key is None else text_in(language, key)


def _backend(backend: str, language: str) -> str:
    key = f"backend_{backend}"
    return text_in(language, key) if key in TEXTS else backend
