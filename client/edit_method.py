"""The one `edit(...)` signature both clients offer, so its parameters are written once.

`ImageEditClient.send` returns an EditResult, `AsyncImageEditClient.send` a coroutine of one;
`edit` builds the EditRequest and hands it over, so `client.edit(...)` and
`await async_client.edit(...)` take the same keywords with the same defaults.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

from ._base import ClientCore
from .validation import EditRequest

Result = TypeVar("Result")


class EditMethod(ABC, Generic[Result]):
    """What both clients share besides the machinery of `ClientCore`: `edit`, and how they show."""

    _core: ClientCore

    @property
    def base_url(self) -> str:
        return self._core.base_url

    def __repr__(self) -> str:  # never the key
        return f"{type(self).__name__}(base_url={self._core.base_url!r})"

    @abstractmethod
    def send(self, request: EditRequest) -> Result:
        """Validates, sends and parses one request."""

    def edit(
        self,
        *,
        model: str,
        prompt: str,
        images: Sequence[Any],
        n: int = 1,
        size: str = "1024*1024",
        seed: int | None = None,
        watermark: bool = False,
        prompt_extend: bool = True,
        negative_prompt: str | None = None,
        response_format: str = "b64_json",
        extra: Mapping[str, Any] | None = None,
        encoding: str = "json",
    ) -> Result:
        """Edits one image or fuses several (paths, bytes, PIL images or https URLs).

        Validates and prepares everything before sending; retries what is safe to retry;
        downloads URL results at once. Raises an `ImageEditError` subclass on failure.
        """
        request = EditRequest(
            model, prompt, list(images), n, size, seed, watermark, prompt_extend,
            negative_prompt, response_format, extra, encoding,
        )  # fmt: skip
        return self.send(request)
