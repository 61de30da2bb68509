"""Makes sure Debian's Chromium is present for the browser tests.

The tests drive /usr/bin/chromium through Playwright; Playwright's own browser download is not
used (this project's machines reach only package registries). Installs with apt-get when missing.
"""

import os
import shutil
import subprocess
import sys

CHROMIUM = "/usr/bin/chromium"


def main() -> int:
    if os.path.exists(CHROMIUM):
        return 0
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    if sudo and not shutil.which("sudo"):
        sys.stderr.write(f"{CHROMIUM} is missing; install Debian's chromium package as root.\n")
        return 1
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
