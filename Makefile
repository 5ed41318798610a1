# SatuPintu: `make run` serves the portal with demo data under gunicorn (workers from the CPU
# count); `make dev` the same with Flask's reloader; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app portal
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run dev test test-postgres lint install lock translations extract-messages worker clean

install: $(VENV)/.installed

# The virtualenv holds exactly the versions in requirements-dev.lock (the ones the suite was run
# with); the project itself is installed on top without resolving anything. `pip check` fails
# when pyproject.toml names a dependency the lock file lacks: run `make lock` then.
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check || { echo "make: requirements-dev.lock is out of date with pyproject.toml: run make lock" >&2; exit 1; }
	touch $@

# Re-resolve the lock files from pyproject.toml (after adding or changing a dependency there).
# UPGRADE=1 moves every pin to the newest release the ranges allow; otherwise pins only move
# where pyproject.toml forces them to.
LOCK_FLAGS := --universal --python-version 3.11 --quiet $(if $(UPGRADE),--upgrade)
lock:
	test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv; }
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) --extra dev -o requirements-dev.lock

# Compiled catalogues are build products, made from the committed .po files.
translations: install
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations

# messages.po is the only source of the Indonesian text: extract adds the code's new msgids
# to it (empty), a translator fills them in (Poedit, Weblate or an editor). The volatile
# header lines are dropped so two branches that both extract do not conflict on them.
extract-messages: install
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg --no-wrap -k _l -k lazy_gettext -o portal/translations/messages.pot . 2>/dev/null
	$(BIN)/pybabel update -N --no-wrap --ignore-obsolete -i portal/translations/messages.pot -d portal/translations
	sed -i '/^"POT-Creation-Date:/d; /^"Generated-By:/d' portal/translations/messages.pot portal/translations/id/LC_MESSAGES/messages.po

# gunicorn with deploy/gunicorn.conf.py (2 x cores + 1 sync workers; GUNICORN_WORKERS=N to
# change), on the embedded default unless the environment says otherwise.
run: translations
	$(FLASK) db upgrade
	$(FLASK) seed demo
	GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py

# One process that reloads on every code change and shows tracebacks in the browser.
dev: translations
	$(FLASK) db upgrade
	$(FLASK) seed demo
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

worker: translations
	$(FLASK) jobs worker

clean:
	rm -rf $(VENV) instance/portal.db* .pytest_cache
