# Two commands for a new user: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
# What is installed: the app's pinned runtime set (make run), or that plus the test and
# development tools (make test, lint, audit, bench, load). Both files come from
# pyproject.toml through `make lock`.
RUNTIME := $(VENV)/.runtime-$(shell sha1sum requirements.txt | cut -c1-12)
DEV := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
PORT ?= 8501

.PHONY: run dev test test-core test-pages test-e2e test-pg lint lock audit bench load migrate backup restore clean

# Migrate, then load the demo community if the database is empty (python -m seed).
run: $(RUNTIME)
	$(PY) -m seed
	$(VENV)/bin/streamlit run server.py --server.port $(PORT)

dev: $(RUNTIME)
	$(PY) -m seed
	$(VENV)/bin/streamlit run server.py --server.port $(PORT) --client.showErrorDetails full --server.runOnSave true

# Everything but the browser journeys runs on every core (pytest-xdist, one worker per core);
# the journeys run after it, one at a time, so that the Chromium and the app server they drive
# never compete for the cores with a second worker.
test: $(DEV)
	$(PY) -m pytest -n auto -m "not e2e"
	$(PY) -m pytest -m e2e

test-core test-pages test-pg: $(DEV)
	$(PY) -m pytest -n auto tests/$(subst test-,,$@)

test-e2e: $(DEV)
	$(PY) -m pytest tests/e2e

# The house style, checked: ruff's rules and layout (pyproject.toml), and mypy (strict on the
# modules listed there, the rest checked for what it can catch today).
lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Pin the runtime set and the development set again from pyproject.toml (keeping today's
# versions where they still fit; add --upgrade to move them).
lock: $(DEV)
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		-o requirements.txt pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
		--extra dev -c requirements.txt -o requirements-dev.txt pyproject.toml

# pip-audit on every package pinned in requirements-dev.txt (the runtime set and the tools).
# Fails on a finding, and prints NOT AUDITED (and fails) when some package could not be
# checked, for instance because PyPI's vulnerability data cannot be reached from here.
audit: $(DEV)
	$(PY) -m tools.dependency_audit requirements-dev.txt

# The district benchmarks (about 15 minutes): SQLite, or PostgreSQL with
# DATABASE_URL=postgresql+psycopg://...; prints the table and writes bench/RESULTS.md.
bench: $(DEV)
	$(PY) -m bench

# 20 residents in headless Chromium for two minutes; writes bench/LOAD.md.
load: $(DEV)
	$(PY) -m bench.load --sessions 20 --seconds 120

# The schema only, never the demo: what a deployment runs.
migrate: $(RUNTIME)
	$(PY) -m db.migrate

# A consistent copy of the SQLite database while the app runs (FILE=... to choose where).
backup: $(RUNTIME)
	$(PY) -m db.backup backup $(FILE)

# Check a backup, then put it in place of the live database: make restore FILE=...
restore: $(RUNTIME)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=path/to/backup.db"; exit 2; }
	$(PY) -m db.backup restore "$(FILE)"

# A .venv without a working pip (left half-made when python3-venv was missing on a first
# try) is made again from scratch instead of failing on every later run.
define venv
	$(PY) -m pip --version >/dev/null 2>&1 || { rm -rf $(VENV) && python3 -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
endef

$(RUNTIME): requirements.txt
	$(venv)
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.runtime-* $(VENV)/.installed-*
	touch $@

# The development set includes the runtime pins, so it stands for both.
$(DEV): requirements.txt requirements-dev.txt
	$(venv)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.dev-* $(VENV)/.runtime-* $(VENV)/.installed-*
	touch $@ $(RUNTIME)

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
