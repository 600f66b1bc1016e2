# The README's quick start: `make demo` then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench train screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.demo-installed $(VENV)/.web-installed

$(VENV)/.web-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[web]'
	touch $@ $(VENV)/.demo-installed

# With a display (DISPLAY or WAYLAND_DISPLAY set): seed the demo workspace, print its login, and
# serve it until Ctrl-C; then, and always without a display, the command-line demo.
demo: $(VENV)/.demo-installed
	@if [ -n "$${DISPLAY}$${WAYLAND_DISPLAY}" ]; then \
		$(MAKE) --no-print-directory $(VENV)/.web-installed && $(BIN)/raccord demo-web || true; \
	fi
	$(BIN)/raccord demo

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/checker.py
	$(BIN)/python benchmarks/understand_cost.py

# Refresh the README's screenshots (docs/screenshots/) from the browser test, in Debian's chromium.
screenshots: $(VENV)/.dev-installed
	RACCORD_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/test_browser.py

# Refit the shipped weights from ../shared/data (moves classifier, then the marker scorer).
train: $(VENV)/.dev-installed
	$(BIN)/python scripts/train_moves.py
	$(BIN)/python scripts/train_markers.py

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info
