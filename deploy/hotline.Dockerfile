# syntax=docker/dockerfile:1
# The hotline: gunicorn serving hotline.wsgi:app; the same image runs the
# migrations (flask --app hotline upgrade-db) and the retention purge
# (python -m hotline.purge_schedule, or flask --app hotline purge from a timer).
#
#   docker build -f deploy/hotline.Dockerfile -t aliada/hotline .   (from the repository root)
#
# Built by the Makefile's own targets from the same hashed locks CI installs:
# the catalogs and the danger classifier in the bot environment (make catalogs
# models/danger.json), the hotline's environment with make .venv/hotline/.installed.
# Base images: exact versions, the ones CI runs; pin the digests where you
# build (python:3.11.7-slim-bookworm@sha256:...): none could be looked up here.
ARG PYTHON310_IMAGE=python:3.10.13-slim-bookworm
ARG PYTHON3_IMAGE=python:3.11.7-slim-bookworm

# The same first stage as bot.Dockerfile and actions.Dockerfile.
FROM ${PYTHON310_IMAGE} AS bot-env
# make only: every package of the lock installs from a wheel (no compiler).
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY Makefile pyproject.toml ./
COPY bot/requirements.lock bot/requirements.lock
COPY tools/pip.lock tools/pip.lock
RUN make .venv/bot/.installed

# What the hotline reads that the bot environment makes: compiled catalogs and
# the danger classifier's weights (models/danger.json).
FROM bot-env AS bot-build
COPY bot bot
COPY actions actions
COPY locales locales
RUN make catalogs models/danger.json

FROM ${PYTHON3_IMAGE} AS hotline-env
RUN apt-get update \
    && apt-get install -y --no-install-recommends make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY Makefile pyproject.toml ./
COPY hotline/requirements.lock hotline/requirements.lock
COPY tools/pip.lock tools/pip.lock
RUN make .venv/hotline/.installed

FROM ${PYTHON3_IMAGE}
# espeak-ng speaks the voice prompts of the languages Twilio's voices lack
# (ht, qu, gn), rendered on demand into AUDIO_DIR. Bump the pin with Debian's
# point releases (apt-cache policy espeak-ng).
RUN apt-get update \
    && apt-get install -y --no-install-recommends espeak-ng=1.51+dfsg-10+deb12u2 \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 aliada \
    && useradd --system --uid 10001 --gid aliada --create-home --home-dir /home/aliada aliada \
    && install -d -o aliada -g aliada /var/lib/aliada/audio /run/aliada/metrics
WORKDIR /app
ENV PATH=/app/.venv/hotline/bin:$PATH \
    PYTHONPATH=/app \
    AUDIO_DIR=/var/lib/aliada/audio \
    PROMETHEUS_MULTIPROC_DIR=/run/aliada/metrics \
    WEB_CONCURRENCY=4
COPY --from=hotline-env /app/.venv/hotline .venv/hotline
COPY --from=hotline-env /app/pyproject.toml ./
COPY bot bot
COPY actions actions
COPY hotline hotline
COPY --from=bot-build /app/locales locales
COPY --from=bot-build /app/models/danger.json models/danger.json
# Numeric, so Kubernetes can check runAsNonRoot without a runAsUser.
USER 10001:10001
EXPOSE 8000
# Alive, not ready: /readyz also needs Rasa and the database, and a hotline
# whose Rasa is down must keep answering people with its fallback.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=3)"]
# As bot/stack.py starts it (hotline_command): threads, a worker timeout above
# the longest wait a request may have. WEB_CONCURRENCY workers (gunicorn reads
# it). The metrics folder is emptied first: files of workers of an earlier
# start would be added to this one's figures. No control socket: nobody
# manages workers at run time, and it would be made under $HOME, which a
# read-only root (the Helm chart's) does not allow.
CMD ["sh", "-c", "mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && find \"$PROMETHEUS_MULTIPROC_DIR\" -mindepth 1 -delete && exec gunicorn --bind 0.0.0.0:8000 --threads 8 --timeout 30 --graceful-timeout 5 --no-control-socket hotline.wsgi:app"]
