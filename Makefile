# Two commands: `make run` and `make test`. Everything else is a step they share.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install translations migrate demo lint i18n-extract clean

run: demo
	HOST=$(HOST) PORT=$(PORT) $(BIN)/lms run --host $(HOST) --port $(PORT)

test: translations
	$(BIN)/pytest -q $(PYTEST_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

translations: install
	$(BIN)/pybabel compile -d translations -D messages

migrate: translations
	$(BIN)/lms db upgrade

demo: migrate
	$(BIN)/lms demo

lint: install
	$(BIN)/ruff check .

# Re-extract messages after changing strings; then translate translations/vi/LC_MESSAGES/messages.po
i18n-extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m lms.i18n_tools fill-english

clean:
	rm -rf $(VENV) instance/*.sqlite3* .pytest_cache
