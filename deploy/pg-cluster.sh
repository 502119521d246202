#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests and benchmarks, in a directory of its
# own: it listens on a Unix socket in that directory only (no TCP port), trusts
# local connections, and skips fsync, since nothing in it outlives the run.
#
#   deploy/pg-cluster.sh start DIR   initdb into DIR if new, start, print its location
#   deploy/pg-cluster.sh stop DIR    stop it (a stopped or missing cluster is fine)
#   deploy/pg-cluster.sh remove DIR  stop it and delete DIR
#
# The location printed is a libpq URI for the superuser "dspt" on database
# "postgres": postgresql:///postgres?host=DIR&user=dspt. PostgreSQL refuses to run
# as root, so as root the cluster runs as the unprivileged user "nobody".
set -euo pipefail

usage() { echo "usage: $0 start|stop|remove DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
action=$1
dir=$2
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "pg-cluster: PostgreSQL is not installed (deploy/install-deps.sh installs it)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

case "$action" in
  start)
    mkdir -p "$dir"
    chmod 0755 "$dir"
    [ "$(id -u)" -eq 0 ] && chown nobody "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U dspt --auth=trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
      cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$dir'
unix_socket_permissions = 0777
max_connections = 400
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 256MB
max_wal_size = 2GB
CONF
    fi
    stop
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
      || { tail -20 "$dir/server.log" >&2; exit 1; }
    echo "postgresql:///postgres?host=$dir&user=dspt"
    ;;
  stop) stop ;;
  remove) stop; rm -rf "$dir" ;;
  *) usage ;;
esac
