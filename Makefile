# Partner Locator: `make run` sets everything up and serves; `make test` runs every test.
VENV    ?= .venv
PY      := $(VENV)/bin/python
LOCATOR := $(VENV)/bin/locator
HOST    ?= 127.0.0.1
PORT    ?= 5000
DEMO_PARTNERS ?= 3000
STAMP   := $(VENV)/.installed
DEMO    := instance/.demo-loaded
PYTEST_ARGS ?=

.PHONY: run test bench soak setup system venv assets demo-data reindex clean

run: setup $(DEMO)
	$(LOCATOR) init-db
	$(LOCATOR) serve --host $(HOST) --port $(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

bench: setup
	WITH_BENCH=1 bash scripts/system-deps.sh
	$(PY) bench/run.py
	$(PY) bench/insights_cost.py

# 60 s of mixed searches, profile views and admin edits at a steady rate on gunicorn + PostGIS (SOAK_ARGS: see --help).
SOAK_ARGS ?=
soak: setup
	$(PY) bench/soak.py $(SOAK_ARGS)

setup: system venv assets

system:
	@bash scripts/system-deps.sh

venv: $(STAMP)
$(STAMP): pyproject.toml scripts/make-venv.sh
	bash scripts/make-venv.sh $(VENV)
	@touch $@

assets:
	@if [ -x scripts/vendor-assets.sh ]; then bash scripts/vendor-assets.sh; fi

# The demo store: the two real partner lists plus seeded synthetic partners, then the index.
$(DEMO): $(STAMP) fixtures/gitlab_resellers_2016.yml fixtures/cncf_service_providers_2020.json
	$(LOCATOR) init-db
	$(LOCATOR) import fixtures/gitlab_resellers_2016.yml
	$(LOCATOR) import fixtures/cncf_service_providers_2020.json
	$(LOCATOR) generate --partners $(DEMO_PARTNERS) --seed 1 --out instance/demo-synthetic.json
	$(LOCATOR) import instance/demo-synthetic.json
	$(LOCATOR) reindex
	$(LOCATOR) insights seed --searches 3000 --seed 1
	@touch $@

demo-data: $(DEMO)

reindex: setup
	$(LOCATOR) reindex

clean:
	rm -rf instance/locator.sqlite* instance/.demo-loaded index/* test-artifacts
