"""The app's settings, read once from the environment and the command line.

`python app.py --help` prints every variable and flag with its default, so the README's table and
the program can be checked against each other.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field
from pathlib import Path

from client import API_KEY_ENV, BASE_URL_ENV, DEFAULT_BASE_URL
from client.constants import WIRE_FORMAT_ENV
from client.limit_texts import models_text
from client.models import WIRE_FORMATS
from history.budgets import BUDGET_ENV, Budget, BudgetError, parse_budget
from history.budgets import EXAMPLE as BUDGET_EXAMPLE
from history.rate_limit import EXAMPLE as RATE_EXAMPLE
from history.rate_limit import RATE_ENV, RateLimit, RateLimitError, parse_rate_limit
from ui.core.prices import EXAMPLE as PRICE_EXAMPLE
from ui.core.prices import PRICE_PER_IMAGE_ENV, PriceError, Prices, parse_prices

COMPARISON_MAX_SEEDS = 4
COMPARISON_MAX_MODELS = 4
"""A comparison is at most this many models × seeds, each run billed; more is a mistake. Here,
not in ui/comparison/, because MAX_RUNS_PER_VISITOR's default is the largest comparison."""

SETTINGS = (
    (API_KEY_ENV, "unset", "key for the real API; unset: the offline simulator is used"),
    (BASE_URL_ENV, DEFAULT_BASE_URL, "API base URL (a proxy, or `python -m simulator`)"),
    (WIRE_FORMAT_ENV, "flat", "request shape: flat (the seed's) or messages (input.messages)"),
    ("GRADIO_SERVER_NAME", "127.0.0.1", "address to listen on; 0.0.0.0 for a server"),
    ("GRADIO_SERVER_PORT", "7860", "port to listen on"),
    ("MAX_CONCURRENT_RUNS", "16", "edits that run at once; more wait in a bounded queue"),
    (
        "MAX_RUNS_PER_VISITOR",
        str(COMPARISON_MAX_MODELS * COMPARISON_MAX_SEEDS),
        "per visitor: requests queued or running at once (page, API, MCP); more are refused",
    ),
    ("HISTORY_DIR", "./data", "where the run history (SQLite + images) lives"),
    ("HISTORY_SCOPE", "private", "private: each browser sees its own runs; shared: all runs"),
    ("HISTORY_MAX_RUNS", "unset", "per visitor: keep at most this many runs, oldest removed first"),
    ("HISTORY_MAX_BYTES", "unset", "per visitor: keep their images under this many bytes"),
    ("HISTORY_MAX_TOTAL_BYTES", "unset", "whole store: keep all images under this many bytes"),
    ("HISTORY_DATABASE_URL", "unset", "postgresql://... for several replicas; unset: SQLite"),
    ("HISTORY_BLOB_URL", "unset", "s3://bucket/prefix for the images (boto3's AWS_* settings)"),
    ("HISTORY_SECRET", "generated", "signs visitors' history ids; required with a database URL"),
    ("APP_AUTH", "unset", "password protection: user:password[,user:password] or a file of them"),
    ("SIMULATOR_LATENCY", "1.0", "seconds the offline simulator takes per run"),
    ("GRADIO_MCP_SERVER", "False", "True: also serve MCP tools at /gradio_api/mcp/ (as --mcp)"),
    (PRICE_PER_IMAGE_ENV, "unset", f"price per image per model ({PRICE_EXAMPLE}): a cost"),
    (
        BUDGET_ENV,
        "unset",
        f"per person, images per UTC day, in all and per model ({BUDGET_EXAMPLE});"
        " resets at 00:00 UTC",
    ),
    ("APP_ADMINS", "unset", "logins (of APP_AUTH) who see everyone's use of the day"),
    (
        RATE_ENV,
        "unset",
        f"requests per minute to the service, for every model and per model ({RATE_EXAMPLE});"
        " every replica on one database holds it together",
    ),
    ("DRAIN_SECONDS", "30", "on SIGTERM: refuse new runs, finish those going, exit within this"),
)

MAX_FILE_SIZE = "50mb"
"""The largest input file the editor takes; a larger one is named in the inputs' notes."""
UPLOAD_MAX_BYTES = 50 * 1000 * 1000
"""MAX_FILE_SIZE in bytes (Gradio's "mb" is 10**6 bytes)."""
GRADIO_UPLOAD_CAP = "200mb"
"""Gradio refuses uploads above this with its own terse message; between MAX_FILE_SIZE and it,
the page says in words which image is too large and what to do."""


