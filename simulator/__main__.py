"""`python -m simulator`: the simulator as a standalone server, e.g. for POWERTOKENS_BASE_URL."""

from __future__ import annotations

import argparse
import logging

import uvicorn

from . import SimulatorConfig, create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m simulator",
        description="Serve a local imitation of POST /v1/images/edits (PowerTokens gateway).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every edit")
    parser.add_argument(
        "--per-image-latency", type=float, default=0.0, help="seconds added per requested image"
    )
    parser.add_argument(
        "--api-key", default=None, help="the only key accepted (default: any non-empty key)"
    )
    parser.add_argument(
        "--url-lifetime", type=float, default=86400.0, help="seconds a result URL works (86400)"
    )
    parser.add_argument(
        "--enable-control",
        action="store_true",
        help="serve /_simulator/faults and /_simulator/requests for scripted faults",
    )
    args = parser.parse_args(argv)
    config = SimulatorConfig(
        api_key=args.api_key,
        latency_s=args.latency,
        per_image_latency_s=args.per_image_latency,
        url_lifetime_s=args.url_lifetime,
        enable_control=args.enable_control,
    )
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger(__name__).info(
        "Simulator serving http://%s:%d/v1 (set POWERTOKENS_BASE_URL to it)", args.host, args.port
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
