"""`python -m tests.install_packages`: installs the Debian packages the tests need, if missing.

Debian's Chromium for the browser tests (driven through Playwright; Playwright's own browser
download is never used: this project's machines reach only package registries), a CJK font so
the simulator writes Chinese prompts legibly, and PostgreSQL and nginx for the tests of several
replicas (tests/servers.py starts throwaway servers of them; the packages' own services are not
used). Each package is checked by a file it installs.
"""

import os
import shutil
import subprocess
import sys

PACKAGES = {
    "chromium": "/usr/bin/chromium",
    "fonts-wqy-microhei": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "postgresql": "/usr/lib/postgresql/15/bin/initdb",
    "nginx": "/usr/sbin/nginx",
}
"""Debian package → a file it installs (present: nothing to do)."""


def missing() -> list[str]:
    return [package for package, marker in PACKAGES.items() if not os.path.exists(marker)]


def main() -> int:
    packages = missing()
    if not packages:
        return 0
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    if sudo and not shutil.which("sudo"):
        sys.stderr.write(f"Missing Debian packages {', '.join(packages)}; install them as root.\n")
        return 1
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", *packages], check=True, env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
