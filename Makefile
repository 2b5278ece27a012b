# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := web/static/vendor

.PHONY: run test build check assets java browser stores virtuoso fuseki jena clean mutation wrk

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

# The remote-store tests' servers (tests/stores.py). Virtuoso from Debian (the binaries only:
# the tests write their own loopback-only virtuoso.ini; no system service, no stock config).
virtuoso:
	@command -v virtuoso-t >/dev/null 2>&1 || { \
		echo "policykg: installing Virtuoso Open Source for the remote-store tests (virtuoso-opensource-7-bin)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends virtuoso-opensource-7-bin \
		|| echo "policykg: could not install Virtuoso; its tests will be skipped"; }

# Apache Jena Fuseki from Maven (stores/fuseki/pom.xml) into .cache/fuseki/lib. Where Maven
# Central cannot be reached the reason is kept in .cache/fuseki/error.txt and the Fuseki
# tests are skipped with it; the rest of the suite runs.
FUSEKI_LIB := .cache/fuseki/lib
fuseki: $(FUSEKI_LIB)/.copied
$(FUSEKI_LIB)/.copied: stores/fuseki/pom.xml
	@mkdir -p .cache/fuseki
	@if command -v mvn >/dev/null 2>&1 && mvn -q -B -Dstyle.color=never -f stores/fuseki/pom.xml dependency:copy-dependencies \
			-DincludeScope=runtime -DoutputDirectory=$(CURDIR)/$(FUSEKI_LIB) > .cache/fuseki/mvn.log 2>&1; then \
		rm -f .cache/fuseki/error.txt; touch $@; \
	else \
		{ command -v mvn >/dev/null 2>&1 || echo "no mvn on this machine"; grep -m1 "ERROR" .cache/fuseki/mvn.log 2>/dev/null; } \
			> .cache/fuseki/error.txt; \
		echo "policykg: could not fetch Apache Jena Fuseki; its tests will be skipped (see .cache/fuseki/error.txt)"; \
	fi

# Apache Jena's engine (ARQ, TDB2) from Debian's libapache-jena-java, behind our own minimal
# SPARQL-protocol endpoint (stores/jena/JenaEndpoint.java), compiled into .cache/jena: the
# query engine Fuseki answers with, testable where Fuseki itself (Maven Central only) is not.
# Debian's jena-core 4.5.0-2 moved its copy of Xerces to the package `xerces` but left the
# message files at org/apache/jena/ext/xerces/..., so Jena fails at start ("internal error"
# in XSSimpleTypeDecl): the files are copied, from that same jar, to where its classes look.
JENA := .cache/jena
JENA_JARS := jena-arq jena-base jena-core jena-dboe-base jena-dboe-index jena-dboe-storage jena-dboe-trans-data \
	jena-dboe-transaction jena-iri jena-tdb2 commons-cli commons-codec commons-compress commons-csv commons-io \
	commons-lang3 dexx.collection gson guava httpclient httpcore jackson-core jackson-databind jackson-annotations \
	jsonld-java jakarta.json-api protobuf slf4j-api slf4j-nop thrift titanium-json-ld
JENA_CP := $(subst $(eval) ,:,$(foreach j,$(JENA_JARS),/usr/share/java/$(j).jar))
jena: $(JENA)/classpath
$(JENA)/classpath: stores/jena/JenaEndpoint.java
	@mkdir -p $(JENA)
	@test -f /usr/share/java/jena-arq.jar || { \
		echo "policykg: installing Apache Jena's libraries for the Jena tests (libapache-jena-java)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libapache-jena-java default-jdk-headless > $(JENA)/apt.log 2>&1 \
		|| echo "policykg: could not install libapache-jena-java (see $(JENA)/apt.log)"; }
	@rm -rf $(JENA)/classes $(JENA)/messages && mkdir -p $(JENA)/classes $(JENA)/messages/xerces/impl/xpath
	@if cd $(JENA)/messages && jar xf /usr/share/java/jena-core.jar org/apache/jena/ext/xerces/impl/msg \
			org/apache/jena/ext/xerces/impl/xpath/regex \
		&& mv org/apache/jena/ext/xerces/impl/msg xerces/impl/ \
		&& mv org/apache/jena/ext/xerces/impl/xpath/regex xerces/impl/xpath/ && rm -rf org && cd $(CURDIR) \
		&& javac -nowarn -cp "$(JENA_CP)" -d $(JENA)/classes stores/jena/JenaEndpoint.java > $(JENA)/javac.log 2>&1; then \
		echo "$(JENA_CP):$(CURDIR)/$(JENA)/classes:$(CURDIR)/$(JENA)/messages" > $@; rm -f $(JENA)/error.txt; \
	else \
		cd $(CURDIR); { tail -3 $(JENA)/apt.log $(JENA)/javac.log 2>/dev/null; } > $(JENA)/error.txt; \
		echo "policykg: could not build the Jena endpoint; its tests will be skipped (see $(JENA)/error.txt)"; \
	fi

stores: virtuoso fuseki jena

# The HTTP benchmark's load tool (benchmarks/http_load.py), from Debian.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "policykg: installing wrk for the HTTP benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

# `make run PORT=5001` when 5000 is taken
run: $(STAMP) assets
	$(BIN)/policykg run $(if $(PORT),--port $(PORT))

build: $(STAMP)
	$(BIN)/policykg build

check: $(STAMP)
	$(BIN)/policykg build --check

test: $(STAMP) assets java browser stores
	$(BIN)/python -m pytest

# Mutation testing (benchmarks/mutation.py): minutes to hours per module, so never in `test` or CI.
# MODULES=queries.py limits it to some modules; a stopped run resumes where it was; MUTATION_ARGS=
# --rerun-survivors runs the survivors again after new tests. The scores go to benchmarks/results/.
mutation: $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,mutation]'
	nice -n 10 $(BIN)/python benchmarks/mutation.py $(MODULES) $(MUTATION_ARGS)

clean:
	rm -rf $(VENV) build dist web/node_modules $(VENDOR) .cache
