# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := web/static/vendor

.PHONY: run test build check assets java browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Front-end libraries come from npm with a lock file and are copied into static/.
$(VENDOR)/.built: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)
	cp web/node_modules/@zazuko/yasgui/build/yasgui.min.js web/node_modules/@zazuko/yasgui/build/yasgui.min.css \
	   web/node_modules/cytoscape/dist/cytoscape.min.js $(VENDOR)/
	touch $@

assets: $(VENDOR)/.built

# HermiT (OWL reasoning) runs on Java; install a runtime where there is none.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "policykg: installing a Java runtime for HermiT (default-jre-headless)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

# Browser tests drive Debian's chromium through Playwright; CJK fonts keep screenshots legible.
browser:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto sans cjk\|wenquanyi" || { \
		echo "policykg: installing chromium and CJK fonts for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

run: $(STAMP) assets
	$(BIN)/policykg run

build: $(STAMP)
	$(BIN)/policykg build

check: $(STAMP)
	$(BIN)/policykg build --check

test: $(STAMP) assets java browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist web/node_modules $(VENDOR)
