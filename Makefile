# Aliada: `make run` starts the line, `make test` checks it. Both build what they
# need on a fresh clone: the Python 3.10 bot environment, the compiled catalogs
# and the trained model (retrained only when its inputs change).

SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# Rasa 3.6 needs Python 3.10: take it from PATH, else from pyenv.
PYTHON310 ?= $(shell for c in python3.10 $$HOME/.pyenv/versions/3.10*/bin/python3.10 /usr/local/bin/python3.10 /usr/bin/python3.10; do \
	"$$c" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1 && { echo "$$c"; break; }; done)

# The hotline runs on the machine's newer Python (3.11 or later).
PYTHON3 ?= $(shell for c in python3 python3.13 python3.12 python3.11; do \
	"$$c" -c 'import sys; assert sys.version_info[:2] >= (3, 11)' >/dev/null 2>&1 && { command -v "$$c"; break; }; done)

BOT_VENV := .venv/bot
BOT := $(BOT_VENV)/bin
HOTLINE_VENV := .venv/hotline
HOTLINE := $(HOTLINE_VENV)/bin
MODEL := models/aliada.tar.gz
DANGER_MODEL := models/danger.json
TOOLS_VENV := .venv/tools
TOOLS := $(TOOLS_VENV)/bin
PIP_LOCK := tools/pip.lock
# The extras each environment installs; make lock compiles the same ones.
BOT_EXTRAS := bot,dev
HOTLINE_EXTRAS := hotline,dev,browser
comma := ,

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export ACTION_SERVER_URL ?= http://127.0.0.1:5055/webhook
export TRACKER_STORE_URL ?= sqlite:///$(CURDIR)/.rasa/trackers.db
RASA_ENDPOINTS ?= bot/endpoints.yml

