# The project's interface: `make tutorial`, `make lab`, `make site`, `make test`, `make benchmark`;
# `make test-fast` for the edit loop; for maintainers, `make notebooks` (re-execute and store
# every notebook) and `make portability`.
# Every target creates (or reuses) the virtual environment .venv itself.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Keep TensorFlow's C++ start-up lines out of every notebook and script (see README).
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: tutorial lab notebooks site browser test test-fast portability lint benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[notebooks,site,dev,dask]"
	@# Build matplotlib's font cache now; otherwise its one-time notice would land in
	@# the stderr of the first notebook that plots, and nbval would flag it.
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot"
	touch $@

tutorial: $(STAMP)
	$(BIN)/jupyter nbconvert --log-level=ERROR --to html --execute --output-dir build notebooks/*.ipynb
	@echo "Executed notebooks written to build/ as HTML."
	@$(BIN)/python -m dataprog_helpers.course.experiment

# JupyterLab refuses to run as root unless told to (e.g. in a container): tell it there.
lab: $(STAMP)
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

# The course site: every executed notebook as a page, rendered by Sphinx + MyST-NB from a
# copy of site/ (configuration, landing page) and notebooks/. Warnings (a broken link, a
# figure that cannot be written) fail the build.
SITE_SOURCE := build/site-src

site: $(STAMP)
	rm -rf build/site $(SITE_SOURCE)
	mkdir -p $(SITE_SOURCE)
	cp -r site/. notebooks $(SITE_SOURCE)/
	$(BIN)/sphinx-build -q -W --keep-going -b html $(SITE_SOURCE) build/site
	@echo "Course site written to build/site/ (open build/site/index.html)."

# Debian's Chromium for the site's browser test (never a browser downloaded by a test tool).
# Where it cannot be installed, the browser test is skipped and says why.
browser:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
		true; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Debian's chromium for the course-site browser test..."; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
		{ $$SUDO apt-get update -qq && \
		  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null \
		|| echo "Could not install chromium: the browser test will be skipped."; \
	else \
		echo "No chromium and no apt-get: the browser test will be skipped."; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .

# Spread over the CPU cores (--dist loadscope keeps each test file, and each notebook's
# check, on one worker).  The tests come in tiers (tests/conftest.py): unit, statistical,
# course and system.  tests/system/test_portability.py runs strict nbval over every notebook
# and solution, each in a kernel on a simulated other processor (tools/portability.py).
PYTEST_WORKERS ?= auto

test: lint site browser
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope -p no:cacheprovider

# The edit loop: lint and every tier but the system one (no clusters, fresh install,
# browser or notebooks).
test-fast: lint
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadscope -p no:cacheprovider \
		-m "not system"

# Re-execute every notebook and solution and store the outputs that nbval compares
# (the exercise cells, which nbval skips, stay empty).  Two cells of notebook 5 print
# wall-clock times: run this on an otherwise idle machine.
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

# Strict nbval over every notebook without any variant, then under each simulated other
# processor in turn (tools/portability.py); `make test` runs one pass with all at once.
portability: $(STAMP)
	$(BIN)/python tools/portability.py

benchmark: $(STAMP)
	$(BIN)/python benchmarks/label_model_speed.py
	$(BIN)/python benchmarks/tutorial_quality.py
	$(BIN)/python benchmarks/dependency_search.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/theory_rates.py
	$(BIN)/python benchmarks/explorer_speed.py
	$(BIN)/python benchmarks/label_model_leaderboard.py
	$(BIN)/python benchmarks/class_conditional_routes.py
	$(BIN)/python benchmarks/dask_scale.py
	$(BIN)/python benchmarks/class_conditional_weak_lfs.py
	$(BIN)/python benchmarks/multiclass.py
	$(BIN)/python benchmarks/class_conditional_robustness.py
	$(BIN)/python benchmarks/label_model_choice.py
	$(BIN)/python benchmarks/binary_dask_em.py
	$(BIN)/python benchmarks/dask_scale_classes.py

clean:
	rm -rf build $(VENV)
