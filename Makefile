# Manba: `make demo` and `make test` are the two commands a newcomer needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < requirements.txt | cut -d' ' -f1)
CHROMIUM := /usr/bin/chromium
MANBA_DATABASE_URL ?= sqlite:///data/manba.sqlite3
MANBA_FIXTURE_PORT ?= 8765
PYTEST_ARGS ?=
PYTEST_WORKERS ?= 2

.PHONY: help venv chromium lint test demo migrate clean bench

help:
	@echo "make demo   - build and serve the bundled fixture web, crawl it into $(MANBA_DATABASE_URL), print a summary"
	@echo "make test   - ruff, mypy and the whole pytest suite"
	@echo "make migrate - alembic upgrade head on MANBA_DATABASE_URL"
	@echo "make bench  - P1 pipeline vs bare Scrapy, P2 extraction vs trafilatura/news-please, P3 dedup at 10k/1M, P4 copy changes, P5 cross-lingual links, P6 a throttling host (BENCHMARKS.md)"

venv: $(STAMP)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt > $(VENV)/pip.log 2>&1 || { cat $(VENV)/pip.log; exit 1; }
	rm -f $(VENV)/.installed-* && touch $@

# Debian's Chromium for scrapy-playwright (never `playwright install`: it downloads a browser).
chromium:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium"; \
	  (apt-get install -y -q chromium >/dev/null 2>&1 || \
	   (apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null)); \
	}
	@test -x $(CHROMIUM) || { echo "chromium is missing and could not be installed" >&2; exit 1; }

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy

# Two pytest workers (pytest-xdist: most of the suite's time is crawls, which also wait on
# servers, browsers and subprocesses), then the tests marked serial alone: the outage test stops
# the PostgreSQL every other test uses. Exit status 5 is pytest's "no tests selected".
# --dist loadfile keeps each test file on one worker, so a module-scoped crawl runs once, not once
# per worker that gets one of its tests.
test: venv chromium lint
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile -m "not serial" $(PYTEST_ARGS)
	$(BIN)/pytest -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

migrate: venv
	MANBA_DATABASE_URL=$(MANBA_DATABASE_URL) $(BIN)/alembic upgrade head

demo: venv chromium
	MANBA_FIXTURE_PORT=$(MANBA_FIXTURE_PORT) MANBA_DATABASE_URL=$(MANBA_DATABASE_URL) bash scripts/demo.sh

# P1 pipeline vs bare Scrapy, P2 extraction vs trafilatura and news-please, P3 dedup at 10k/1M stored,
# each printed as one line with its ratio (BENCHMARKS.md). news-please pins older versions of packages
# Manba uses, so it gets a virtual environment of its own, $(BENCH_VENV). The full P3 table (10k/100k/1M,
# SQLite and PostgreSQL): $(BIN)/python -m bench.dedup --backend both
BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed-$(shell cksum < bench/requirements-newsplease.txt | cut -d' ' -f1)
bench: venv
	@test -f $(BENCH_STAMP) || { test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV); \
	  $(BENCH_VENV)/bin/pip install --disable-pip-version-check -q -r bench/requirements-newsplease.txt \
	    > $(BENCH_VENV)/pip.log 2>&1 || { cat $(BENCH_VENV)/pip.log; exit 1; }; touch $(BENCH_STAMP); }
	$(BIN)/python -m bench

clean:
	rm -rf data/fixtureweb .pytest_cache .mypy_cache .ruff_cache

# scrapyd on 127.0.0.1 with deploy/scrapyd.conf; its eggs, logs and job databases go to $(SCRAPYD_DIR).
# Credentials and port come from SCRAPYD_USERNAME, SCRAPYD_PASSWORD, SCRAPYD_HTTP_PORT (README).
SCRAPYD_DIR ?= data/scrapyd
.PHONY: scrapyd
scrapyd: venv chromium
	@test -n "$$SCRAPYD_USERNAME" && test -n "$$SCRAPYD_PASSWORD" || { \
	  echo "set SCRAPYD_USERNAME and SCRAPYD_PASSWORD: without both, scrapyd accepts anyone" >&2; exit 1; }
	mkdir -p $(SCRAPYD_DIR)
	ln -sf $(abspath deploy/scrapyd.conf) $(SCRAPYD_DIR)/scrapyd.conf
	cd $(SCRAPYD_DIR) && exec $(abspath $(BIN))/scrapyd
