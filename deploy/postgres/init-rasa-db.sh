#!/bin/sh
# Run once by the postgres image on an empty data folder
# (/docker-entrypoint-initdb.d/): Rasa's tracker store in a database and role
# of its own, so Rasa (whose environment Rasa 3.6 holds on old packages) holds
# no key to the hotline's database. The hotline's purge connects as this role
# too: it deletes what Rasa kept of a forgotten conversation.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set=password="$RASA_DB_PASSWORD" --set=hotline_db="$POSTGRES_DB" <<'SQL'
CREATE ROLE rasa LOGIN PASSWORD :'password';
CREATE DATABASE rasa OWNER rasa;
REVOKE ALL ON DATABASE rasa FROM PUBLIC;
REVOKE ALL ON DATABASE :"hotline_db" FROM PUBLIC;
SQL
