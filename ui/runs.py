"""One run of the editor, from its inputs to a recorded result; no gradio here.

It validates (raising ValidationError or InvalidImageError before anything is sent), calls the
client, and records every run that reached the service, failed ones included, in the history.
The files it returns are the history's own copies of the exact bytes the API sent back.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client import EditResult, ImageEditError, InvalidImageError, ValidationError
from client.images import prepare_image
from client.models import model_spec
from client.validation import EditRequest, validate_request

from .backend import Backend, VisitorKey
from .editor import EditParams
from .history_store import HistoryStore, NewRun
from .owner import Owner

logger = logging.getLogger(__name__)


@dataclass
class RunOutcome:
    """What the page shows after a run."""

    run_id: str | None
    status: str
    output_paths: list[Path]
    seed: int | None
    elapsed_s: float
    error: str | None = None
    request_id: str | None = None
    revised_prompt: str | None = None
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    backend: str = ""


class Runner:
    def __init__(self, backend: Backend, store: HistoryStore) -> None:
        self.backend = backend
        self.store = store

    def check(self, params: EditParams, images: list[str]) -> list[str]:
        """Raises what the service would refuse; returns notes on inputs that will be changed."""
        validate_request(_request(params, images))
        spec = model_spec(params.model)
        notes = []
        for position, path in enumerate(images, start=1):
            note = prepare_image(path, spec, index=position).note
            if note:
                notes.append(note)
        return notes

    def run(
        self, params: EditParams, images: list[str], owner: Owner, visitor_key: VisitorKey | None
    ) -> RunOutcome:
        started = time.monotonic()
        client, backend_name, owned = self.backend.client_for(visitor_key)
        try:
            result = client.send(_request(params, images))
        except (ValidationError, InvalidImageError):
            raise
        except ImageEditError as error:
            elapsed = time.monotonic() - started
            message = str(error)
            logger.info("run failed: %s", type(error).__name__)
            run_id = self._record(
                params, images, owner, backend_name, None, "failed", message, elapsed
            )
            request_id = getattr(error, "request_id", None)
            return RunOutcome(
                run_id,
                "failed",
                [],
                params.seed,
                elapsed,
                message,
                request_id,
                backend=backend_name,
            )
        finally:
            if owned:
                client.close()
        status = "partial" if result.partial else "ok"
        run_id = self._record(
            params, images, owner, backend_name, result, status, None, result.elapsed_s
        )
        stored = self.store.get_run(owner.id, run_id)
        return RunOutcome(
            run_id=run_id,
            status=status,
            output_paths=list(stored.output_paths) if stored else [],
            seed=params.seed,
            elapsed_s=result.elapsed_s,
            request_id=result.request_id,
            revised_prompt=result.revised_prompt,
            notes=list(result.notes),
            metadata=result.metadata,
            backend=backend_name,
        )

    def _record(
        self,
        params: EditParams,
        images: list[str],
        owner: Owner,
        backend_name: str,
        result: EditResult | None,
        status: str,
        error: str | None,
        elapsed_s: float,
    ) -> str:
        return self.store.save_run(
            NewRun(
                owner=owner.id,
                owner_label=owner.label,
                model=params.model,
                prompt=params.prompt,
                negative_prompt=params.negative_prompt or None,
                params=params.history_params(),
                input_images=[Path(path).read_bytes() for path in images],
                output_images=[image.data for image in result.images] if result else [],
                revised_prompts=[image.revised_prompt or "" for image in result.images]
                if result
                else [],
                seed=params.seed,
                status=status,
                error=error,
                elapsed_s=elapsed_s,
                request_id=result.request_id if result else None,
                backend=backend_name,
                requested_n=params.n,
                notes=list(result.notes) if result else [],
            )
        )


def _request(params: EditParams, images: list[str]) -> EditRequest:
    return EditRequest(
        model=params.model,
        prompt=params.prompt,
        images=list(images),
        n=params.n,
        size=params.size,
        seed=params.seed,
        watermark=params.watermark,
        prompt_extend=params.prompt_extend,
        negative_prompt=params.negative_prompt or None,
        response_format=params.response_format,
        extra=params.extra,
        encoding=params.encoding,
    )
