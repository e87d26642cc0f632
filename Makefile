# The only entry points a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MANAGE := $(BIN)/python manage.py
LANGS := uk ru be pl de lt
# The production profile uses the installed venv's Python (`make install` makes it).
PROD_PYTHON ?= $(BIN)/python
PROD_RUN_DIR ?= run/prod

.PHONY: install browser nginx demo test lint messages compilemessages bench-matching bench-map clean prod-local prod-stop prod-check load faults

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Prytulak needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,postgres]"
	touch $(STAMP)

install: $(STAMP)

## make demo: install, migrate, seed realistic demo data, serve on http://127.0.0.1:8000 with a job worker
demo: install
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	@# A background-job worker runs beside the web server and stops with it.
	@# Two-step login (TOTP) is off in the demo so anyone can look around; production keeps it
	@# on. `REQUIRE_2FA=true make demo` shows the authenticator set-up at the first login.
	$(MANAGE) db_worker & trap 'kill $$!' EXIT INT TERM; \
	  DEBUG=true REQUIRE_2FA=$${REQUIRE_2FA:-false} $(MANAGE) runserver 127.0.0.1:8000

## make test: lint, type-check, migrations check, and the test suite (DATABASE_URL picks the database)
test: install browser nginx lint
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench-map: map endpoint latency at 10k, 100k and 1M offers on PostgreSQL (a few minutes)
bench-map: install
	$(BIN)/python bench/map.py $(SIZES)

## make browser: Debian's Chromium and ChromeDriver for the browser tests (installed if missing)
browser:
	sh scripts/ensure-chromium

nginx:
	sh scripts/ensure-nginx

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy prytulak

## make bench-matching: engine speed, memory and quality at 1k–1M (about 10 minutes)
bench-matching: install
	$(BIN)/python bench/matching.py $(SIZES)

## make messages: refresh the translation catalogues from the code; then translate and compile
messages: install
	cd prytulak && ../$(BIN)/python ../manage.py makemessages --no-obsolete --no-location $(addprefix -l ,$(LANGS)) -i "tests/*"

compilemessages: install
	cd prytulak && ../$(BIN)/python ../manage.py compilemessages

clean:
	rm -rf $(VENV) prytulak.sqlite3 static-collected .pytest_cache .mypy_cache .ruff_cache

## make prod-local: the production profile here: PostgreSQL, Redis, gunicorn, RQ workers, nginx on http://127.0.0.1:8080 (Ctrl-C or make prod-stop)
prod-local: nginx $(if $(filter $(BIN)/python,$(PROD_PYTHON)),install)
	$(PROD_PYTHON) scripts/prod_local.py

## make prod-stop: stop what make prod-local started
prod-stop:
	@test -f $(PROD_RUN_DIR)/supervisor.pid && kill -TERM $$(cat $(PROD_RUN_DIR)/supervisor.pid) && \
	  while test -f $(PROD_RUN_DIR)/supervisor.pid; do sleep 0.5; done; echo stopped

## make prod-check: start the profile on spare ports, request a page through nginx, check the client address reaches Django, stop
prod-check: nginx $(if $(filter $(BIN)/python,$(PROD_PYTHON)),install)
	$(PROD_PYTHON) scripts/prod_check.py

## make load: locust against a private production profile (LOAD_USERS, LOAD_SECONDS); prints req/s, p50/p95/p99, errors; checks every accepted intake is stored
load: nginx $(if $(filter $(BIN)/python,$(PROD_PYTHON)),install)
	$(PROD_PYTHON) scripts/load.py

## make faults: kill a job worker mid-run, restart PostgreSQL and stop Redis under load, on private instances
faults: nginx $(if $(filter $(BIN)/python,$(PROD_PYTHON)),install)
	$(PROD_PYTHON) scripts/faults.py $(FAULTS)
