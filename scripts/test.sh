#!/usr/bin/env bash
# Run the whole test suite on a fresh machine: virtual environment, packages,
# Prism (Twilio's API mock, from npm), lint, then pytest. Extra arguments go to pytest.
# Redis (127.0.0.1:6379) and PostgreSQL (127.0.0.1:5432) are used when they run;
# with CI=true their tests fail instead of skipping when they do not.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
# The lock holds every package at its tested version, dependencies included: nothing else is resolved.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements-dev.lock

if [ ! -x .tools/node_modules/.bin/prism ]; then
  if command -v npm >/dev/null; then
    npm install --silent --no-audit --no-fund --prefix .tools @stoplight/prism-cli@5.14.2
  else
    echo "npm not found: the Prism tests will be skipped (they fail under CI=true)" >&2
  fi
fi

# The papers: Pango and Noto fonts to make the PDFs, pdftotext to read them back; voice notes: ffmpeg
# makes OGG/Opus of uploads, espeak-ng speaks where the centre allows it. Missing ones skip their tests locally.
bash scripts/debian_packages.sh libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core poppler-utils ffmpeg espeak-ng

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "chromium not found: the browser tests will be skipped (they fail under CI=true)" >&2
fi

.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python -m pytest "$@"
