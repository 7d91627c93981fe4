# Aliada: `make run` starts the line, `make test` checks it. Both build what they
# need on a fresh clone: the Python 3.10 bot environment, the compiled catalogs
# and the trained model (retrained only when its inputs change).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# Rasa 3.6 needs Python 3.10: take it from PATH, else from pyenv.
PYTHON310 ?= $(shell for c in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$c"; break; }; done)

BOT_VENV := .venv/bot
BOT := $(BOT_VENV)/bin
MODEL := models/aliada.tar.gz

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export ACTION_SERVER_URL ?= http://127.0.0.1:5055/webhook
export TRACKER_STORE_URL ?= sqlite:///$(CURDIR)/.rasa/trackers.db
RASA_ENDPOINTS ?= bot/endpoints.yml

PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
TRAINING_INPUTS := config.yml bot/normalize.py $(shell find bot/data bot/domain bot/emergency_keywords bot/components -type f -not -name "*.pyc" 2>/dev/null)

.PHONY: help run test eval translations catalogs model lint format clean

help:
	@echo "make run           start Rasa (5005) and the action server (5055)"
	@echo "make test          lint, validate data, unit + story + integration tests"
	@echo "make eval          held-out NLU report per language (writes reports/)"
	@echo "make translations  extract texts, update every catalog, compile"
	@echo "make format        format the code with ruff"

$(BOT_VENV)/.installed: pyproject.toml bot/requirements.lock
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 is needed for Rasa 3.6 and none was found (looked on PATH and under ~/.pyenv/versions/3.10*)."; \
		echo "Install it (e.g. 'pyenv install 3.10') or run: make PYTHON310=/path/to/python3.10 ..."; exit 1; fi
	@echo "Creating the bot environment with $(PYTHON310)"
	$(PYTHON310) -m venv $(BOT_VENV)
	$(BOT)/pip install --quiet --upgrade pip
	$(BOT)/pip install --quiet -c bot/requirements.lock -e ".[bot,dev]"
	@touch $@

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(BOT_VENV)/.installed
	@$(BOT)/pybabel compile --statistics -i $< -o $@ -l $*

catalogs: $(MO_FILES)

$(MODEL): $(TRAINING_INPUTS) $(BOT_VENV)/.installed
	$(BOT)/python -m bot.train --out $(MODEL)

model: $(MODEL)

run: $(BOT_VENV)/.installed catalogs $(MODEL)
	@mkdir -p .rasa
	@RASA_ENDPOINTS=$(RASA_ENDPOINTS) $(BOT)/python -m bot.run_stack --model $(MODEL)

lint: $(BOT_VENV)/.installed
	$(BOT)/ruff check .
	$(BOT)/ruff format --check .

format: $(BOT_VENV)/.installed
	$(BOT)/ruff format .
	$(BOT)/ruff check --fix .

test: lint catalogs $(MODEL)
	$(BOT)/rasa data validate --domain bot/domain --data bot/data --config config.yml --quiet
	$(BOT)/rasa test core --model $(MODEL) --stories tests/stories --endpoints $(RASA_ENDPOINTS) --fail-on-prediction-errors --e2e --out .rasa/results --no-plot
	$(BOT)/python -m pytest

eval: $(BOT_VENV)/.installed catalogs $(MODEL)
	$(BOT)/python -m bot.evaluate --model $(MODEL) --report reports/eval.json

translations: $(BOT_VENV)/.installed
	$(BOT)/pybabel extract -F babel.cfg --no-wrap --no-location --sort-by-file -k pgettext:1c,2 \
		--ignore-dirs "models tests locales .* __pycache__" \
		--project Aliada --copyright-holder "Aliada contributors" -o locales/messages.pot .
	$(BOT)/pybabel update --no-wrap -i locales/messages.pot -d locales -D messages
	$(MAKE) catalogs

clean:
	rm -rf models .rasa reports $(MO_FILES)
