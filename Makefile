# Everything a fresh machine needs, from the package registries only. `make example` runs the main job,
# `make test` runs the tests; both set up first (idempotent, fast when already done).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
FILING := $(VENV)/bin/filing
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: setup fonts browser example serve test test-fast fuzz bench clean

setup: $(STAMP) contracts/node_modules/.package-lock.json fonts

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

contracts/node_modules/.package-lock.json: contracts/package.json contracts/package-lock.json
	npm ci --prefix contracts --no-audit --no-fund --loglevel=error

# The CJK font (Noto Sans/Serif CJK SC), poppler's pdftotext and HarfBuzz's subsetter come from Debian when missing.
# Without libharfbuzz-subset WeasyPrint subsets the 20 MB CJK fonts with fontTools: ~8 s per PDF instead of ~0.1 s.
fonts:
	@if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || ! command -v pdftotext >/dev/null \
	  || ! ldconfig -p | grep -q libharfbuzz-subset; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk poppler-utils \
	    libharfbuzz-subset0; \
	fi

# Debian's chromium is the browser the tests drive through Playwright (Playwright's own browser download is not used);
# only `make test` needs it, so `make example` does not install it.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq \
	  && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

example: setup
	$(FILING) build examples/trade-receivables/deal.yaml -o $(OUT)/trade-receivables \
	  --sign-key-file examples/trade-receivables/test-key.txt

# The web workspace on http://127.0.0.1:8000/ over a copy of the examples (out/workspace; kept between runs).
serve: setup
	mkdir -p $(OUT)/workspace
	for deal in examples/*/; do name=$$(basename $$deal); test -e $(OUT)/workspace/$$name \
	  || { cp -r $$deal $(OUT)/workspace/$$name && rm -f $(OUT)/workspace/$$name/test-key.txt; }; done
	$(FILING) serve --workspace $(OUT)/workspace --sign-key-file examples/trade-receivables/test-key.txt

test: setup browser
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n 2 --dist loadfile

fuzz: setup
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests -k fuzz

bench: setup
	for script in benchmarks/*_bench.py; do $(PY) $$script; done

clean:
	rm -rf $(OUT) build dist
