# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test build check java clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# HermiT (OWL reasoning) runs on Java; install a runtime where there is none.
java:
	@command -v java >/dev/null 2>&1 || { \
		echo "policykg: installing a Java runtime for HermiT (default-jre-headless)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless; }

run: $(STAMP)
	$(BIN)/policykg run

build: $(STAMP)
	$(BIN)/policykg build

check: $(STAMP)
	$(BIN)/policykg build --check

test: $(STAMP) java
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build dist
