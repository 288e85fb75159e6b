#!/usr/bin/env bash
# Runs a command with a private PostgreSQL server on loopback, for the job-store tests:
#
#   bash Scripts/with-postgres.sh swift test ...
#
# Installs Debian's `postgresql` when initdb/pg_ctl are missing, creates a data directory under a
# temporary directory, starts the server on a free loopback port (password authentication), creates
# the database `haul_test`, exports HAUL_TEST_POSTGRES_URL=postgres://haul:PASSWORD@127.0.0.1:PORT/haul_test,
# runs the command, and stops the server and removes the directory on exit, also on failure.
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` user.
# When HAUL_TEST_POSTGRES_URL is already set, the command runs against that server instead.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 64
fi
if [ -n "${HAUL_TEST_POSTGRES_URL:-}" ]; then
    exec "$@"
fi

find_bin() {
    local dir
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v pg_ctl)"
        return 0
    fi
    # Debian keeps the server binaries out of the PATH, one directory per major version.
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r); do
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

if ! bin=$(find_bin); then
    echo "with-postgres: installing PostgreSQL (Debian package postgresql)" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    # The package also sets up a cluster of its own; this script does not use it.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
    bin=$(find_bin) || { echo "with-postgres: no initdb/pg_ctl after installing postgresql" >&2; exit 1; }
fi

# As root, run the server as `postgres` (created by the package; created here if missing).
as_server=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    fi
    as_server=(runuser -u postgres --)
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/haul-pg.XXXXXX")
chmod 700 "$dir"
password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$password" > "$dir/pwfile"
[ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"

started=0
cleanup() {
    local status=$?
    if [ "$started" -eq 1 ]; then
        "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

"${as_server[@]}" "$bin/initdb" -D "$dir/data" -U haul --auth=scram-sha-256 --pwfile="$dir/pwfile" \
    --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
started=1
if ! "${as_server[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=200" start >/dev/null; then
    cat "$dir/server.log" >&2
    exit 1
fi

psql="$bin/psql"
[ -x "$psql" ] || psql=psql
PGPASSWORD="$password" "$psql" -q -h 127.0.0.1 -p "$port" -U haul -d postgres -c "CREATE DATABASE haul_test" >/dev/null

export HAUL_TEST_POSTGRES_URL="postgres://haul:$password@127.0.0.1:$port/haul_test"
echo "with-postgres: PostgreSQL $("$bin/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
set +e
"$@"
status=$?
set -e
exit "$status"
