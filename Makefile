# The two commands of the README: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install chromium lint audit bench clean backup restore

$(STAMP): requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py import_articles --origin seeds --workers 1 seeds/
	$(BIN)/python manage.py ensure_editor --address http://$(HOST):$(PORT)
	$(BIN)/python manage.py runarchive $(HOST):$(PORT)

# Browser tests drive Debian's chromium. As root on Debian (CI) it is installed here;
# elsewhere install it yourself, or the browser tests skip and say why.
chromium:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	  else \
	    echo "chromium not found: browser tests will be skipped (apt-get install chromium)"; \
	  fi; \
	fi

test: install chromium
	$(BIN)/python -m pytest

# What CI checks before the tests: ruff, no model change without its migration, and Django's
# deployment checks under production settings (DJANGO_DEBUG=0, a throwaway secret key).
lint: install
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

# The dependency audit: pip-audit looks up every pin of both locks in PyPI's vulnerability
# data (https://pypi.org/pypi/NAME/VERSION/json) and fails on a known vulnerability, or on a
# pin it could not look up (--strict). Where that address cannot be reached the audit cannot
# run: it says so and fails, or only warns with AUDIT_UNREACHABLE=warn (.ci/run, whose
# machines reach PyPI's package index but not that API).
AUDIT_PROBE := https://pypi.org/pypi/django/$(shell sed -n 's/^django==\([^ ]*\).*/\1/p' requirements.lock)/json
audit: install
	@if reason=$$($(BIN)/python -c "import sys, urllib.request as request; exec('try: request.urlopen(sys.argv[1], timeout=30)\\nexcept Exception as error: sys.exit(str(error))')" "$(AUDIT_PROBE)" 2>&1); then \
	  $(BIN)/pip-audit --strict --disable-pip --require-hashes --progress-spinner off \
	    -r requirements-prod.lock -r requirements.lock; \
	else \
	  echo "DEPENDENCY AUDIT NOT RUN: PyPI's vulnerability data cannot be read from here ($(AUDIT_PROBE): $$reason)."; \
	  echo "Run 'make audit' on a machine that reaches pypi.org."; \
	  test "$(AUDIT_UNREACHABLE)" = warn; \
	fi

# Backups of the database the archive uses (DATABASE_URL's, or the embedded one in .pgdata/),
# pg_dump's custom format with its counts beside it. `make backup` writes
# backups/archive-<UTC time>.dump (or FILE=...); `make restore FILE=...` loads one into an empty
# database (FORCE=1: replace what the backup holds; CHECK=1: into a scratch database, compared
# and dropped). See README, "Backups".
backup: install
	$(BIN)/python manage.py backup $(or $(FILE),backups/archive-$(shell date -u +%Y%m%dT%H%M%SZ).dump)

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/archive-....dump [FORCE=1 | CHECK=1]"; exit 2; }
	$(BIN)/python manage.py restore $(if $(FORCE),--force) $(if $(CHECK),--check) $(FILE)

clean:
	rm -rf $(VENV) staticfiles test-results .pytest_cache
