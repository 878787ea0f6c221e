# PropDesk: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/propdesk
# Browser tests run on their own, in one process, after the rest: they drive a live server and
# empty every table after each test, which the other transactional tests must not meet.
# --dist loadgroup: tests marked xdist_group share one worker (the demo module loads the full
# demo once for all its tests); the others are spread as usual.
BROWSER_TESTS := propdesk/console/tests/browser propdesk/tickets/tests/browser \
                 propdesk/surveys/tests/browser propdesk/residents/tests/browser \
                 propdesk/portal/tests/browser propdesk/suggest/tests/browser \
                 propdesk/casework/tests/browser propdesk/improvement/tests/browser
NOT_BROWSER   := $(addprefix --ignore=,$(BROWSER_TESTS))

.PHONY: run test test-sqlite test-postgres system-deps lint typecheck format install demo clean messages bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall when the dependencies or their pins change.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	BIN=$(BIN) scripts/run.sh

demo: install
	$(BIN)/propdesk migrate --noinput
	$(BIN)/propdesk demo --if-empty

lint: install typecheck
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/propdesk makemigrations --check --dry-run
	$(BIN)/lint-imports

# mypy with django-stubs over the services layer; what is checked, and how strictly, is in
# pyproject.toml ([tool.mypy]).
typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# First step of every test target: Chromium, CJK fonts, Pango/HarfBuzz, poppler-utils and
# postgresql-client, installed with apt-get when run as root, otherwise a stop at once with the
# command to run; then whether PostgreSQL answers (REQUIRE_POSTGRES=1 stops here if not).
system-deps:
	@PG_URL="$(PG_URL)" scripts/system_deps.sh

# REQUIRE_BROWSER=1: the browser tests fail, never skip, when they cannot drive Chromium.
# Coverage is measured on this run (the lines not run are listed per module); below the floor
# of [tool.coverage.report] fail_under in pyproject.toml the target fails.
test-sqlite: system-deps install
	@echo "== test suite on SQLite"
	env -u DATABASE_URL COVERAGE_FILE=var/.coverage $(BIN)/pytest -n 2 --dist loadgroup \
		-p no:cacheprovider --cov --cov-report=term $(NOT_BROWSER)
	@echo "== browser tests on SQLite"
	env -u DATABASE_URL REQUIRE_BROWSER=1 $(BIN)/pytest -p no:cacheprovider $(BROWSER_TESTS)

# Runs the suite on PostgreSQL when a server answers at PG_URL; otherwise says so and skips
# (REQUIRE_POSTGRES=1, as CI sets it, turns the skip into a failure, already in system-deps).
test-postgres: system-deps install
	@if $(BIN)/python scripts/pg_available.py "$(PG_URL)"; then \
		echo "== test suite on PostgreSQL ($(PG_URL))"; \
		DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider --create-db \
			$(NOT_BROWSER) && \
		echo "== browser tests on PostgreSQL" && \
		DATABASE_URL="$(PG_URL)" REQUIRE_BROWSER=1 $(BIN)/pytest -p no:cacheprovider --create-db \
			$(BROWSER_TESTS); \
	elif [ "$$REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL is required (REQUIRE_POSTGRES=1) but not reachable at $(PG_URL)"; exit 1; \
	else \
		echo "== WARNING: PostgreSQL not reachable at $(PG_URL): the PostgreSQL run was SKIPPED (SQLite only)"; \
	fi

test: system-deps lint test-sqlite test-postgres

clean:
	rm -rf $(VENV) var/test-*

# Refresh the English catalogue from the sources (gettext_noop marks strings translated later).
messages: install
	cd propdesk && ../$(BIN)/django-admin makemessages -l en --no-location \
		-i "*/tests/*" -i "demo/*" -i "*/migrations/*"
	cd propdesk && ../$(BIN)/django-admin compilemessages -l en

# Group-scale benchmarks (issue 8): builds a 1M-ticket group in the PostgreSQL database
# propdesk_bench once (resumed if interrupted), measures, and writes
# benchmarks/results/latest.md and latest.json. Not part of `make test`.
bench: install
	$(BIN)/pip install -q -c constraints.txt -e '.[bench]'
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)
