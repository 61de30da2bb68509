"""A local implementation of the image-edits API: the app's offline default and the test double.

    from simulator import SimulatorConfig, create_app, serve
    with serve(create_app(SimulatorConfig(latency_s=1.0))) as server:
        ...  # point the client at server.base_url

It is a real HTTP server, so the client reaches it exactly as it reaches the service.
"""

from .app import create_app
from .config import Fault, SimulatorConfig
from .server import RunningServer, serve

__all__ = ["Fault", "RunningServer", "SimulatorConfig", "create_app", "serve"]
