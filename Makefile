# Indgang: `make run` serves the site, `make test` runs the whole suite (browser tests included).
# Both work as root on a fresh Debian machine with no standard input.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run dev test fuzz lint install constraints migrate translations messages chromium oidc-provider bench screenshots clean

run: install translations migrate
	$(BIN)/gunicorn --config app/gunicorn_conf.py "app:create_app()"

dev: install translations migrate
	$(BIN)/flask --app app run --debug

# Two processes (2 cores), each test file whole in one of them: module servers stay per file.
test: install translations chromium oidc-provider lint
	$(BIN)/pytest -n 2 --dist loadfile

# Every form of every role with generated values (tests/fuzz): 420 requests a form, over 10,000
# posts in all; `make test` runs the same tests with 200 requests in all.
fuzz: install translations
	FUZZ_EXAMPLES=10500 $(BIN)/pytest tests/fuzz -s

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

install: $(INSTALLED)

# constraints.txt is the lock: it pins every installed package, while pyproject.toml keeps only
# lower bounds. After changing dependencies in pyproject.toml (or to take upgrades), refresh it
# with `make constraints` and commit it; the next `make` reinstalls from the new pins.
$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

# Re-resolve from pyproject.toml alone in a throw-away venv and write the result to constraints.txt.
constraints:
	set -e; lock=$$(mktemp -d); trap 'rm -rf "$$lock"' EXIT; \
	$(PYTHON) -m venv "$$lock"; \
	"$$lock/bin/pip" install --quiet --upgrade pip; \
	"$$lock/bin/pip" install --quiet -e '.[test]'; \
	"$$lock/bin/pip" freeze --exclude-editable | grep -viE '^(pip|setuptools|wheel|indgang)( |==|@)' > "$$lock/constraints.txt"; \
	mv "$$lock/constraints.txt" constraints.txt

migrate: install
	$(BIN)/flask --app app migrate

translations: install $(COMPILED)

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile --statistics -d translations -l $*

# For developers: refresh the catalogues after changing visible text, then translate.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d translations --no-fuzzy-matching
	rm -f messages.pot

chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# The real OpenID Connect provider the staff sign-in tests run against (tests/oidc: the npm
# package oidc-provider, pinned by its package-lock.json); needs Node.js 20 or later.
OIDC_PROVIDER := tests/oidc/node_modules/.installed
oidc-provider: $(OIDC_PROVIDER)

$(OIDC_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error
	touch $@

bench: install
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/throughput.py

# The README's screenshots (docs/screenshots/*.png), taken from the served app; rerun after changing a page.
screenshots: install translations chromium
	$(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) instance translations/*/LC_MESSAGES/*.mo tests/oidc/node_modules
