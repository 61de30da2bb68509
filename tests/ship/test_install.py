"""After the README's install, `python -m client` and `python -m simulator` work from any folder.

The install runs for real: the README's install command (`pip install -e .`), in a virtual
environment that sees the already installed dependencies (those of the Python running the tests,
even inside a venv), on a copy of the project's installable files (so the checkout gains no build
files). Then both commands run from an unrelated folder.
"""

import re
import shlex
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.ship.environments import fresh_venv_seeing_running_packages, running_site_dirs
from tests.ship.test_launch import readme_commands
from tests.ship.test_packaging import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PACKAGES = [
    pattern.removesuffix("*")
    for pattern in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
]
"""The top-level packages the install ships (each with its subpackages: ui/core, ui/editor, …)."""
NOT_SHIPPED = ("tests", "bench")


def readme_install_command() -> list[str]:
    """The install part of the README's first command: `pip install ...` before `&&`."""
    install = readme_commands()[0].split("&&", 1)[0]
    words = shlex.split(install)
    assert words[:2] == ["pip", "install"], install
    return words


def copy_installable(to: Path) -> Path:
    """The files an install reads: pyproject, its README and requirements, the packages."""
    to.mkdir()
    for name in ("pyproject.toml", "README.md", "requirements.txt"):
        shutil.copy(ROOT / name, to / name)
    for package in PACKAGES:
        shutil.copytree(ROOT / package, to / package, ignore=shutil.ignore_patterns("__pycache__"))
    return to


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory) -> Path:
    """The Python of a fresh environment where the README's install command has run."""
    base = tmp_path_factory.mktemp("install")
    project = copy_installable(base / "project")
    python = fresh_venv_seeing_running_packages(base / "venv")
    # --no-deps: the dependencies are installed already (requirements-dev.txt has them), and the
    # test must not download gradio; that they are the declared ones is checked below.
    pip = readme_install_command()
    installed = subprocess.run(
        [str(python), "-m", *pip, "--no-deps", "--quiet"],
        cwd=project, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return python


@pytest.mark.parametrize(
    ("module", "says"),
    [("client", "usage: python -m client"), ("simulator", "usage: python -m simulator")],
)
def test_the_commands_run_from_any_folder_after_the_readme_install(
    installed_python, tmp_path, module, says
):
    elsewhere = tmp_path / "somewhere-else"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(installed_python), "-m", module, "--help"],
        cwd=elsewhere, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(says)


def test_the_installed_packages_include_the_examples_pictures(installed_python, tmp_path):
    shown = subprocess.run(
        [str(installed_python), "-c",
         "from examples import EXAMPLES; print(*EXAMPLES[0].files, sep='\\n')"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert all(Path(line).is_file() for line in shown.stdout.split())


def test_the_install_sees_the_packages_of_the_python_running_the_tests(installed_python):
    # Inside a venv, `--system-site-packages` alone would show the base Python's packages instead.
    shown = subprocess.run(
        [str(installed_python), "-c", "import sys; print(*sys.path, sep='\\n')"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert set(running_site_dirs()) <= set(shown.stdout.splitlines())


def test_the_project_installs_every_package_it_runs_on():
    top_level = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in NOT_SHIPPED
    }
    assert set(PACKAGES) == top_level


def test_the_dependencies_are_the_requirements_and_python_is_3_11_or_newer():
    project = PYPROJECT["project"]
    assert project["requires-python"] == ">=3.11"
    assert "dependencies" in project["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["dependencies"]["file"] == [
        "requirements.txt"
    ]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    body = readme.split("\n---\n", 1)[1]  # after the Spaces front matter
    assert re.search(r"Python 3\.11 or newer", body)
