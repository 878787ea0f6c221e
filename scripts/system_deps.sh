#!/usr/bin/env bash
# `make test`, first step: the system packages and the PostgreSQL server the suite needs, checked
# before anything else runs, so that a missing one stops the run at once with the command that
# fixes it (never a failure twenty minutes later, never a quiet skip).
#
#   chromium              browser tests (Playwright drives Debian's Chromium, $CHROMIUM)
#   fonts-noto-cjk        Chinese in pages, screenshots and the monthly report's PDF
#   fontconfig            fc-list, by which this script finds the fonts
#   libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0
#                         WeasyPrint (the monthly report's PDF) loads them at run time
#   poppler-utils         the PDF test reads the report back (pdftoppm, pdftotext)
#   postgresql-client     `propdesk backup` / `restore` on PostgreSQL (pg_dump, pg_restore)
#
# Missing packages are installed with apt-get when this runs as root on Debian/Ubuntu; otherwise
# the script prints the exact command and exits 1. Then PostgreSQL: with REQUIRE_POSTGRES=1 (CI)
# a server that does not answer at PG_URL stops the run now; without it the run goes on and
# says loudly, here and at the end, that the PostgreSQL run is skipped.
set -euo pipefail

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
PG_URL="${PG_URL:-postgres://postgres@127.0.0.1:5432/propdesk}"

missing=()
need() { # need PACKAGE: add it to the list once
  local package
  for package in "${missing[@]}"; do [[ "$package" == "$1" ]] && return; done
  missing+=("$1")
}

check() {
  missing=()
  local libraries fonts
  # Read into variables, not piped into `grep -q`: with pipefail an early match would fail the pipe.
  libraries="$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)"
  fonts="$(fc-list : family 2>/dev/null || true)"
  [[ -x "$CHROMIUM" ]] || command -v "$CHROMIUM" >/dev/null || need chromium
  command -v fc-list >/dev/null || need fontconfig
  [[ "$fonts" == *"Noto Sans CJK"* ]] || need fonts-noto-cjk
  [[ "$libraries" == *libpango-1.0.so.0* ]] || need libpango-1.0-0
  [[ "$libraries" == *libpangoft2-1.0.so.0* ]] || need libpangoft2-1.0-0
  [[ "$libraries" == *libharfbuzz-subset.so.0* ]] || need libharfbuzz-subset0
  for tool in pdftoppm pdftotext; do command -v "$tool" >/dev/null || need poppler-utils; done
  for tool in pg_dump pg_restore psql; do
    command -v "$tool" >/dev/null || need postgresql-client
  done
  return 0
}

check
if ((${#missing[@]})); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    echo "== installing the system packages the tests need: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    check
    if ((${#missing[@]})); then
      echo "apt-get installed ${missing[*]} but the tests still cannot find them" >&2
      exit 1
    fi
  else
    {
      echo "make test needs system packages that are missing: ${missing[*]}"
      if command -v apt-get >/dev/null; then
        echo "Install them, then run make test again:"
        echo
        echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      else
        echo "These are Debian's package names; install the equivalents with your system's"
        echo "package manager (or point CHROMIUM at a Chromium binary), then run make test again."
      fi
    } >&2
    exit 1
  fi
fi

# PostgreSQL: connect to its maintenance database (the suite creates test_* databases itself).
maintenance_url="$(sed -E 's#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\1/postgres#' <<<"$PG_URL")"
if PGCONNECT_TIMEOUT=3 psql "$maintenance_url" -Atqc "select 1" >/dev/null 2>&1; then
  echo "== PostgreSQL answers at $PG_URL: the suite runs on SQLite, then on PostgreSQL"
elif [[ "${REQUIRE_POSTGRES:-}" == 1 ]]; then
  echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but does not answer at $PG_URL" >&2
  exit 1
else
  cat <<EOF
== WARNING: PostgreSQL does not answer at $PG_URL.
== The PostgreSQL run will be SKIPPED (SQLite only); CI runs it and fails without it.
== To include it: sudo apt-get install -y postgresql, create a role that may create databases,
== and run: make test PG_URL=postgres://ROLE:PASSWORD@127.0.0.1:5432/propdesk
EOF
fi
