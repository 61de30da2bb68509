"""Starts the Image Edit Playground: reads the configuration, builds the page, launches it."""

import logging
import sys

from ui.app import build_app
from ui.config import AppConfig, ConfigError


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        config = AppConfig.from_env(sys.argv[1:])
    except ConfigError as error:
        sys.exit(f"Configuration error: {error}")
    build_app(config).launch()


if __name__ == "__main__":
    main()
