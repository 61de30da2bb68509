"""One run of the editor, from its parameters and input files to a recorded result; no gradio.

It checks (raising ValidationError or InvalidImageError before anything is sent), draws the seed
once, hands the client the inputs prepared when they were added, and records every run that
reached the service, failed ones included. The files it returns are the history's own copies of
the exact bytes the API sent back.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from client import (
    EditParams,
    EditRequest,
    EditResult,
    ImageEditError,
    InvalidImageError,
    ValidationError,
    model_spec,
)
from client.images import PreparedImage
from client.preparation import PreparationCache
from client.validation import validate_request
from history import HistoryStore, NewRun

from .backend import Backend, VisitorKey
from .owner import Owner

logger = logging.getLogger(__name__)


@dataclass
class RunOutcome:
    """What the page shows after a run."""

    params: EditParams
    output_paths: list[Path]
    elapsed_s: float
    error: str | None = None
    request_id: str | None = None
    revised_prompt: str | None = None
    notes: list[str] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    backend: str = ""


class Runner:
    def __init__(
        self, backend: Backend, store: HistoryStore, preparation: PreparationCache | None = None
    ) -> None:
        self.backend = backend
        self.store = store
        self.preparation = preparation or PreparationCache()

    def prepared(self, params: EditParams, images: list[str]) -> list[PreparedImage]:
        """The inputs prepared for the model (from the cache when they were seen before)."""
        spec = model_spec(params.model)
        return [
            self.preparation.prepare(path, spec, index=position)
            for position, path in enumerate(images, start=1)
        ]

    def check(self, params: EditParams, images: list[str]) -> list[str]:
        """Raises what the service would refuse; returns notes on inputs that will be changed."""
        validate_request(EditRequest.of(params, images))
        return [image.note for image in self.prepared(params, images) if image.note]

    def run(
        self, params: EditParams, images: list[str], owner: Owner, visitor_key: VisitorKey | None
    ) -> RunOutcome:
        """Sends the edit (ValidationError and InvalidImageError propagate: nothing was sent)."""
        params = params.with_seed()
        request = EditRequest.of(params, self.prepared(params, images))
        started = time.monotonic()
        client, backend_name, owned = self.backend.client_for(visitor_key)
        try:
            result = client.send(request)
        except ImageEditError as error:
            if not _reached_service(error):
                raise
            elapsed = time.monotonic() - started
            logger.info("run failed: %s", type(error).__name__)
            self._record(params, images, owner, backend_name, None, "failed", str(error), elapsed)
            return RunOutcome(
                params,
                [],
                elapsed,
                str(error),
                getattr(error, "request_id", None),
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
            params=params,
            output_paths=list(stored.output_paths) if stored else [],
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
                params=params.as_dict(),
                input_images=[Path(path).read_bytes() for path in images],
                output_images=[image.data for image in result.images] if result else [],
                revised_prompts=[image.revised_prompt or "" for image in result.images]
                if result
                else [],
                status=status,
                error=error,
                elapsed_s=elapsed_s,
                request_id=result.request_id if result else None,
                backend=backend_name,
                notes=list(result.notes) if result else [],
            )
        )


def _reached_service(error: ImageEditError) -> bool:
    """Refusals made before sending (bad values, unusable images) are not runs."""
    return not isinstance(error, ValidationError | InvalidImageError)
