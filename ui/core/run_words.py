"""A stored run in words: what History's opened run and a shared link say of it."""

from __future__ import annotations

import time

from history import RunDetail


def detail_markdown(run: RunDetail) -> str:
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(run.created_at))
    lines = [f"**{run.status.upper()}** · {run.model} · {when} · {run.backend}"]
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
