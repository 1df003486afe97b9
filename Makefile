# Deux commandes suffisent : `make run` (démonstration) et `make test` (toute la suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOTE ?= 127.0.0.1:8000

.PHONY: install install-test chromium libreoffice run migrate demo test test-navigateur worker beat assets format

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installe: requirements.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.installe-test: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(VENV)/.installe

install: $(VENV)/.installe

install-test: $(VENV)/.installe-test

# Chromium de Debian pour les tests navigateur (Playwright ne peut pas télécharger le sien).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium manque : installez le paquet Debian « chromium » (sudo apt-get install chromium)."; \
	    exit 1; \
	  fi; \
	fi

# LibreOffice sans interface, pour le test qui convertit le classeur du rapport (il est sauté,
# en le disant, quand soffice manque et qu'on ne peut pas l'installer).
libreoffice:
	@if ! command -v soffice >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui; \
	  else \
	    echo "LibreOffice manque : le test de conversion du classeur sera sauté (sudo apt-get install libreoffice-calc-nogui)."; \
	  fi; \
	fi

migrate: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput

demo: migrate
	DEBUG=1 $(BIN)/python manage.py seed_demo

run: demo
	@echo "Le produit répond sur http://$(HOTE)/ (Ctrl+C pour arrêter)."
	DEBUG=1 $(BIN)/python manage.py runserver $(HOTE)

# Toute la suite, répartie sur les cœurs de la machine (pytest.ini : -n auto). Le code 5 de pytest
# (aucun test à lancer) n'est pas un échec.
test: install-test chromium libreoffice
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/djlint templates --lint
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest || [ $$? -eq 5 ]

test-navigateur: install-test chromium
	$(BIN)/pytest -m navigateur

worker: install
	DEBUG=1 $(BIN)/celery -A logisens_suivi worker -l info

beat: install
	DEBUG=1 $(BIN)/celery -A logisens_suivi beat -l info

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Met à jour les ressources front copiées dans static/vendor depuis le registre npm.
assets:
	rm -rf node_modules && npm install --no-audit --no-fund
	cp node_modules/bootstrap/dist/css/bootstrap.min.css* static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js* static/vendor/bootstrap/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css static/vendor/bootstrap-icons/
	cp -r node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	mkdir -p static/vendor/tom-select
	cp node_modules/tom-select/dist/js/tom-select.popular.min.js* static/vendor/tom-select/
	cp node_modules/tom-select/dist/css/tom-select.bootstrap5.min.css* static/vendor/tom-select/
	cp node_modules/tom-select/LICENSE static/vendor/tom-select/
	cp node_modules/axe-core/axe.min.js tests/navigateur/vendor/
	cp node_modules/axe-core/LICENSE tests/navigateur/vendor/axe-core-LICENSE
