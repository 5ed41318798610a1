# SatuPintu: `make run` serves the portal with demo data under gunicorn (workers from the CPU
# count); `make dev` the same with Flask's reloader; `make test` runs the whole suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app portal
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run dev test test-postgres lint install lock translations extract-messages worker clean demo-guides

install: $(VENV)/.installed

# The virtualenv holds exactly the versions in requirements-dev.lock (the ones the suite was run
# with); the project itself is installed on top without resolving anything. `pip check` fails
# when pyproject.toml names a dependency the lock file lacks: run `make lock` then.
# uv installs them (the lock's own pin of uv, put in by the venv's pip): under a minute from
# nothing, where pip took over two. Byte-compiled as pip did: the commands below run with
# PYTHONDONTWRITEBYTECODE, so every process would otherwise compile the libraries it imports.
UV_PIN = $$(grep -E '^uv==' requirements-dev.lock)
$(VENV)/.installed: pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "$(UV_PIN)"
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements-dev.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
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
MO := portal/translations/id/LC_MESSAGES/messages.mo
translations: install $(MO)

# Compiled only when messages.po changed, so two test runs side by side never rewrite it.
$(MO): portal/translations/id/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d portal/translations

# messages.po is the only source of the Indonesian text: extract adds the code's new msgids
# to it (empty), a translator fills them in (Poedit, Weblate or an editor). The volatile
# header lines are dropped so two branches that both extract do not conflict on them.
extract-messages: install
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg --no-wrap -k _l -k lazy_gettext -o portal/translations/messages.pot . 2>/dev/null
	$(BIN)/pybabel update -N --no-wrap --ignore-obsolete -i portal/translations/messages.pot -d portal/translations
	sed -i '/^"POT-Creation-Date:/d; /^"Generated-By:/d' portal/translations/messages.pot portal/translations/id/LC_MESSAGES/messages.po

# Links in emails, the complaint follow link and permit QR codes use BASE_URL: unless the
# environment sets it, the address served on. Off this machine (HOST not loopback) it warns that
# anyone who reaches the address can log in with the demo accounts' published password.
run dev: export BASE_URL ?= http://$(if $(findstring :,$(HOST)),[$(HOST)],$(HOST)):$(PORT)
DEMO_WARNING = case "$(HOST)" in 127.*|localhost|::1) ;; *) printf '%s\n' \
	"WARNING: serving on $(HOST):$(PORT), reachable from other machines, with the demo accounts" \
	"(admin@demo.test and the others) and their published password Demo-Portal-2026! loaded:" \
	"anyone who reaches this address can log in as admin. Links in emails and QR codes use" \
	"BASE_URL=$$BASE_URL; set BASE_URL to the address people type. For real use, see" \
	"Production in the README (PORTAL_CONFIG=production)." >&2 ;; esac

# gunicorn with deploy/gunicorn.conf.py (2 x cores + 1 sync workers; GUNICORN_WORKERS=N to
# change), on the embedded default unless the environment says otherwise.
run: translations
	@$(DEMO_WARNING)
	$(FLASK) db upgrade
	$(FLASK) seed demo
	GUNICORN_BIND=$(HOST):$(PORT) $(BIN)/gunicorn -c deploy/gunicorn.conf.py

# One process that reloads on every code change and shows tracebacks in the browser.
dev: translations
	@$(DEMO_WARNING)
	$(FLASK) db upgrade
	$(FLASK) seed demo
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

test: translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (check and format); the package map's import contracts (pyproject.toml [tool.importlinter]); mypy.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

worker: translations
	$(FLASK) jobs worker

clean:
	rm -rf $(VENV) instance/portal.db* .pytest_cache

# The demo's video guides, filmed from the portal by the recorder (issue 14): every seeded
# category, Indonesian, phone screen, small files; written to portal/data/tutorials/recorded/.
# Needs Chromium, ffmpeg and espeak-ng; takes a few minutes per category. DEMO_GUIDES picks some.
DEMO_GUIDES ?= --all
demo-guides: translations
	rm -rf instance/demo-guides && mkdir -p instance/demo-guides
	PORTAL_INSTANCE_DIR=$(CURDIR)/instance/demo-guides UPLOAD_ROOT=$(CURDIR)/instance/demo-guides/uploads $(FLASK) db upgrade
	PORTAL_INSTANCE_DIR=$(CURDIR)/instance/demo-guides UPLOAD_ROOT=$(CURDIR)/instance/demo-guides/uploads $(FLASK) seed demo >/dev/null
	PORTAL_INSTANCE_DIR=$(CURDIR)/instance/demo-guides UPLOAD_ROOT=$(CURDIR)/instance/demo-guides/uploads $(FLASK) tutorials record $(DEMO_GUIDES) \
		--no-publish --demo-quality --export portal/data/tutorials/recorded
	rm -rf instance/demo-guides
