#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a private Unix socket (no TCP port).
#
#   .ci/postgres.sh start DIR    start a cluster whose state lives under DIR; prints its URL
#   .ci/postgres.sh stop DIR     stop it and delete its data
#   .ci/postgres.sh run CMD...   start one, run CMD with CODEBOOK_TEST_PG set, stop it
#
# PostgreSQL is installed from the Debian package if it is missing (as root or with sudo).
# When it cannot be installed, `start` exits 3 with the reason on stderr, and `run` runs CMD
# with CODEBOOK_TEST_PG_UNAVAILABLE set to that reason, so the PostgreSQL tests skip saying why.
# The server never runs as root: as root, the cluster belongs to the `postgres` user.
set -euo pipefail

find_bin() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/pg_ctl" ] && [ -x "$dir/initdb" ]; then echo "$dir"; return 0; fi
    done
    if command -v pg_ctl >/dev/null && command -v initdb >/dev/null; then
        dirname "$(command -v pg_ctl)"; return 0
    fi
    return 1
}

install_postgres() {
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
            echo "PostgreSQL is not installed and cannot be installed (not root, no sudo)" >&2
            return 1
        fi
    fi
    if ! command -v apt-get >/dev/null; then
        echo "PostgreSQL is not installed and apt-get is not available" >&2
        return 1
    fi
    echo "installing PostgreSQL (Debian package postgresql)..." >&2
    if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 ||
           { $sudo apt-get update -q >&2 &&
             $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2; }; }
    then
        echo "PostgreSQL is not installed and 'apt-get install postgresql' failed" >&2
        return 1
    fi
}

as_owner() {  # run a command as the cluster owner
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
    local state="$1" bin base
    mkdir -p "$state"
    bin=$(find_bin) || { install_postgres || exit 3; bin=$(find_bin) || {
        echo "PostgreSQL was installed but pg_ctl/initdb were not found" >&2; exit 3; }; }
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "running as root and there is no 'postgres' user to own the cluster" >&2
        exit 3
    fi
    # The data folder must be reachable by its owner, so it is not inside DIR (often 0700 root).
    base=$(mktemp -d /tmp/codebook-pg.XXXXXX)
    chmod 755 "$base"
    [ "$(id -u)" = 0 ] && chown postgres "$base"
    echo "$base" > "$state/base"
    echo "$bin" > "$state/bin"
    as_owner "$bin/initdb" -D "$base/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-sync >"$state/initdb.log" 2>&1 || {
        cat "$state/initdb.log" >&2; echo "initdb failed" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$base/data" -l "$base/server.log" -w -t 60 \
        -o "-k $base -c listen_addresses='' -p 5432 -c fsync=off -c full_page_writes=off" \
        start >&2 || { cat "$base/server.log" >&2; exit 1; }
    echo "postgresql+psycopg://postgres@/postgres?host=$base&port=5432"
}

stop() {
    local state="$1"
    [ -f "$state/base" ] || return 0
    local base bin
    base=$(cat "$state/base"); bin=$(cat "$state/bin")
    as_owner "$bin/pg_ctl" -D "$base/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$base" "$state/base" "$state/bin"
}

case "${1:-}" in
    start) start "$2" ;;
    stop) stop "$2" ;;
    run)
        shift
        state=$(mktemp -d)
        trap 'stop "$state"; rm -rf "$state"' EXIT
        set +e
        url=$(start "$state" 2>"$state/start.err"); code=$?
        set -e
        if [ $code = 0 ]; then
            export CODEBOOK_TEST_PG="$url"
            echo "PostgreSQL test cluster: $url" >&2
        elif [ $code = 3 ]; then
            export CODEBOOK_TEST_PG_UNAVAILABLE="$(tail -n 1 "$state/start.err")"
            echo "PostgreSQL tests will be skipped: $CODEBOOK_TEST_PG_UNAVAILABLE" >&2
        else
            cat "$state/start.err" >&2; exit $code
        fi
        "$@"
        ;;
    *) echo "usage: $0 start DIR | stop DIR | run CMD..." >&2; exit 2 ;;
esac
