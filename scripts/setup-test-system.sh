#!/usr/bin/env bash
# Installs and starts what the test suite needs on this machine; `make test` runs it first.
#
# - the Debian packages in tests/system-packages.txt (and the lists it includes);
# - a running PostgreSQL on 127.0.0.1:5432 that lets `postgres` in without a password from
#   loopback, with a database `test`.
#
# Idempotent and quick when everything is there (no apt-get run, no network). Needs root (or
# sudo) only when something is missing; then it says what and why.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'test set-up: %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else say "needs root to run: $*"; exit 1
  fi
}

# --- packages ---------------------------------------------------------------------------
read_list() {  # prints the package names of a list file and of the files it includes
  local file=$1 line
  [ -f "$file" ] || return 0
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%%#*}
    read -r -a words <<<"$line" || true
    [ ${#words[@]} -gt 0 ] || continue
    if [ "${words[0]}" = "@include" ]; then read_list "${words[1]}"
    else printf '%s\n' "${words[@]}"
    fi
  done <"$file"
}

mapfile -t wanted < <(read_list tests/system-packages.txt | sort -u)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)
    [ "${status:0:2}" = "ii" ] || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" >/dev/null
  fi
else
  say "not a Debian system: install these yourself: ${wanted[*]}"
fi

# --- PostgreSQL on 127.0.0.1:5432 -------------------------------------------------------
pg_ok() { psql -h 127.0.0.1 -p 5432 -U postgres -d "${1:-postgres}" -Atqc 'select 1' \
            >/dev/null 2>&1; }

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$version" ]; then say "PostgreSQL is installed but has no cluster"; exit 1; fi
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
if ! pg_ok; then
  # A cluster that Debian just created asks for a password on TCP: the tests connect as
  # `postgres` from loopback only, so trust exactly that.
  hba=$(as_root su postgres -c "psql -Atqc 'show hba_file'")
  say "letting postgres connect from 127.0.0.1 without a password ($hba)"
  as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "$hba"
  as_root su postgres -c "psql -Atqc 'select pg_reload_conf()'" >/dev/null
  pg_ok || { say "cannot connect to PostgreSQL on 127.0.0.1:5432 as postgres"; exit 1; }
fi
pg_ok test || psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE test' >/dev/null
