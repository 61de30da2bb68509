"""`python -m client edit ...`: one edit from the command line, results saved to a folder.

Bad arguments exit with status 2 and one clear line; API failures exit with status 1 and the
client's message. The key comes from POWERTOKENS_API_KEY and is never printed; a local simulator
(POWERTOKENS_BASE_URL on 127.0.0.1, localhost or ::1) needs none.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import get_args, get_type_hints

from .constants import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL, WIRE_FORMAT_ENV
from .errors import ImageEditError, ValidationError
from .images import allow_large_photos
from .json_values import parse_json_param
from .limit_texts import image_counts_text
from .models import ENCODINGS, RESPONSE_FORMATS, WIRE_FORMATS
from .params import DOC, JSON_TEXT, PARAM_FIELDS, PARAM_NAMES, EditParams, default_of
from .sync_client import ImageEditClient

SHORT_FLAGS = {"model": "-m", "prompt": "-p", "bbox_list": "--bbox"}
CHOICES = {
    "response_format": RESPONSE_FORMATS,
    "encoding": ENCODINGS,
    "wire_format": WIRE_FORMATS,
}
REQUIRED = {"prompt"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not the whole usage
        self.exit(2, f"error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    environment = (
        f"The key is read from {API_KEY_ENV} (a local simulator needs none: a {BASE_URL_ENV} on "
        f"127.0.0.1, localhost or ::1); the API address from {BASE_URL_ENV} "
        f"(default {DEFAULT_BASE_URL}); the request shape from {WIRE_FORMAT_ENV} (default flat)."
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
    add_param_arguments(edit)
    edit.add_argument(
        "-i",
        "--image",
        action="append",
        required=True,
        dest="images",
        metavar="IMAGE",
        help=f"an input image: a file or an https URL; repeat for fusion ({image_counts_text()}; "
        "order matters)",
    )
    edit.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("."),
        help="folder for the results (default: here)",
    )
    return parser


def add_param_arguments(parser: argparse.ArgumentParser) -> None:
    """One option per field of EditParams, named after it, typed and documented by it."""
    types = get_type_hints(EditParams)
    for spec in PARAM_FIELDS:
        name, default, doc = spec.name, default_of(spec), spec.metadata[DOC]
        flag = f"-{name}" if len(name) == 1 else f"--{name.replace('_', '-')}"
        flags = [SHORT_FLAGS[name], flag] if name in SHORT_FLAGS else [flag]
        kind = types[name]
        if kind is bool:
            negated = f"--no-{name.replace('_', '-')}"
            action = "store_false" if default else "store_true"
            parser.add_argument(
                negated if default else flag,
                dest=name,
                action=action,
                default=default,
                help=f"do not {doc}" if default else doc,
            )
            continue
        shown = f" (default {default})" if default not in (None, "") else ""
        options: dict = {"dest": name, "default": default, "help": doc + shown}
        if name in CHOICES:
            options["choices"] = CHOICES[name]
        elif spec.metadata.get(JSON_TEXT):
            options.update(type=_json_value(flag, name), metavar="JSON")
        elif int in (kind, *get_args(kind)):
            options["type"] = int
        if name in REQUIRED:
            options.update(required=True, default=None)
        parser.add_argument(*flags, **options)


def _json_value(flag: str, name: str):
    def parse(text: str) -> object:
        try:
            return parse_json_param(name, text)
        except ValidationError as error:
            if error.limit == "valid JSON":
                raise argparse.ArgumentTypeError(f"{flag} is not valid JSON") from None
            raise argparse.ArgumentTypeError(str(error)) from None

    parse.__name__ = "JSON"
    return parse


def main(argv: list[str] | None = None) -> int:
    allow_large_photos()
    parser = build_parser()
    args = parser.parse_args(argv)
    params = {name: getattr(args, name) for name in PARAM_NAMES}
    try:
        with ImageEditClient() as api:
            result = api.edit(images=args.images, **params)
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
