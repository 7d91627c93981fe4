# syntax=docker/dockerfile:1
# The action server (rasa_sdk): directory look-ups, the screening form, the
# hand-off signal.
#
#   docker build -f deploy/actions.Dockerfile -t aliada/actions .   (from the repository root)
#
# Built by the Makefile's own targets from the same hashed lock CI installs
# (make .venv/bot/.installed catalogs). Base image: see bot.Dockerfile (exact
# version, the one CI runs; pin the digest where you build).
ARG PYTHON310_IMAGE=python:3.10.13-slim-bookworm

# The same first stage as bot.Dockerfile and hotline.Dockerfile.
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

FROM bot-env AS build
COPY bot bot
COPY actions actions
COPY locales locales
# The actions name texts through the catalogs (bot.catalogs).
RUN make catalogs

FROM ${PYTHON310_IMAGE}
RUN groupadd --system --gid 10001 aliada \
    && useradd --system --uid 10001 --gid aliada --create-home --home-dir /home/aliada aliada
WORKDIR /app
ENV PATH=/app/.venv/bot/bin:$PATH \
    PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false \
    SANIC_HOST=0.0.0.0
COPY --from=build /app/.venv/bot .venv/bot
COPY --from=build /app/pyproject.toml ./
COPY --from=build /app/bot bot
COPY --from=build /app/actions actions
COPY --from=build /app/locales locales
# Numeric, so Kubernetes can check runAsNonRoot without a runAsUser.
USER 10001:10001
EXPOSE 5055
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:5055/health', timeout=3)"]
# SANIC_HOST=0.0.0.0: every interface of the container (rasa_sdk has no option
# for it), on a private network only: the action server takes no token. Only
# Rasa calls it. Never publish 5055.
CMD ["rasa", "run", "actions", "--actions", "actions", "--port", "5055"]
