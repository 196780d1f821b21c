# fazhi — two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/fazhi
REDIS ?= redis://127.0.0.1:6379/1
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= 2
ONLY ?=

.PHONY: install system migrate demo run serve-prod audit test test-sqlite test-postgres test-e2e bench lint format vendor clean

$(STAMP): requirements.lock pyproject.toml scripts/system-packages.sh
	bash scripts/system-packages.sh
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

system:
	bash scripts/system-packages.sh

migrate: install
	$(BIN)/fazhi migrate --noinput -v0

demo: migrate
	$(BIN)/fazhi demo load

run: demo
	@$(BIN)/fazhi demo logins
	@echo ""
	@echo "后台任务进程与 Web 服务启动中： http://$(HOST):$(PORT)/  （Ctrl+C 停止）"
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/fazhi db_worker --interval 1 > $${FAZHI_DATA_DIR:-data}/worker.log 2>&1 & \
	  $(BIN)/fazhi reminders run --interval 300 > $${FAZHI_DATA_DIR:-data}/reminders.log 2>&1 & \
	  $(BIN)/gunicorn fazhi.wsgi:application --bind $(HOST):$(PORT) --workers 2 --threads 8 \
	    --access-logfile - --log-level warning

# Production mode: gunicorn + PostgreSQL + Redis + worker; keys from the environment (deploy/README.md).
serve-prod: install
	bash scripts/serve-prod.sh

test: install
	bash scripts/services.sh
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres
	$(MAKE) --no-print-directory test-e2e

test-sqlite: install
	@echo "== 测试套件：SQLite =="
	FAZHI_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -q -n $(PYTEST_WORKERS) $(ARGS)

test-postgres: install
	@echo "== 测试套件：PostgreSQL + Redis =="
	@bash scripts/services.sh
	@FAZHI_DATA_DIR=$$(mktemp -d) bash scripts/with-services.sh "$(PG_URL)" "$(REDIS)" -- \
	  $(BIN)/pytest -q -n $(PYTEST_WORKERS) $(ARGS)

test-e2e: install
	@echo "== 浏览器端到端测试：Playwright + Debian Chromium =="
	FAZHI_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -q e2e -p no:xdist $(ARGS)

# Known vulnerabilities of the pinned Python packages and the vendored front-end (OSV database;
# exit 1 when some are found, 3 when it could not check: scripts/audit_deps.py).
audit: install
	$(BIN)/python scripts/audit_deps.py $(ARGS)

bench: install
	$(BIN)/python benchmarks/run.py $(ONLY)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

vendor:
	cd frontend && npm ci --no-audit --no-fund --ignore-scripts && ./vendor.sh

clean:
	rm -rf $(VENV)
