# Sourced by .ci/run (and usable by hand): installs PostgreSQL if needed, starts a throw-away cluster on a
# loopback port and exports TITANS4J_PG_URL for the JDBC store tests. stop_postgres shuts it down.
PG_PORT="${PG_PORT:-54329}"
if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "CI: installing PostgreSQL"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PG_DATA="$(mktemp -d /tmp/titans4j-pg.XXXXXX)"
chown postgres:postgres "$PG_DATA"
su postgres -s /bin/sh -c "'$PG_BIN/initdb' -D '$PG_DATA' -A trust -U postgres >/dev/null"
su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DATA' -l '$PG_DATA/server.log' -w \
    -o \"-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1\" start >/dev/null"
export TITANS4J_PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/postgres?user=postgres"
echo "CI: PostgreSQL running at $TITANS4J_PG_URL"

stop_postgres() {
    su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DATA' -m fast -w stop >/dev/null" || true
    rm -rf "$PG_DATA"
}
