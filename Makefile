# Two commands for a new user: `make run` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
PORT ?= 8501

.PHONY: run dev test test-core test-pages test-e2e test-pg audit bench load migrate demo backup restore clean

# Migrate, then load the demo community if the database is empty (python -m seed).
run: $(STAMP)
	$(PY) -m seed
	$(VENV)/bin/streamlit run server.py --server.port $(PORT)

dev: $(STAMP)
	$(PY) -m seed
	$(VENV)/bin/streamlit run server.py --server.port $(PORT) --client.showErrorDetails full --server.runOnSave true

test: $(STAMP)
	$(PY) -m pytest

test-core test-pages test-e2e test-pg: $(STAMP)
	$(PY) -m pytest tests/$(subst test-,,$@)

# pip-audit on every package pinned in requirements.txt. Fails on a finding, and prints
# NOT AUDITED (and fails) when some package could not be checked, for instance because
# PyPI's vulnerability data cannot be reached from this machine.
audit: $(STAMP)
	$(PY) -m tools.dependency_audit requirements.txt

# The district benchmarks (about 15 minutes): SQLite, or PostgreSQL with
# DATABASE_URL=postgresql+psycopg://...; prints the table and writes bench/RESULTS.md.
bench: $(STAMP)
	$(PY) -m bench

# 20 residents in headless Chromium for two minutes; writes bench/LOAD.md.
load: $(STAMP)
	$(PY) -m bench.load --sessions 20 --seconds 120

# The schema only, never the demo: what a deployment runs.
migrate: $(STAMP)
	$(PY) -m db.migrate

# A consistent copy of the SQLite database while the app runs (FILE=... to choose where).
backup: $(STAMP)
	$(PY) -m db.backup backup $(FILE)

# Check a backup, then put it in place of the live database: make restore FILE=...
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=path/to/backup.db"; exit 2; }
	$(PY) -m db.backup restore "$(FILE)"

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
