# Set-up is automatic: every target below creates or refreshes .venv first.
#   make demo      export a seeded tenant from the bundled LiveVox simulator
#   make demo-sync promote staging to production: export, plan, apply, plan again (two simulators)
#   make test      run the test suite (pytest, against the simulator over loopback)
#   make check     ruff, mypy --strict, schema validation, generated-code freshness
#   make generate  regenerate livevox_async/_generated/ from schema/
#   make bench     benchmarks against in-run baselines (writes bench/results.md)
#   make docs      build the documentation site into site/ (warnings are errors)
#   make test-all  the test suite on 3.11 and on every other Python the machine has
#   make test-wheel  build the wheel, install it in a fresh venv, run a user's test file

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
DOCS_STAMP := $(VENV)/.docs-installed

.PHONY: demo demo-sync test check generate bench clean docs test-all test-wheel

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip  # --group needs pip >= 25.1
	$(BIN)/python -m pip install --quiet -e '.[cli,test,otel]' --group dev
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -X dev -m pytest -q $(PYTEST_ARGS)
	$(BIN)/python -X dev -m pytest -q --doctest-modules livevox_async codegen docs

# Tests that `make check` type-checks too, one mypy run per entry: a test directory is no
# package, so its conftest.py and helpers are top-level modules, as pytest imports them.
TYPED_TESTS := tests/test_*.py tests/simulator tests/fidelity tests/packaging tests/docs tests/export tests/runtime tests/faults tests/plan

check: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .
	$(BIN)/python -m codegen.bundle --check
	$(BIN)/python -m codegen.generate --check
	$(BIN)/python -m mypy
	$(foreach tests,$(TYPED_TESTS),$(BIN)/python -m mypy $(tests) && ) true

generate: $(STAMP)
	$(BIN)/python -m codegen.generate

demo: $(STAMP)
	rm -rf demo-export
	$(BIN)/livevox export --demo --out demo-export

demo-sync: $(STAMP)
	rm -rf demo-sync
	$(BIN)/python -m livevox_async.tenant._demo demo-sync

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --group bench
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

$(DOCS_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --group docs
	touch $(DOCS_STAMP)

# The reference pages are generated from the operation table while the site builds
# (docs/_hooks.py); test_site.py counts them. `make test` runs every example of the docs.
docs: $(DOCS_STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir site
	LIVEVOX_TEST_DOCS_SITE=1 $(BIN)/python -X dev -m pytest -q -p no:cacheprovider tests/docs/test_site.py

# 3.11 runs in .venv; every other Python in EXTRA_PYTHONS in its own .venv-X.Y.
EXTRA_PYTHONS ?= 3.12 3.13
test-all: test
	@for version in $(EXTRA_PYTHONS); do \
	  interpreter=$$(.ci/find-python $$version); \
	  if [ -z "$$interpreter" ]; then echo "test-all: Python $$version is not on this machine; skipped"; continue; fi; \
	  echo "test-all: Python $$version ($$interpreter)"; \
	  $(MAKE) --no-print-directory VENV=.venv-$$version PYTHON=$$interpreter test || exit 1; \
	done

test-wheel: $(STAMP)
	LIVEVOX_TEST_WHEEL=1 $(BIN)/python -X dev -m pytest -q -p no:cacheprovider tests/packaging/test_wheel.py

clean:
	rm -rf $(VENV) .venv-3.* demo-export demo-sync site .pytest_cache .mypy_cache .ruff_cache
