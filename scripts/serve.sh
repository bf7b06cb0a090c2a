#!/usr/bin/env bash
# Run the bot on a fresh machine in embedded mode: SQLite under instance/, jobs
# and the dispatcher in this process, no Redis. Serves http://127.0.0.1:5000.
# Settings come from the environment or .env (see README); this script only
# makes sure .env holds a SECRET_KEY, so `bot chat` can sign its messages.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
[ -x .venv/bin/python ] || python3 -m venv .venv
# The lock holds every package at its tested version, dependencies included: nothing else is resolved.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock

# The papers (PDF): Pango for WeasyPrint, Noto fonts for Arabic script and Ge'ez; voice notes: ffmpeg makes
# OGG/Opus of uploads, espeak-ng speaks where the centre allows it (VOICE_SYNTHETIC).
bash scripts/debian_packages.sh libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core ffmpeg espeak-ng

if ! grep -qs '^SECRET_KEY=' .env; then
  echo "SECRET_KEY=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')" >> .env
  echo "wrote a new SECRET_KEY to .env"
fi
# Extra arguments go to `bot serve`, e.g. --demo.
exec .venv/bin/flask --app app bot serve --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}" "$@"
