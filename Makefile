# The project's interface: `make tutorial`, `make lab`, `make test`, `make benchmark`.
# Every target creates (or reuses) the virtual environment .venv itself.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Keep TensorFlow's C++ start-up lines out of every notebook and script (see README).
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: tutorial lab test lint benchmark clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[notebooks,site,dev]"
	@# Build matplotlib's font cache now; otherwise its one-time notice would land in
	@# the stderr of the first notebook that plots, and nbval would flag it.
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot"
	touch $@

tutorial: $(STAMP)
	$(BIN)/jupyter nbconvert --log-level=ERROR --to html --execute --output-dir build notebooks/*.ipynb
	@echo "Executed notebooks written to build/ as HTML."
	@$(BIN)/python -m dataprog_helpers.experiment

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

lint: $(STAMP)
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest --nbval --nbval-current-env -p no:cacheprovider

benchmark: $(STAMP)
	$(BIN)/python benchmarks/label_model_speed.py
	$(BIN)/python benchmarks/tutorial_quality.py
	$(BIN)/python benchmarks/dependency_search.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/theory_rates.py

clean:
	rm -rf build $(VENV)
