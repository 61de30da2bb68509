"""Starts the Image Edit Playground: reads the configuration, builds the page, launches it."""

import logging
import socket
import sys

from ui.app import build_app
from ui.core.config import AppConfig, ConfigError


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        config = AppConfig.from_env(sys.argv[1:])
    except ConfigError as error:
        sys.exit(f"Configuration error: {error}")
    app = build_app(config)
    try:
        app.launch(prevent_thread_lock=True)
    except OSError:  # Gradio's "Cannot find empty port", or any other failure to listen
        if not port_is_taken(config.server_port):
            raise
        app.close()
        sys.exit(
            f"Port {config.server_port} is in use: stop the other program or set "
            "GRADIO_SERVER_PORT=<a free port>."
        )
    app.ops.drain.on_sigterm(app.answering, app.close)  # finish the runs going, then exit
    app.demo.block_thread()


def port_is_taken(port: int) -> bool:
    """Whether another program holds `port` on 127.0.0.1 (Gradio's own check before listening;
    a program on the wildcard address holds it there too)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


if __name__ == "__main__":
    main()
