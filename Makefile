# newsdedup — every set-up step lives here (see README).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# Debian packages the tests drive for real: Chromium renders the incident report, redis-server
# backs the several-worker crawl (Redis mode).
# Installed when we are root on a Debian/Ubuntu machine (CI, a fresh VM); elsewhere the
# tests that need them skip with the reason.
SYSTEM_PACKAGES := chromium redis-server

.PHONY: venv system-packages demo test bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# The pip bundled with Python 3.11 mis-resolves trafilatura's lxml extra.
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

system-packages:
	@missing=""; command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
		echo "note:$$missing not installed (needs root + apt-get); the tests that use it will skip"; \
	fi

demo: $(STAMP)
	$(VENV)/bin/newsdedup cluster samples/dump --out output
	$(VENV)/bin/newsdedup report --out output

# Lint first: ruff (lint + import order) and import-linter (imports only go down; pyproject.toml).
test: $(STAMP) system-packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) output/*.jsonl output/*.sqlite* build *.egg-info