PO_FILES := $(wildcard locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
DANGER_INPUTS := bot/normalize.py bot/danger.py bot/danger_training.py $(shell find bot/data/nlu bot/danger_data bot/emergency_keywords -type f 2>/dev/null)
TRAINING_INPUTS := config.yml bot/languages.yml $(DANGER_MODEL) $(shell find bot/data bot/domain bot/components -type f -not -name "*.pyc" 2>/dev/null)

.PHONY: help run test test-bot test-hotline bench bench-scale profile-turn measure-console measure-widget measure-figures measure-purge audio eval translations catalogs model lint format clean directory-report lock audit new-language

help:
	@echo "make run           start the hotline (8000), Rasa (5005) and the action server (5055)"
	@echo "make bench         latency of Rasa direct vs. through the hotline (stack must be up)"
	@echo "make bench-scale   throughput, p50/p95, memory and cold start with 1 and 2 Rasa replicas behind nginx"
	@echo "make profile-turn  one Rasa turn: p50/p95, turns/s, cost vs. length, where the time goes"
	@echo "make measure-console  hand-off-to-console time and queue page time"
	@echo "make measure-figures  the figures dashboard's load time with a year of figures (PostgreSQL)"
	@echo "make measure-widget   widget size, load-to-ready and send-to-answer times"
	@echo "make measure-purge    time to purge 100,000 messages on PostgreSQL"
	@echo "make audio         render voice prompts for ht qu gn with espeak-ng"
	@echo "make test          lint, validate data, unit + story + integration tests"
	@echo "make eval          held-out NLU report per language (writes reports/)"
	@echo "make translations  extract texts, update every catalog, compile"
	@echo "make directory-report  which numbers are confirmed, which are stale, per country"
	@echo "make format        format the code with ruff"
	@echo "make lock          regenerate the hashed lock files after a dependency change"
	@echo "make audit         known vulnerabilities in every lock (pip-audit)"

# Each environment is made afresh from its lock alone, every file's hash checked:
# first pip, setuptools and wheel (tools/pip.lock); then the lock, whose few
# source-only packages build with those, never with an isolated setuptools that
# pip would fetch unhashed; last this project, offline, which fails when
# pyproject.toml asks for something the lock lacks.
define install_locked
	$(1)/python -m pip install --quiet --require-hashes --no-deps -r $(PIP_LOCK)
	$(1)/python -m pip install --quiet --require-hashes --no-deps --no-build-isolation -r $(2)
	$(1)/python -m pip install --quiet --no-index --no-build-isolation -e ".[$(3)]" \
		|| { echo "If a requirement was not found: $(2) lacks what pyproject.toml asks for; run 'make lock'."; exit 1; }
	$(1)/python -m pip check
endef

define need_python310
	@if [ -z "$(PYTHON310)" ]; then \
		echo "Python 3.10 is needed for Rasa 3.6 and none was found (looked on PATH and under ~/.pyenv/versions/3.10*)."; \
		echo "Install it (e.g. 'pyenv install 3.10') or run: make PYTHON310=/path/to/python3.10 ..."; exit 1; fi
endef

define need_python3
	@if [ -z "$(PYTHON3)" ]; then \
		echo "The hotline needs Python 3.11 or later and none was found on PATH."; \
		echo "Install it or run: make PYTHON3=/path/to/python3.11 ..."; exit 1; fi
endef

$(BOT_VENV)/.installed: pyproject.toml bot/requirements.lock $(PIP_LOCK)
	$(need_python310)
	@echo "Creating the bot environment with $(PYTHON310)"
	$(PYTHON310) -m venv --clear $(BOT_VENV)
	$(call install_locked,$(BOT),bot/requirements.lock,$(BOT_EXTRAS))
	@touch $@

$(HOTLINE_VENV)/.installed: pyproject.toml hotline/requirements.lock $(PIP_LOCK)
	$(need_python3)
	@echo "Creating the hotline environment with $(PYTHON3)"
	$(PYTHON3) -m venv --clear $(HOTLINE_VENV)
	$(call install_locked,$(HOTLINE),hotline/requirements.lock,$(HOTLINE_EXTRAS))
	@touch $@

# uv (make lock) and pip-audit (make audit), apart from the line's environments.
$(TOOLS_VENV)/.installed: tools/tools.lock $(PIP_LOCK)
	$(need_python3)
	$(PYTHON3) -m venv --clear $(TOOLS_VENV)
	$(TOOLS)/python -m pip install --quiet --require-hashes --no-deps -r $(PIP_LOCK)
	$(TOOLS)/python -m pip install --quiet --require-hashes --no-deps -r tools/tools.lock
	$(TOOLS)/python -m pip check
	@touch $@

# Every lock again from pyproject.toml's extras and tools/*.in, with every file's
# hash. A pinned version stays unless a requirement moved it (uv prefers what the
# old lock says); UPGRADE="--upgrade-package NAME" moves one on purpose. The bot's
# lock is for Python 3.10 on Linux, the hotline's for Python 3.11 and later.
UV_COMPILE = UV_PYTHON_DOWNLOADS=never $(TOOLS)/uv pip compile --quiet --generate-hashes \
	--custom-compile-command "make lock" $(UPGRADE)

lock: $(TOOLS_VENV)/.installed
	$(need_python310)
	$(UV_COMPILE) --universal --python-version 3.10 tools/pip.in -o $(PIP_LOCK)
	$(UV_COMPILE) --universal --python-version 3.11 tools/tools.in -o tools/tools.lock
	$(UV_COMPILE) --python $(PYTHON310) --python-platform linux pyproject.toml $(addprefix --extra ,$(subst $(comma), ,$(BOT_EXTRAS))) -o bot/requirements.lock
	$(UV_COMPILE) --universal --python-version 3.11 pyproject.toml tools/build.in $(addprefix --extra ,$(subst $(comma), ,$(HOTLINE_EXTRAS))) -o hotline/requirements.lock

# pip-audit on every lock; fails on a known vulnerability that
# tools/audit-ignore.txt does not explain, and when no database answers.
audit: $(TOOLS_VENV)/.installed
	tools/audit.sh

locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(BOT_VENV)/.installed
	@$(BOT)/pybabel compile --statistics -i $< -o $@ -l $*

catalogs: $(MO_FILES)

# The danger classifier first: Rasa's training compiles it into the model, and
# the hotline reads it from here.
$(DANGER_MODEL): $(DANGER_INPUTS) $(BOT_VENV)/.installed
	$(BOT)/python -m bot.danger_training --out $(DANGER_MODEL)

$(MODEL): $(TRAINING_INPUTS) $(BOT_VENV)/.installed
	$(BOT)/python -m bot.train --out $(MODEL)

model: $(MODEL)

run: $(BOT_VENV)/.installed $(HOTLINE_VENV)/.installed catalogs $(MODEL)
	@mkdir -p .rasa .hotline
	@rm -rf .hotline/metrics && mkdir -p .hotline/metrics
	@PROMETHEUS_MULTIPROC_DIR=$(CURDIR)/.hotline/metrics RASA_ENDPOINTS=$(RASA_ENDPOINTS) \
		$(BOT)/python -m bot.run_stack --model $(MODEL) --hotline-bin $(HOTLINE)

lint: $(BOT_VENV)/.installed
	$(BOT)/ruff check .
	$(BOT)/ruff format --check .

format: $(BOT_VENV)/.installed
	$(BOT)/ruff format .
	$(BOT)/ruff check --fix .

test: lint catalogs $(MODEL) $(HOTLINE_VENV)/.installed test-bot test-hotline

# The bot's tests run in the bot environment, the hotline's in its own.
test-bot: $(BOT_VENV)/.installed catalogs $(MODEL)
	$(BOT)/rasa data validate --domain bot/domain --data bot/data --config config.yml --quiet
	$(BOT)/rasa test core --model $(MODEL) --stories tests/stories --endpoints $(RASA_ENDPOINTS) --fail-on-prediction-errors --e2e --out .rasa/results --no-plot
	$(BOT)/python -m pytest --ignore=tests/hotline

test-hotline: $(BOT_VENV)/.installed $(HOTLINE_VENV)/.installed catalogs $(MODEL)
	$(HOTLINE)/python -m pytest tests/hotline --confcutdir=tests/hotline -p no:asyncio

bench: $(HOTLINE_VENV)/.installed catalogs
	$(HOTLINE)/python -m tools.bench

# Starts its own line (nginx, PostgreSQL, Redis needed); about 10 minutes.
bench-scale: $(BOT_VENV)/.installed $(HOTLINE_VENV)/.installed catalogs $(MODEL)
	$(HOTLINE)/python -m tools.bench_scale

# Starts its own Rasa and action server on free ports (BASELINE=dir: another
# checkout measured side by side).
profile-turn: $(BOT_VENV)/.installed catalogs $(MODEL)
	$(BOT)/python -m tools.profile_turn $(if $(BASELINE),--baseline $(BASELINE))

measure-console: $(HOTLINE_VENV)/.installed catalogs
	$(HOTLINE)/python -m tools.measure_console

measure-figures: $(HOTLINE_VENV)/.installed catalogs
	$(HOTLINE)/python -m tools.measure_figures

measure-widget: $(HOTLINE_VENV)/.installed catalogs $(MODEL)
	$(HOTLINE)/python -m tools.measure_widget

# Needs a PostgreSQL server (--server; default the tests' 127.0.0.1:5432).
measure-purge: $(HOTLINE_VENV)/.installed
	$(HOTLINE)/python -m tools.measure_purge

audio: $(HOTLINE_VENV)/.installed catalogs
	$(HOTLINE)/python -m hotline.voice.audio render

eval: $(BOT_VENV)/.installed catalogs $(MODEL)
	$(BOT)/python -m bot.evaluate --model $(MODEL) --report reports/eval.json --compare --cross-validation

# A new language: every piece it needs, empty or as a skeleton (README,
# "Adding a language"); tests/test_languages_complete.py names what is left.
new-language: $(HOTLINE_VENV)/.installed
	@test -n "$(CODE)" -a -n "$(NAME)" || { echo 'usage: make new-language CODE=xx FALLBACK=es NAME="Name" [AUTONYM="Its own name"]'; exit 2; }
	$(HOTLINE)/python -m bot.new_language --code "$(CODE)" --fallback "$(or $(FALLBACK),es)" --name "$(NAME)" $(if $(AUTONYM),--autonym "$(AUTONYM)")

directory-report: $(BOT_VENV)/.installed
	$(BOT)/python -m actions.directory.report

# Extracted with the hotline's environment: the console's templates need Jinja.
translations: $(BOT_VENV)/.installed $(HOTLINE_VENV)/.installed
	$(HOTLINE)/pybabel extract -F babel.cfg --no-wrap --no-location --sort-by-file -k pgettext:1c,2 -k Text:1c,2 \
		--ignore-dirs "models tests locales .* __pycache__" \
		--project Aliada --copyright-holder "Aliada contributors" -o locales/messages.pot .
	$(HOTLINE)/pybabel update --no-wrap -i locales/messages.pot -d locales -D messages
	$(MAKE) catalogs

clean:
	rm -rf models .rasa .hotline reports $(MO_FILES)
