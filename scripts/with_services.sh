#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster and redis-server, each on a free loopback port
# in a temp dir, and always tears them down. Exports DATABASE_URL and REDIS_URL for the command.
# Where a server cannot be found it says so in one line and leaves the variable unset (the tests that
# need it skip).
set -uo pipefail

tmp=$(mktemp -d /tmp/zlj-services.XXXXXX)
chmod 755 "$tmp"
pg_bin=""
pg_data="$tmp/pg"
redis_pid=""
run_as=()

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

cleanup() {
    if [ -n "$pg_bin" ] && [ -f "$pg_data/postmaster.pid" ]; then
        "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
    fi
    if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

if command -v initdb >/dev/null 2>&1; then
    pg_bin=$(dirname "$(readlink -f "$(command -v initdb)")")
else
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -x "$pg_bin/initdb" ] || pg_bin=""
fi

if [ -n "$pg_bin" ]; then
    if [ "$(id -u)" = "0" ]; then
        # initdb refuses to run as root: run the cluster as the postgres user (or nobody).
        if id postgres >/dev/null 2>&1; then user=postgres; else user=nobody; fi
        run_as=(runuser -u "$user" --)
        mkdir -p "$pg_data" && chown "$user" "$pg_data"
    else
        run_as=(env)
        mkdir -p "$pg_data"
    fi
    pg_port=$(free_port)
    if "${run_as[@]}" "$pg_bin/initdb" -D "$pg_data" -U zlj --auth=trust -E UTF8 --locale=C.UTF-8 >"$tmp/initdb.log" 2>&1 \
        && "${run_as[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
            -o "-h 127.0.0.1 -p $pg_port -k $pg_data -F -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null; then
        export DATABASE_URL="postgres://zlj@127.0.0.1:$pg_port/zlj"
        "${run_as[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U zlj zlj
        echo "services: PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
    else
        echo "services: PostgreSQL could not start (see below); tests that need it will skip"; cat "$tmp/initdb.log"
        pg_bin=""
    fi
else
    echo "services: no PostgreSQL server binaries (initdb) found; tests that need PostgreSQL will skip"
fi

if command -v redis-server >/dev/null 2>&1; then
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" --daemonize no >"$tmp/redis.log" 2>&1 &
    redis_pid=$!
    for _ in $(seq 1 50); do
        if python3 - "$redis_port" <<'PY' 2>/dev/null; then break; fi
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=0.2); s.sendall(b"PING\r\n"); assert s.recv(16).startswith(b"+PONG")
PY
        sleep 0.1
    done
    export REDIS_URL="redis://127.0.0.1:$redis_port/0"
    echo "services: redis-server on 127.0.0.1:$redis_port"
else
    echo "services: no redis-server found; tests that need Redis will skip"
fi

"$@"
