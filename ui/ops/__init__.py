"""Running the app as a service: health checks, metrics and a graceful drain on SIGTERM.

One module per job (health.py, metrics.py, drain.py), joined to the app by wiring.py. The
page's features never import them; the Runner sees them only through its hooks (RunHooks).
"""
