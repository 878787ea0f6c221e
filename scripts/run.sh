#!/usr/bin/env bash
# `make run`: migrate, load the demo once, then serve on 127.0.0.1:8000 with a background
# worker beside the web server (SLA timers); both stop together.
set -euo pipefail
BIN="${BIN:-.venv/bin}"
export DEBUG="${DEBUG:-1}"

"$BIN/propdesk" migrate --noinput -v0
"$BIN/propdesk" demo --if-empty

"$BIN/propdesk" worker --interval 2 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM

echo "PropDesk: http://127.0.0.1:8000  (API docs: http://127.0.0.1:8000/api/docs)"
"$BIN/propdesk" runserver --noreload 127.0.0.1:8000
