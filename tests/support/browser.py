"""Real headless Chromium for the dashboard's tests: Debian's /usr/bin/chromium, driven by Playwright.

No browser is downloaded. Without Chromium the browser tests fail in CI (which installs
it, see .ci/run) and are skipped on a laptop, like Redis and PostgreSQL.
"""

import os
from pathlib import Path

import pytest

from tests.support.services import IN_CI

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"Chromium is not installed at {CHROMIUM}"
    if IN_CI:
        pytest.fail(message + " (CI must run the browser tests; .ci/run installs the chromium package)")
    pytest.skip(message + " (apt-get install chromium to run these tests)")
