"""Ready-made edits to try: small pictures drawn by the project (examples/make.py) and prompts.

`EXAMPLES` lists them for the page (gr.Examples) or any caller: each names its input images
(relative to this folder), a prompt, the model and, where it matters, n and size. Single-image
edits use qwen-image-2.0-pro; fusions use wan2.7-image-pro and name their inputs "image 1",
"image 2", ... in input order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from client.models import DEFAULT_SIZE
from client.params import EditRequest

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Example:
    """One ready-made edit: input images in order, the prompt, the model and its settings."""

    images: tuple[Path, ...]
    """Relative to this folder; `files` gives them as absolute paths."""
    prompt: str
    model: str
    n: int = 1
    size: str = DEFAULT_SIZE

    @property
    def files(self) -> tuple[Path, ...]:
        """The input images as absolute paths, wherever the project is run from."""
        return tuple(HERE / image for image in self.images)

    def request(self) -> EditRequest:
        """This example as the request it makes (nothing prepared or sent)."""
        return EditRequest(
            prompt=self.prompt, model=self.model, n=self.n, size=self.size, images=self.files
        )


EXAMPLES: tuple[Example, ...] = (
    Example(
        images=(Path("house.jpg"),),
        prompt="Make it a snowy winter evening: snow on the roof and the hills, "
        "warm light in the windows, smoke from the chimney",
        model="qwen-image-2.0-pro",
    ),
    Example(
        images=(Path("cat.jpg"),),
        prompt="把这只猫画成水彩画风格，背景换成洒满阳光的窗台",
        model="qwen-image-2.0-pro",
        n=2,
    ),
    Example(
        images=(Path("mug.jpg"),),
        prompt="Turn this into a product photo: a white marble counter, soft morning light "
        "from the left, and a small plant behind the mug",
        model="qwen-image-2.0-pro",
        size="1536*1024",
    ),
    Example(
        images=(Path("cat.jpg"), Path("hat.jpg")),
        prompt="Put the straw hat from image 2 on the cat in image 1; keep the cat's pose "
        "and the red rug",
        model="wan2.7-image-pro",
        size="1K",
    ),
    Example(
        images=(Path("house.jpg"), Path("cat.jpg"), Path("mug.jpg")),
        prompt="Seat the cat from image 2 on the grass in front of the house in image 1, "
        "with the mug from image 3 beside it",
        model="wan2.7-image-pro",
        n=2,
    ),
)
