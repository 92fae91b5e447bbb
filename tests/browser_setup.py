"""Prepare the real-browser test (tests/app/test_browser.py); run by `make test` before pytest.

Installs Debian's chromium, chromium-driver and a CJK font (so screenshots show Chinese, not boxes)
when they are missing and this is root on a machine with apt; otherwise prints why the browser test
will be skipped. Never fails the run: the browser test skips itself with the same reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CJK_FONT_DIR = Path("/usr/share/fonts/truetype/wqy")
APT_PACKAGES = {"chromium": CHROMIUM, "chromium-driver": CHROMEDRIVER, "fonts-wqy-microhei": CJK_FONT_DIR}


def missing_packages() -> list[str]:
    return [package for package, path in APT_PACKAGES.items() if not path.exists()]


def apt_install(packages: list[str]) -> str | None:
    """None when installed, else the reason it could not be."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available on this machine"
    if os.geteuid() != 0:
        return "not root, so apt-get cannot install packages"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"{' '.join(command[:2])} failed: {exc}"
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            return f"{' '.join(command[:2])} exited {result.returncode}: {tail[0]}"
    return None


def main() -> int:
    missing = missing_packages()
    if not missing:
        print("browser test: chromium, chromedriver and a CJK font are installed")
        return 0
    print(f"browser test: installing {', '.join(missing)} with apt-get …", flush=True)
    reason = apt_install(missing)
    still_missing = missing_packages()
    if reason is None and not still_missing:
        print("browser test: ready")
    elif {"chromium", "chromium-driver"} & set(still_missing):
        why = reason or "not installed"
        print(f"browser test WILL BE SKIPPED: {', '.join(still_missing)} missing ({why})")
    else:
        print(f"browser test: screenshots may show boxes instead of Chinese ({reason or 'font missing'})")
    return 0  # never fail `make test` here: the test itself skips with the reason


if __name__ == "__main__":
    sys.exit(main())
