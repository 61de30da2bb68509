"""`python -m simulator`: the simulator as a standalone server, e.g. for POWERTOKENS_BASE_URL.

Prints nothing secret: the log names the base URL to point a client at, never the key.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys

import uvicorn

from . import SimulatorConfig, create_app

API_KEY_ENV = "SIMULATOR_API_KEY"

logger = logging.getLogger(__name__)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description=(
            "Serve a local imitation of the PowerTokens image-edits API (POST /v1/images/edits): "
            "the same validation and error envelope, real PNG results drawn from the inputs."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    parser.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="added to every edit (0)"
    )
    parser.add_argument(
        "--per-image-latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="added per requested image (0)",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get(API_KEY_ENV),
        metavar="KEY",
        help=f"the only key accepted (default: ${API_KEY_ENV}, else any non-empty key)",
    )
    parser.add_argument(
        "--url-lifetime",
        type=float,
        default=86400.0,
        metavar="SECONDS",
        help="how long a result URL works (86400, a day, like the service's)",
    )
    parser.add_argument(
        "--enable-control",
        action="store_true",
        help="serve /_simulator/faults (queue scripted faults) and /_simulator/requests (the "
        "request log); off by default",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    config = SimulatorConfig(
        api_key=args.api_key,
        latency_s=args.latency,
        per_image_latency_s=args.per_image_latency,
        url_lifetime_s=args.url_lifetime,
        enable_control=args.enable_control,
    )
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        listening = bound_socket(args.host, args.port)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        sys.exit(
            f"Port {args.port} is in use: stop the other program or pass --port <a free port>."
        )
    logger.info(
        "Simulator serving http://%s:%d/v1 (set POWERTOKENS_BASE_URL to it); key %s",
        args.host,
        args.port,
        "required" if args.api_key else "not checked",
    )
    server = uvicorn.Server(uvicorn.Config(create_app(config), log_level="warning"))
    server.run(sockets=[listening])


def bound_socket(host: str, port: int) -> socket.socket:
    """The listening socket, bound before anything is announced, so a taken port is one clear
    line rather than uvicorn's own report."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError:
        listening.close()
        raise
    return listening


if __name__ == "__main__":
    main()
