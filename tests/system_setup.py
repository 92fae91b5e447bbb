"""Install the system tools some tests drive; run by `make test` before pytest.

The real-browser test (tests/app/test_browser.py) needs Debian's chromium and chromium-driver and a
CJK font (so screenshots show Chinese, not boxes); the OCR tests render their test pages with that
font; the export tests (tests/app/test_exports.py) open the XLSX and DOCX in headless LibreOffice,
and the .doc/.wps/.rtf reader tests (tests/ingest/test_legacy.py) convert with it. This installs
what is missing when it runs as root on a machine with apt, and otherwise prints which tests will be
skipped and why. It never fails the run: each test skips itself with the same reason.
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
SOFFICE = Path("/usr/bin/soffice")
APT_PACKAGES = {
    "chromium": CHROMIUM,
    "chromium-driver": CHROMEDRIVER,
    "fonts-wqy-microhei": CJK_FONT_DIR,
    "libreoffice-writer-nogui": SOFFICE,
    "libreoffice-calc-nogui": Path("/usr/lib/libreoffice/program/libscfiltlo.so"),  # Calc filters
}


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
        print("test tools: chromium, chromedriver, a CJK font and LibreOffice are installed")
        return 0
    print(f"test tools: installing {', '.join(missing)} with apt-get …", flush=True)
    reason = apt_install(missing) or "not installed"
    still_missing = set(missing_packages())
    if {"chromium", "chromium-driver"} & still_missing:
        print(f"browser test WILL BE SKIPPED: chromium or chromium-driver missing ({reason})")
    if {"libreoffice-writer-nogui", "libreoffice-calc-nogui"} & still_missing:
        print(f"LibreOffice export checks and .doc tests WILL BE SKIPPED: LibreOffice missing ({reason})")
    if "fonts-wqy-microhei" in still_missing:
        print(f"OCR tests WILL BE SKIPPED, screenshots may show boxes: no CJK font ({reason})")
    if not still_missing:
        print("test tools: ready")
    return 0  # never fail `make test` here: the tests themselves skip with the reason


if __name__ == "__main__":
    sys.exit(main())
