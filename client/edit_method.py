"""The one `edit(...)` signature both clients offer, so its parameters are written once.

`ImageEditClient.send` returns an EditResult, `AsyncImageEditClient.send` a coroutine of one;
`edit` builds the EditRequest and hands it over, so `client.edit(...)` and
`await async_client.edit(...)` take the same keywords with the same defaults.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from ._base import ClientCore
from .params import PARAM_NAMES, EditRequest

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

    def edit(self, *, images: Sequence[Any], **params: Any) -> Result:
        """Edits one image or fuses several (paths, bytes, PIL images, https URLs or prepared
        images); `params` are the fields of `EditParams`, by name.

        Validates and prepares everything before sending; retries what is safe to retry;
        downloads URL results at once. Raises an `ImageEditError` subclass on failure.
        """
        unknown = sorted(set(params) - set(PARAM_NAMES))
        if unknown:
            raise TypeError(f"edit() got unknown parameters {unknown}; it takes {PARAM_NAMES}")
        return self.send(EditRequest(images=list(images), **params))
