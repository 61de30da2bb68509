"""A fresh virtual environment that sees the packages of the Python running the tests.

`python -m venv --system-site-packages` sees the *base* interpreter's packages: run from inside a
venv (as the README's test command often is), the dependencies installed there are missing. So the
fresh environment gets a `.pth` file that adds the running Python's own site folders instead, with
`site.addsitedir` so their `.pth` files work too; nothing is downloaded.
"""

import site
import subprocess
import sys
from pathlib import Path

PTH_NAME = "zz-running-python-site.pth"
"""Sorts after the environment's own `.pth` files: its own installs come first on the path."""


def running_site_dirs() -> list[str]:
    """The site folders the running Python imports from, in its order (a venv's own when in one)."""
    candidates = set(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        candidates.add(site.getusersitepackages())
    return [entry for entry in sys.path if entry in candidates]


def fresh_venv_seeing_running_packages(venv: Path) -> Path:
    """Create a venv at `venv` that imports what the running Python imports; return its python."""
    subprocess.run(
        [sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=120
    )
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    # One line, run by `site` at start-up (a comprehension there would not see the import).
    line = "; ".join(["import site", *(f"site.addsitedir({d!r})" for d in running_site_dirs())])
    (Path(purelib) / PTH_NAME).write_text(line + "\n", encoding="utf-8")
    return python