class ConfigError(ValueError):
    """A setting has a value the app cannot use; the message names it."""


@dataclass(frozen=True)
class AppConfig:
    api_key: str | None = None
    base_url: str = DEFAULT_BASE_URL
    wire_format: str = WIRE_FORMATS[0]
    server_name: str = "127.0.0.1"
    server_port: int = 7860
    max_concurrent_runs: int = 16
    max_runs_per_visitor: int = COMPARISON_MAX_MODELS * COMPARISON_MAX_SEEDS
    """The largest comparison by default, so every comparison the page offers can run."""
    history_dir: Path = Path("data")
    history_scope: str = "private"
    history_max_runs: int | None = None
    history_max_bytes: int | None = None
    history_max_total_bytes: int | None = None
    history_secret: str | None = None
    history_database_url: str | None = field(default=None, repr=False)
    history_blob_url: str | None = None
    auth: tuple[tuple[str, str], ...] = ()
    simulator_latency_s: float = 1.0
    share: bool = False
    mcp: bool = False
    prices: Prices = field(default_factory=Prices)
    budget: Budget = field(default_factory=Budget)
    rate_limit: RateLimit = field(default_factory=RateLimit)
    """Requests per minute to the gateway, per model, held by every replica together."""
    admins: tuple[str, ...] = ()
    drain_seconds: float = 30.0
    """On SIGTERM the server takes no new run and exits within this (ui/ops/drain.py)."""

    def __repr__(self) -> str:
        return f"AppConfig(base_url={self.base_url!r}, history_dir={str(self.history_dir)!r})"

    @property
    def edit_workers(self) -> int:
        """Edit events Gradio runs at once, most of them waiting for a sending slot: the slots
        plus one visitor's bound, so a visitor at their bound never holds every worker and the
        others' requests still reach the fair line for the slots (ui/core/fair_share.py)."""
        return self.max_concurrent_runs + self.max_runs_per_visitor

    @property
    def queue_size(self) -> int:
        """Visitors waiting beyond the running ones before new ones are refused."""
        return self.max_concurrent_runs * 4

    @classmethod
    def from_env(
        cls, argv: list[str] | None = None, environ: dict[str, str] | None = None
    ) -> AppConfig:
        env = dict(os.environ if environ is None else environ)
        args = _parser().parse_args(argv)
        return cls(
            api_key=(env.get(API_KEY_ENV) or "").strip() or None,
            base_url=(env.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/"),
            wire_format=_choice(env, WIRE_FORMAT_ENV, WIRE_FORMATS[0], WIRE_FORMATS),
            server_name=env.get("GRADIO_SERVER_NAME") or "127.0.0.1",
            server_port=_int(env, "GRADIO_SERVER_PORT", 7860, low=1),
            max_concurrent_runs=_int(env, "MAX_CONCURRENT_RUNS", 16, low=1),
            max_runs_per_visitor=_int(env, "MAX_RUNS_PER_VISITOR", cls.max_runs_per_visitor, low=1),
            history_dir=Path(env.get("HISTORY_DIR") or "data"),
            history_scope=_choice(env, "HISTORY_SCOPE", "private", ("private", "shared")),
            history_max_runs=_int(env, "HISTORY_MAX_RUNS", None, low=1),
            history_max_bytes=_int(env, "HISTORY_MAX_BYTES", None, low=1),
            history_max_total_bytes=_int(env, "HISTORY_MAX_TOTAL_BYTES", None, low=1),
            history_secret=env.get("HISTORY_SECRET") or None,
            history_database_url=_database_url(env),
            history_blob_url=_blob_url(env),
            auth=parse_auth(env.get("APP_AUTH") or ""),
            simulator_latency_s=_float(env, "SIMULATOR_LATENCY", 1.0),
            share=args.share,
            mcp=args.mcp or env.get("GRADIO_MCP_SERVER", "").lower() in ("1", "true", "yes"),
            prices=_prices(env),
            budget=_budget(env),
            rate_limit=_rate_limit(env),
            admins=_admins(env),
            drain_seconds=_float(env, "DRAIN_SECONDS", 30.0),
        )


def _database_url(env: dict[str, str]) -> str | None:
    """HISTORY_DATABASE_URL, which needs HISTORY_SECRET: every replica must sign visitors' ids
    with one secret, or a visitor would be a stranger on every other replica."""
    url = (env.get("HISTORY_DATABASE_URL") or "").strip()
    if not url:
        return None
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("HISTORY_DATABASE_URL must start with postgresql://.")
    if not (env.get("HISTORY_SECRET") or "").strip():
        raise ConfigError(
            "HISTORY_SECRET must be set when HISTORY_DATABASE_URL is: give every replica the same"
            " secret (for example `openssl rand -hex 32`), so a visitor is the same on each."
        )
    return url


def _blob_url(env: dict[str, str]) -> str | None:
    url = (env.get("HISTORY_BLOB_URL") or "").strip()
    if not url:
        return None
    if not url.startswith("s3://") or not url[len("s3://") :].strip("/"):
        raise ConfigError(f"HISTORY_BLOB_URL must look like s3://bucket/prefix; got {url!r}.")
    return url


def _prices(env: dict[str, str]) -> Prices:
    try:
        return parse_prices(env.get(PRICE_PER_IMAGE_ENV) or "")
    except PriceError as error:
        raise ConfigError(f"{PRICE_PER_IMAGE_ENV} {error}") from None


def _budget(env: dict[str, str]) -> Budget:
    try:
        return parse_budget(env.get(BUDGET_ENV) or "")
    except BudgetError as error:
        raise ConfigError(f"{BUDGET_ENV} {error}") from None


def _rate_limit(env: dict[str, str]) -> RateLimit:
    try:
        return parse_rate_limit(env.get(RATE_ENV) or "")
    except RateLimitError as error:
        raise ConfigError(f"{RATE_ENV} {error}") from None


def _admins(env: dict[str, str]) -> tuple[str, ...]:
    """APP_ADMINS: logins, comma-separated; only with APP_AUTH (a visitor has no login)."""
    admins = tuple(
        name.strip() for name in (env.get("APP_ADMINS") or "").split(",") if name.strip()
    )
    if admins and not (env.get("APP_AUTH") or "").strip():
        raise ConfigError("APP_ADMINS names logins: set APP_AUTH too.")
    return admins


def _parser() -> argparse.ArgumentParser:
    width = max(len(name) for name, _default, _meaning in SETTINGS)
    lines = [
        f"  {name:<{width}} {meaning} (default: {default})" for name, default, meaning in SETTINGS
    ]
    parser = argparse.ArgumentParser(
        prog="python app.py",
        description=f"Image Edit Playground: edit and fuse images with {models_text()}.",
        epilog="environment variables:\n" + "\n".join(lines),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--share", action="store_true", help="also open a temporary public link")
    parser.add_argument(
        "--mcp", action="store_true", help="also serve the MCP tools (/gradio_api/mcp/)"
    )
    return parser


def parse_auth(value: str) -> tuple[tuple[str, str], ...]:
    """`user:password` pairs, comma-separated, or the path of a file with one pair per line."""
    value = value.strip()
    if not value:
        return ()
    path = Path(value)
    if ":" not in value or path.is_file():
        if not path.is_file():
            raise ConfigError(f"APP_AUTH: {value} is neither user:password nor a readable file.")
        entries = [line.strip() for line in path.read_text().splitlines()]
    else:
        entries = [entry.strip() for entry in value.split(",")]
    pairs = []
    for entry in entries:
        if not entry or entry.startswith("#"):
            continue
        user, sep, password = entry.partition(":")
        if not sep or not user or not password:
            raise ConfigError("APP_AUTH: every entry must be user:password with both parts set.")
        pairs.append((user, password))
    if not pairs:
        raise ConfigError("APP_AUTH is set but holds no user:password pair.")
    return tuple(pairs)


def _int(env: dict[str, str], name: str, default: int | None, *, low: int) -> int | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number; got {raw!r}.") from None
    if value < low:
        raise ConfigError(f"{name} must be at least {low}; got {value}.")
    return value


def _float(env: dict[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds; got {raw!r}.") from None
    if value < 0:
        raise ConfigError(f"{name} cannot be negative.")
    return value


def _choice(env: dict[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value
