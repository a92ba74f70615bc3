# Two commands for a fresh machine: `make run` and `make test`.
VENV    ?= .venv
PYTHON  ?= python3
PY      := $(VENV)/bin/python
FLASK   := $(VENV)/bin/flask --app finsam_saas
STAMP   := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: install run test browser setup worker bench load faults backup restore-check clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Schema, tenants and demo data; every step is idempotent, so a second run keeps the data.
setup: install
	$(FLASK) db upgrade
	$(FLASK) tenants sync
	$(FLASK) demo

# The address is printed by the server itself once it listens (PORT=5001 make run for another port).
run: setup
	$(FLASK) serve --host $(HOST) --port $(PORT)

worker: install
	$(FLASK) worker

# Debian's chromium for the browser tests; installed when missing and we may (root with apt-get).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium saknas och kan inte installeras här: webbläsartesterna hoppas över"; fi; }

# pytest's exit code 5 (no test ran) is a failure here, not a success.
test: install browser
	$(PY) -m pytest $(PYTEST_ARGS); status=$$?; \
	  if [ $$status -eq 5 ]; then echo "Inga tester kördes."; exit 1; fi; exit $$status

# The proofs beyond `make test`, each against PostgreSQL (BENCH_PG, default the local server as
# postgres) on loopback, each exiting non-zero when a bound is broken. See docs/performance.md.
bench: install
	$(PY) -m bench

load: install
	$(PY) -m bench.load

faults: install
	$(PY) -m bench.faults

# pg_dump of DATABASE_URL (or MIGRATION_DATABASE_URL) into backups/.
backup: install
	$(PY) -m bench.backup

# Demo data dumped, restored into a fresh database, and compared table by table.
restore-check: install
	$(PY) -m bench.backup restore-check

clean:
	rm -rf $(VENV) instance .pytest_cache
