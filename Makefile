# kesu — the two commands a new user needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/kesu
CHROMIUM ?= /usr/bin/chromium
VENDOR := kesu/web/static/vendor

.PHONY: bench bench-read soak serve run test lint test-sqlite test-postgres assets browser mailserver migrate demo screenshots messages clean help

help:
	@echo "make run    – install, migrate, load demo data once, serve http://127.0.0.1:$(PORT)"
	@echo "make test   – install test tools and run lint + the whole suite on SQLite and PostgreSQL"
	@echo "make serve  – production: migrate, collect static files, serve (no demo data; README: Production and load)"

$(VENV)/.base: requirements/base.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements/base.txt
	touch $@

$(VENV)/.dev: $(VENV)/.base requirements/dev.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements/dev.txt
	touch $@

# Front-end assets come from the npm registry at the versions package-lock.json pins; no CDN.
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons $(VENDOR)/htmx $(VENDOR)/echarts
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts $(VENDOR)/bootstrap-icons/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	touch $@

assets: $(VENDOR)/.installed

migrate: $(VENV)/.base assets
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py createcachetable

PLAYBOOK ?= service

demo: migrate
	$(PY) manage.py load_playbook $(PLAYBOOK) --if-none-active
	$(PY) manage.py load_demo
	$(PY) manage.py load_scripts --if-empty

# The web server and the background worker (SLA sweep every minute), in one command.
run: demo
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "kesu: http://127.0.0.1:$(PORT)/"
	PORT=$(PORT) $(PY) -m kesu.worker

# Production: no demo data. WEB_WORKERS gunicorn processes and JOB_WORKERS Huey consumers (several need
# REDIS_URL); HOST defaults to 127.0.0.1 (behind a proxy). Settings to set first: README, Production and load.
WEB_WORKERS ?= 4
JOB_WORKERS ?= 2
serve: migrate
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py check --deploy --fail-level ERROR
	PORT=$(PORT) WEB_WORKERS=$(WEB_WORKERS) JOB_WORKERS=$(JOB_WORKERS) $(PY) -m kesu.worker

# Debian's Chromium for the browser tests (never a browser download); Pango and the CJK fonts for the PDFs.
browser:
	@{ test -x $(CHROMIUM) && dpkg -s fonts-noto-cjk libpangoft2-1.0-0 poppler-utils >/dev/null 2>&1; } || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 poppler-utils >/dev/null; }

# Debian's dovecot: the real IMAP server the e-mail-in tests start (never a system service: each test run
# starts its own with its own configuration on a free port).
mailserver:
	@test -x /usr/sbin/dovecot || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null; }

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) scripts/check_messages.py

test-sqlite: $(VENV)/.dev assets browser mailserver
	env -u DATABASE_URL -u REDIS_URL $(VENV)/bin/pytest -n 2 -q

# PostgreSQL when it is reachable; in CI (CI=true) it must be.
test-postgres: $(VENV)/.dev assets browser mailserver
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then \
		env -u REDIS_URL DATABASE_URL="$(PG_URL)" $(VENV)/bin/pytest -n 2 -q; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL at $(PG_URL) is not reachable, and CI must test on it"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): skipped"; fi

test: lint test-sqlite test-postgres

screenshots: $(VENV)/.dev assets browser
	$(VENV)/bin/pytest -q -m browser tests/browser

# Refresh the Chinese catalogue from the code, then compile it (both files are committed).
messages: $(VENV)/.dev
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --add-location file --ignore=./.venv --ignore=./node_modules --ignore=./var --ignore=./tests --ignore=./bench --ignore=./scripts
	msgfmt --check-format -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

# Every read path (and create) at a million complaints, 4 clients, SQLite then PostgreSQL (README: Speed at a million complaints).
bench-read: $(VENV)/.base assets
	env -u DATABASE_URL PG_URL="$(PG_URL)" $(PY) bench/read_paths.py --db both

# The SLA sweep at a million complaints, on SQLite and then PostgreSQL (a benchmark, not a test).
BENCH_ARGS ?= --complaints 1000000 --due 10000
bench: $(VENV)/.base
	env -u DATABASE_URL $(PY) bench/sla_sweep.py $(BENCH_ARGS)
	@if $(PY) scripts/pg_ready.py "$(PG_URL)"; then DATABASE_URL="$(PG_URL)" $(PY) bench/sla_sweep.py $(BENCH_ARGS); \
	else echo "PostgreSQL not reachable at $(PG_URL): skipped"; fi

# Half an hour of mixed load on the production stack over PostgreSQL + Redis (a benchmark, not a test):
# its own database kesu_soak on PG_URL's server and its own queue in SOAK_REDIS_URL. bench/README.md.
SOAK_ARGS ?= --minutes 30 --rate 15
SOAK_REDIS_URL ?= redis://127.0.0.1:6379/0
soak: $(VENV)/.base assets
	$(PY) bench/soak.py --database-url "$(PG_URL)" --redis-url "$(SOAK_REDIS_URL)" $(SOAK_ARGS)

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
