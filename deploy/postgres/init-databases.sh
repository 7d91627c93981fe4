#!/bin/sh
# Run once by the postgres image on an empty data folder
# (/docker-entrypoint-initdb.d/), as its superuser: a role and a database for
# the hotline ("aliada") and for Rasa's tracker store ("rasa"), neither a
# superuser, neither able to connect to the other's database. The hotline,
# which faces the Internet, holds no key to the server itself; Rasa (whose
# environment Rasa 3.6 holds on old packages) none to the hotline's data. The
# hotline's purge connects as "rasa" too: it deletes what Rasa kept of a
# forgotten conversation.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    --set=hotline_password="$HOTLINE_DB_PASSWORD" \
    --set=rasa_password="$RASA_DB_PASSWORD" <<'SQL'
CREATE ROLE aliada LOGIN PASSWORD :'hotline_password';
CREATE DATABASE aliada OWNER aliada;
REVOKE ALL ON DATABASE aliada FROM PUBLIC;
CREATE ROLE rasa LOGIN PASSWORD :'rasa_password';
CREATE DATABASE rasa OWNER rasa;
REVOKE ALL ON DATABASE rasa FROM PUBLIC;
SQL
