"""The three history caps as settings: read from the environment, listed in `--help`, and
documented in the README's table with the same default and scope (per visitor / whole store)."""

import re

import pytest

from tests.app_process import ROOT
from ui.core.config import SETTINGS, AppConfig, ConfigError

CAPS = {
    "HISTORY_MAX_RUNS": ("history_max_runs", "per visitor"),
    "HISTORY_MAX_BYTES": ("history_max_bytes", "per visitor"),
    "HISTORY_MAX_TOTAL_BYTES": ("history_max_total_bytes", "whole store"),
}


def readme_rows() -> dict[str, tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \|$", text, flags=re.MULTILINE)
    return {name: (default.strip(), meaning.strip()) for name, default, meaning in rows}


def test_each_cap_is_read_unset_by_default_and_refused_below_one():
    env = {name: str(1000 + index) for index, name in enumerate(CAPS)}
    config = AppConfig.from_env([], env)
    assert [getattr(config, field) for field, _scope in CAPS.values()] == [1000, 1001, 1002]
    defaults = AppConfig.from_env([], {})
    assert all(getattr(defaults, field) is None for field, _scope in CAPS.values())
    with pytest.raises(ConfigError, match="HISTORY_MAX_TOTAL_BYTES must be at least 1"):
        AppConfig.from_env([], {"HISTORY_MAX_TOTAL_BYTES": "0"})


def test_the_readme_and_the_help_agree_on_each_cap():
    settings = {name: (default, meaning) for name, default, meaning in SETTINGS}
    readme = readme_rows()
    for name, (_field, scope) in CAPS.items():
        assert readme[name][0] == settings[name][0] == "unset", name
        assert readme[name][1].lower().startswith(scope), name
        assert settings[name][1].startswith(scope), name
