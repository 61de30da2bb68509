"""The app's settings: defaults, every variable read, and one clear line for a bad value."""

import subprocess
import sys
from pathlib import Path

import pytest

from tests.app_process import ROOT
from ui.comparison.plan import MAX_MODELS, MAX_SEEDS
from ui.core.config import AppConfig, ConfigError, parse_auth


def test_defaults_run_on_the_simulator_locally():
    config = AppConfig.from_env([], {})
    assert config.api_key is None
    assert (config.server_name, config.server_port) == ("127.0.0.1", 7860)
    assert config.max_concurrent_runs == 16
    assert config.history_dir == Path("data") and config.history_scope == "private"
    assert config.simulator_latency_s == 1.0
    assert not config.share and not config.mcp and config.auth == ()


def test_every_variable_and_flag_is_read():
    env = {
        "POWERTOKENS_API_KEY": " sk-abc ",
        "POWERTOKENS_BASE_URL": "http://127.0.0.1:9/v1/",
        "GRADIO_SERVER_NAME": "0.0.0.0",
        "GRADIO_SERVER_PORT": "8080",
        "MAX_CONCURRENT_RUNS": "4",
        "HISTORY_DIR": "/tmp/h",
        "HISTORY_SCOPE": "Shared",
        "HISTORY_MAX_RUNS": "100",
        "HISTORY_MAX_BYTES": "1000000",
        "HISTORY_SECRET": "s3",
        "APP_AUTH": "alice:pw1,bob:pw2",
        "SIMULATOR_LATENCY": "0.5",
        "GRADIO_MCP_SERVER": "true",
    }
    config = AppConfig.from_env(["--share"], env)
    assert config.api_key == "sk-abc"
    assert config.base_url == "http://127.0.0.1:9/v1"
    assert (config.server_name, config.server_port) == ("0.0.0.0", 8080)
    assert (config.max_concurrent_runs, config.queue_size) == (4, 16)
    assert config.history_dir == Path("/tmp/h") and config.history_scope == "shared"
    assert (config.history_max_runs, config.history_max_bytes) == (100, 1_000_000)
    assert config.history_secret == "s3"
    assert config.auth == (("alice", "pw1"), ("bob", "pw2"))
    assert config.simulator_latency_s == 0.5
    assert config.share and config.mcp


def test_the_config_repr_never_shows_the_key():
    assert "sk-abc" not in repr(AppConfig.from_env([], {"POWERTOKENS_API_KEY": "sk-abc"}))


def test_app_auth_can_be_a_file_of_pairs(tmp_path):
    users = tmp_path / "users.txt"
    users.write_text("# team\nalice:pw1\n\nbob:pw:with:colons\n")
    assert parse_auth(str(users)) == (("alice", "pw1"), ("bob", "pw:with:colons"))


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("GRADIO_SERVER_PORT", "http", "GRADIO_SERVER_PORT must be a whole number"),
        ("MAX_CONCURRENT_RUNS", "0", "MAX_CONCURRENT_RUNS must be at least 1"),
        ("HISTORY_SCOPE", "public", "HISTORY_SCOPE must be one of private, shared"),
        ("HISTORY_MAX_RUNS", "-5", "HISTORY_MAX_RUNS must be at least 1"),
        ("SIMULATOR_LATENCY", "soon", "SIMULATOR_LATENCY must be a number of seconds"),
        ("SIMULATOR_LATENCY", "-1", "SIMULATOR_LATENCY cannot be negative"),
        ("APP_AUTH", "alice:", "APP_AUTH: every entry must be user:password"),
        ("APP_AUTH", "/no/such/file", "APP_AUTH: /no/such/file is neither"),
    ],
)
def test_a_bad_value_is_refused_with_a_message_naming_the_variable(name, value, message):
    with pytest.raises(ConfigError, match=message):
        AppConfig.from_env([], {name: value})


def test_app_py_exits_with_one_line_naming_a_bad_variable(tmp_path):
    env = {"PATH": "", "HISTORY_DIR": str(tmp_path), "MAX_CONCURRENT_RUNS": "many"}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "Configuration error: MAX_CONCURRENT_RUNS must be a whole number; got 'many'."
    ]


def test_a_database_url_needs_the_shared_secret_and_app_py_says_so(tmp_path):
    """Replicas that sign visitor ids with secrets of their own would each see a stranger."""
    url = "postgresql://playground:pw@db:5432/playground"
    with pytest.raises(ConfigError, match="HISTORY_SECRET must be set when HISTORY_DATABASE_URL"):
        AppConfig.from_env([], {"HISTORY_DATABASE_URL": url})
    config = AppConfig.from_env([], {"HISTORY_DATABASE_URL": url, "HISTORY_SECRET": "s"})
    assert config.history_database_url == url and "pw@" not in repr(config)
    env = {"PATH": "", "HISTORY_DIR": str(tmp_path), "HISTORY_DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Configuration error: HISTORY_SECRET must be set")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("HISTORY_DATABASE_URL", "mysql://db/playground", "must start with postgresql://"),
        ("HISTORY_BLOB_URL", "https://bucket.example/prefix", "must look like s3://bucket"),
        ("HISTORY_BLOB_URL", "s3://", "must look like s3://bucket"),
    ],
)
def test_a_history_url_of_the_wrong_kind_is_refused(name, value, message):
    with pytest.raises(ConfigError, match=f"{name} {message}"):
        AppConfig.from_env([], {name: value, "HISTORY_SECRET": "s"})


def test_the_blob_url_is_read_and_both_urls_are_unset_by_default():
    assert AppConfig.from_env([], {"HISTORY_BLOB_URL": "s3://b/p"}).history_blob_url == "s3://b/p"
    defaults = AppConfig.from_env([], {})
    assert defaults.history_database_url is None and defaults.history_blob_url is None


def test_the_bound_per_visitor_lets_the_largest_comparison_run_by_default():
    assert AppConfig.from_env([], {}).max_runs_per_visitor == MAX_MODELS * MAX_SEEDS
    assert AppConfig.from_env([], {"MAX_RUNS_PER_VISITOR": "8"}).max_runs_per_visitor == 8
    with pytest.raises(ConfigError, match="MAX_RUNS_PER_VISITOR must be at least 1"):
        AppConfig.from_env([], {"MAX_RUNS_PER_VISITOR": "0"})
