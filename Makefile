# The verbs a newcomer types. Every target sets up .venv first (a no-op when it is current).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SPARK_STAMP := $(VENV)/.spark-stamp

MONTH  ?= 2026-10
REGION ?= all
REPORT_LANG ?= zh

.PHONY: setup report test lint format bench lab sample clean browser

setup: $(STAMP)

# Reinstall only when the dependency list changes; the package itself is installed editable.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The Spark extra is large (PySpark ships Spark's jars): only the tests and benchmarks need it.
$(SPARK_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,spark]'
	@touch $(SPARK_STAMP)

report: $(STAMP)
	$(BIN)/mktkit render monthly_review --month $(MONTH) --region $(REGION) --lang $(REPORT_LANG)

# A public worked example for the funnel tests: Retentioneering's simple_shop log, published
# with its funnel figures. Its licence forbids committing a copy, so make fetches the wheel from
# the package index (no install, no dependencies) and keeps only the CSV inside .venv.
SIMPLE_SHOP := $(VENV)/data/simple-onlineshop.csv

$(SIMPLE_SHOP): | $(STAMP)
	@mkdir -p $(VENV)/data
	$(BIN)/python -m pip download --quiet --no-deps --dest $(VENV)/data retentioneering==3.3.0
	$(BIN)/python -c "import zipfile, glob, sys; z = zipfile.ZipFile(glob.glob('$(VENV)/data/retentioneering-3.3.0-*.whl')[0]); open(sys.argv[1], 'wb').write(z.read('retentioneering/datasets/data/simple-onlineshop.csv'))" $@
	@rm -f $(VENV)/data/retentioneering-*.whl

# CDNOW (Fader & Hardie): the full transaction log (an own-data folder's test), a sample of it
# and its published per-customer summary, from the lifetimes wheel: the same way, only the data
# files are kept.
CDNOW := $(VENV)/data/CDNOW_sample.txt
CDNOW_MASTER := $(VENV)/data/CDNOW_master.txt
CDNOW_SUMMARY := $(VENV)/data/cdnow_customers_summary_with_transactions.csv

$(CDNOW_MASTER): | $(STAMP)
	@mkdir -p $(VENV)/data
	$(BIN)/python -m pip download --quiet --no-deps --dest $(VENV)/data lifetimes==0.11.3
	$(BIN)/python -c "import zipfile, glob; z = zipfile.ZipFile(glob.glob('$(VENV)/data/Lifetimes-0.11.3-*.whl')[0]); [open('$(VENV)/data/' + n, 'wb').write(z.read('lifetimes/datasets/' + n)) for n in ('CDNOW_master.txt', 'CDNOW_sample.txt', 'cdnow_customers_summary_with_transactions.csv')]"
	@rm -f $(VENV)/data/Lifetimes-*.whl

# The browser test uses Debian's Chromium (never a browser download): installed here when make
# runs as root with apt-get (CI, containers); elsewhere install it yourself or the test says why
# it skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
	  || echo "no Chromium and no way to install it: the browser test will be skipped"

test: $(STAMP) $(SPARK_STAMP) $(SIMPLE_SHOP) $(CDNOW_MASTER) browser
	MKTKIT_SIMPLE_SHOP_CSV=$(SIMPLE_SHOP) MKTKIT_CDNOW_CSV=$(CDNOW) MKTKIT_CDNOW_MASTER=$(CDNOW_MASTER) \
	MKTKIT_CDNOW_SUMMARY_CSV=$(CDNOW_SUMMARY) $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every benchmark runs; the target fails at the end if any missed its figure.
bench: $(SPARK_STAMP)
	@failed=""; for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "missed a target:$$failed"; exit 1; fi

# JupyterLab on the repository, with a working copy of the course in course/ (made once: the
# originals ship inside the package). JupyterLab refuses to run as root unless told;
# containers often are root.
lab: $(STAMP)
	@test -d course || $(BIN)/mktkit course --out course
	$(BIN)/jupyter lab --notebook-dir=. $$([ "$$(id -u)" = 0 ] && echo --allow-root)

sample: $(STAMP)
	$(BIN)/mktkit sample --out data/sample

clean:
	rm -rf $(VENV) reports .pytest_cache .ruff_cache .hypothesis
