# Set-up is automatic: every target below creates or refreshes .venv first.
#   make demo      export a seeded tenant from the bundled LiveVox simulator
#   make demo-sync promote staging to production: export, plan, apply, plan again (two simulators)
#   make test      run the test suite (pytest, against the simulator over loopback)
#   make check     ruff, mypy --strict, schema validation, generated-code freshness
#   make generate  regenerate livevox_async/_generated/ from schema/
#   make bench     benchmarks against in-run baselines (writes bench/results.md)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

.PHONY: demo demo-sync test check generate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is required") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -X dev -m pytest -q $(PYTEST_ARGS)
	$(BIN)/python -X dev -m pytest -q --doctest-modules livevox_async codegen

# Tests that `make check` type-checks too, one mypy run per entry: a test directory is no
# package, so its conftest.py and helpers are top-level modules, as pytest imports them.
TYPED_TESTS := tests/test_*.py tests/simulator tests/fidelity

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
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo-export demo-sync .pytest_cache .mypy_cache .ruff_cache
