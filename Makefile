# Two commands matter: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
HOST   ?= 127.0.0.1
STAMP  := $(VENV)/.installed

.PHONY: run test build validate lint bench bench-full bench-routes bench-remote vendor-yasgui clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/kb build

validate: $(STAMP)
	$(BIN)/kb validate

run: build
	@echo "Open http://$(HOST):$(PORT)/ in your browser (Ctrl-C to stop)"
	$(BIN)/kb serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/ruff check kb webapp tests bench
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check kb webapp tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py --sizes 10000,100000

bench-full: $(STAMP)  # 1M claims: about an hour on 2 cores; each named query runs at least once there
	$(BIN)/python bench/run.py --sizes 10000,100000
	$(BIN)/python bench/run.py --sizes 1000000 --least 1

bench-routes: $(STAMP)  # every route kind at 10k and 100k claims, one request and 8 clients: bench/ROUTES.md
	$(BIN)/python bench/routes.py --sizes 10000,100000

bench-remote: $(STAMP)  # the KB built into oxigraph serve and Virtuoso 7 at 10k and 100k claims: bench/REMOTE.md
	$(BIN)/python bench/remote.py --sizes 10000 --rebuild
	$(BIN)/python bench/remote.py --sizes 100000 --least 0 --write  # builds only: the questions there take an hour

YASGUI_VERSION ?= 4.6.2
vendor-yasgui:  # repack the pinned YASGUI from the npm registry into webapp/static/vendor/yasgui
	rm -rf build/yasgui && mkdir -p build/yasgui
	cd build/yasgui && npm pack --silent @zazuko/yasgui@$(YASGUI_VERSION) && tar xzf zazuko-yasgui-$(YASGUI_VERSION).tgz
	sha256sum build/yasgui/zazuko-yasgui-$(YASGUI_VERSION).tgz
	cp build/yasgui/package/build/yasgui.min.js build/yasgui/package/build/yasgui.min.css webapp/static/vendor/yasgui/

clean:
	rm -rf .kb build test-artifacts
