# hrmonitor — `make help` lists the targets. `make run` and `make test` are all a newcomer needs.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# The first Python >= 3.12 found: python3.13, python3.12, then python3.
PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo $$p; break; fi; done)
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
PORT ?= 8000
VENDOR := src/hrmonitor/static/vendor
LOCALE := src/hrmonitor/locale
PYTEST_ARGS ?=

.PHONY: help run serve install assets compilemessages messages init demo test lint typecheck system-deps \
	pytest test-pg e2e bench clean

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

check-python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "hrmonitor needs Python 3.12 or newer (python3.13, python3.12 or python3)."; \
		echo "Install one (e.g. 'pyenv install 3.13' or your system's python3.13 package), then run make again."; \
		exit 1; fi

$(VENV)/.installed: pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed ## Create the virtual environment and install the package

$(VENDOR)/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Front-end assets need Node.js >= 20 with npm."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/htmx $(VENDOR)/echarts $(VENDOR)/world-atlas
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js $(VENDOR)/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/world-atlas/countries-50m.json node_modules/world-atlas/LICENSE $(VENDOR)/world-atlas/
	node_modules/.bin/esbuild src/hrmonitor/clm/webform/main.js --bundle --format=esm --splitting \
		--minify --log-level=warning --define:process.env.NODE_ENV='"production"' \
		--define:__VUE_OPTIONS_API__=true --define:__VUE_PROD_DEVTOOLS__=false \
		--define:__VUE_PROD_HYDRATION_MISMATCH_DETAILS__=false --outdir=$(VENDOR)/odk-web-forms
	@touch $@
# The CLM web form (above: esbuild) bundles ODK Web Forms and Vue with clm/webform/main.js; the
# package inlines its CSS, fonts and WebAssembly; the map chunk loads only for map questions.
$(VENDOR)/.installed: $(wildcard src/hrmonitor/clm/webform/*.js)

assets: $(VENDOR)/.installed ## Install front-end packages from npm and copy them into static/vendor

compilemessages: install ## Compile the translations (.po -> .mo)
	$(BIN)/pybabel compile -d $(LOCALE) -D django --statistics
	@test -f $(LOCALE)/ru/LC_MESSAGES/django.mo || { echo "Translations did not compile."; exit 1; }

messages: install ## Extract translatable strings into the .po files (needs gettext)
	cd src/hrmonitor && ../../$(BIN)/hrmonitor makemessages -l ru --no-obsolete \
		--ignore 'static/vendor/*' --add-location file
	@msgfmt --statistics -o /dev/null $(LOCALE)/ru/LC_MESSAGES/django.po

# PDF reports (WeasyPrint) need the Pango library: installed here when missing on a Debian or
# Ubuntu machine run as root; otherwise a note says how. Everything else works without it.
system-deps:
	@if ! ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so'; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Pango for PDF reports (apt-get)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				--no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
		else \
			echo "Note: PDF reports need Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"; \
		fi; \
	fi

init: install assets compilemessages system-deps ## Migrate the database and load the reference data
	$(BIN)/hrmonitor init

demo: init ## Add the synthetic demo dataset (only into an empty database)
	$(BIN)/hrmonitor demo --if-empty

run: demo ## Set everything up and serve on http://127.0.0.1:$(PORT) with the job worker
	@echo
	@echo "  hrmonitor: http://127.0.0.1:$(PORT)/"
	@test -f var/demo-credentials.txt && echo "  Demo accounts (synthetic): var/demo-credentials.txt" || true
	@echo "  A real administrator: $(BIN)/hrmonitor createadmin --username NAME --email ADDRESS"
	@echo
	PORT=$(PORT) $(BIN)/hrmonitor serve

lint: install ## ruff (lint and format check)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install ## mypy on the package
	$(BIN)/mypy src/hrmonitor

pytest: install assets compilemessages system-deps ## The test suite on SQLite, without browser tests
	$(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

test: lint typecheck pytest ## ruff, mypy and the test suite (SQLite)

test-pg: install assets compilemessages ## The test suite on PostgreSQL (DATABASE_URL=postgres://…)
	@case "$$DATABASE_URL" in postgres*) ;; *) echo "Set DATABASE_URL=postgres://user@host/db"; exit 1;; esac
	$(BIN)/pytest -m "not e2e" $(PYTEST_ARGS)

e2e: install assets compilemessages ## Browser tests (Playwright driving Debian's chromium)
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

bench: install assets ## Run every benchmark in bench/ (prints BENCH <name> <value> <unit>)
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean: ## Remove the virtual environment, assets and local state (var/)
	rm -rf $(VENV) node_modules $(VENDOR) var
