# syntax=docker/dockerfile:1
# Rasa's server (python -m bot.rasa_server) with the trained model built in.
#
#   docker build -f deploy/bot.Dockerfile -t aliada/bot .      (from the repository root)
#
# The model is trained here, by the Makefile's own targets from the same hashed
# lock CI installs (make .venv/bot/.installed catalogs models/aliada.tar.gz),
# not mounted: the image's tag then names one code, one set of catalogs and the
# one model trained from them, every replica loads the same model, and a
# rollback is an image tag. Training takes a few minutes of the build.
#
# Base images are pinned to an exact version, the one CI and `make test` run on.
# Pin them by digest as well where you build (python:3.10.13-slim-bookworm@sha256:...):
# no registry could be asked for the digest where these files were written.
ARG PYTHON310_IMAGE=python:3.10.13-slim-bookworm

# The bot environment, exactly as `make` builds it: the first stage of the bot,
# actions and hotline images is the same, so a builder makes it once.
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
COPY config.yml ./
COPY bot bot
COPY actions actions
COPY locales locales
RUN make catalogs models/aliada.tar.gz

FROM ${PYTHON310_IMAGE}
RUN groupadd --system --gid 10001 aliada \
    && useradd --system --uid 10001 --gid aliada --create-home --home-dir /home/aliada aliada
WORKDIR /app
ENV PATH=/app/.venv/bot/bin:$PATH \
    PYTHONPATH=/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2
# The environment sits where it was built (its scripts name /app/.venv/bot).
COPY --from=build /app/.venv/bot .venv/bot
COPY --from=build /app/pyproject.toml /app/config.yml ./
COPY --from=build /app/bot bot
COPY --from=build /app/actions actions
COPY --from=build /app/locales locales
COPY --from=build /app/models/aliada.tar.gz models/aliada.tar.gz
COPY deploy/rasa_ready.py deploy/rasa_ready.py
# Numeric, so Kubernetes can check runAsNonRoot without a runAsUser.
USER 10001:10001
EXPOSE 5005
# Ready only with the model loaded: /status with a token signed with
# RASA_JWT_SECRET (GET / answers even when the model failed to load).
# Loading the model takes 10-20 s (13 s measured, make bench-scale).
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "deploy/rasa_ready.py"]
# Several replicas share PostgreSQL trackers and Redis locks
# (bot/endpoints.production.yml: TRACKER_STORE_URL, ACTION_SERVER_URL,
# REDIS_HOST, REDIS_PORT, REDIS_DB). Every interface of the container, on a
# private network only: the REST channel takes no token. Never publish 5005.
CMD ["python", "-m", "bot.rasa_server", "--model", "models/aliada.tar.gz", \
     "--endpoints", "bot/endpoints.production.yml", \
     "--credentials", "bot/credentials.yml", \
     "--interface", "0.0.0.0", "--port", "5005"]
