"""`python -m client edit ...`: one edit from the command line, results saved to a folder.

Bad arguments exit with status 2 and one clear line; API failures exit with status 1 and the
client's message. The key comes from POWERTOKENS_API_KEY and is never printed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from ._constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
from .errors import ImageEditError, ValidationError
from .images import allow_large_photos
from .models import DEFAULT_MODEL, DEFAULT_SIZE, ENCODINGS, MODELS, RESPONSE_FORMATS
from .sync_client import ImageEditClient


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not the whole usage
        self.exit(2, f"error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    environment = (
        f"The key is read from {API_KEY_ENV}; the API address from {BASE_URL_ENV} "
        f"(default {DEFAULT_BASE_URL})."
    )
    parser = _Parser(
        prog="python -m client",
        description="Call the PowerTokens image-edits API from the command line.",
        epilog=environment,
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    edit = commands.add_parser(
        "edit",
        help="edit one image or fuse several; save the results",
        description="Edit one image, or fuse several, and save the results; prints their paths.",
        epilog=environment,
    )
    edit.add_argument(
        "-m",
        "--model",
        default=DEFAULT_MODEL,
        help=f"model name ({', '.join(MODELS)}; default {DEFAULT_MODEL})",
    )
    edit.add_argument("-p", "--prompt", required=True, help="what to change (1-800 characters)")
    edit.add_argument(
        "-i",
        "--image",
        action="append",
        required=True,
        dest="images",
        metavar="IMAGE",
        help="an input image: a file or an https URL; repeat for fusion (order matters)",
    )
    edit.add_argument("-n", type=int, default=1, help="number of results (default 1)")
    edit.add_argument(
        "--size", default=DEFAULT_SIZE, help=f"output size W*H (default {DEFAULT_SIZE})"
    )
    edit.add_argument("--seed", type=int, default=None, help="0-2147483647 for repeatable results")
    edit.add_argument(
        "--negative-prompt", default=None, help="what to avoid (up to 500 characters)"
    )
    edit.add_argument("--watermark", action="store_true", help="add the provider's watermark")
    edit.add_argument(
        "--no-prompt-extend",
        dest="prompt_extend",
        action="store_false",
        help="do not let the service rewrite the prompt",
    )
    edit.add_argument(
        "--response-format",
        choices=RESPONSE_FORMATS,
        default="b64_json",
        help="how results come back (default b64_json)",
    )
    edit.add_argument(
        "--encoding", choices=ENCODINGS, default="json", help="request encoding (default json)"
    )
    edit.add_argument(
        "--extra",
        default=None,
        metavar="JSON",
        help='extended parameters, e.g. \'{"parameters": {"steps": 30}}\'',
    )
    edit.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        help="folder for the results (default: here)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    allow_large_photos()
    parser = build_parser()
    args = parser.parse_args(argv)
    extra = None
    if args.extra:
        try:
            extra = json.loads(args.extra)
        except ValueError:
            parser.error("--extra is not valid JSON")
    try:
        with ImageEditClient() as api:
            result = api.edit(
                model=args.model, prompt=args.prompt, images=args.images, n=args.n,
                size=args.size, seed=args.seed, watermark=args.watermark,
                prompt_extend=args.prompt_extend, negative_prompt=args.negative_prompt,
                response_format=args.response_format, extra=extra, encoding=args.encoding,
            )  # fmt: skip
    except ValidationError as error:
        parser.error(str(error))
    except ImageEditError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    args.output.mkdir(parents=True, exist_ok=True)
    # The request id names the files; it comes from the service, so only safe characters stay.
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", result.request_id or "").strip("-")[:64] or "result"
    for position, image in enumerate(result.images, start=1):
        path = args.output / f"{stem}-{position}.{image.extension}"
        path.write_bytes(image.data)
        print(path)
    for note in result.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0
