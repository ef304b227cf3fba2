#!/usr/bin/env bash
# Make a local PostgreSQL 15 with pgvector ready for the Postgres store's tests and print its URL.
#
# Idempotent: a second run does no apt work and no build, only checks (well under 2 s).
# Prints exactly one line on stdout, the URL for the app role, e.g.
#   postgres://slmem:slmem@127.0.0.1:54329/slmem
# Everything else (progress, apt and build output) goes to stderr.
#
# What it does, each step skipped when already done:
#   1. apt-get installs what is missing of PostgreSQL 15 (server, client) and, only when pgvector has
#      to be built, postgresql-server-dev-15, make, gcc and dpkg-dev.
#   2. pgvector: not packaged for bookworm, so it is built from Debian trixie's SOURCE package.
#      A deb-src-only entry for trixie is added (never binary trixie packages), signed by the
#      trixie keys in debian-archive-keyring; apt verifies the Sources index and the downloaded
#      files' checksums as usual. Skipped when vector.control is already installed for PG 15.
#   3. A self-contained cluster in $SLMEM_PG_DIR (owned by the postgres user), listening on
#      127.0.0.1:$SLMEM_PG_PORT only, started with pg_ctl unless it is already running.
#   4. Role slmem (password slmem), databases $SLMEM_PG_DB and slmem_test owned by it, and
#      CREATE EXTENSION vector in both, run as superuser so the app role needs no superuser.
#
# Environment:
#   SLMEM_PG_DIR    cluster root: data/, server.log and the Unix socket   (default /tmp/slmem-pg)
#   SLMEM_PG_PORT   TCP port on 127.0.0.1                                 (default 54329)
#   SLMEM_PG_DB     the app database                                       (default slmem)
#   SLMEM_PG_FSYNC  on|off. off is for throwaway CI machines only: a crash can corrupt the
#                   cluster. Default on. The server's synchronous_commit is off either way, as a
#                   user's server may be: slmem turns it on for its own connections (unless asked
#                   not to), and the crash test checks that no acknowledged write is lost here.
#
# Runs as root (uses runuser for the postgres user) or as the postgres user (then everything that
# needs installing must already be installed, or sudo must work without a password).
set -euo pipefail

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_CONFIG=$PG_BIN/pg_config
VECTOR_CONTROL=/usr/share/postgresql/$PG_MAJOR/extension/vector.control
TRIXIE_SRC_LIST=/etc/apt/sources.list.d/slmem-trixie-src.sources
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

PG_DIR=${SLMEM_PG_DIR:-/tmp/slmem-pg}
PG_PORT=${SLMEM_PG_PORT:-54329}
PG_DB=${SLMEM_PG_DB:-slmem}
PG_TEST_DB=slmem_test
PG_FSYNC=${SLMEM_PG_FSYNC:-on}
APP_ROLE=slmem
APP_PASSWORD=slmem
DATA_DIR=$PG_DIR/data
LOG_FILE=$PG_DIR/server.log

log() { printf 'setup-postgres: %s\n' "$*" >&2; }
die() { trap - EXIT; printf 'setup-postgres: ERROR: %s\n' "$*" >&2; exit 1; }
trap 'rc=$?; [ "$rc" -eq 0 ] || printf "setup-postgres: FAILED (exit %s); last command: %s\n" "$rc" "$BASH_COMMAND" >&2' EXIT

case "$PG_PORT" in '' | *[!0-9]*) die "SLMEM_PG_PORT must be a number, got '$PG_PORT'" ;; esac
case "$PG_FSYNC" in on | off) ;; *) die "SLMEM_PG_FSYNC must be on or off, got '$PG_FSYNC'" ;; esac
case "$PG_DIR" in /*) ;; *) die "SLMEM_PG_DIR must be an absolute path, got '$PG_DIR'" ;; esac
case "$PG_DIR" in *[!A-Za-z0-9/._-]*) die "SLMEM_PG_DIR may only hold [A-Za-z0-9/._-], got '$PG_DIR'" ;; esac
case "$PG_DB" in '' | *[!a-z0-9_]*) die "SLMEM_PG_DB may only hold [a-z0-9_], got '$PG_DB'" ;; esac

ME=$(id -un)

# One run at a time (parallel CI jobs, two terminals): lock this script's own file, read-only, so no
# lock file has to be created anywhere.
exec 9<"${BASH_SOURCE[0]}"
flock -w 900 9 || die "another setup-postgres.sh run holds the lock for over 15 minutes"
cd / # the postgres user may not be allowed into the caller's directory

# Run a command as root: directly, or through passwordless sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    die "needs root to run '$*' (run this script as root, or install it by hand first)"
  fi
}

# Run a command as the postgres user.
as_pg() {
  if [ "$ME" = postgres ]; then
    "$@"
  elif [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n -u postgres true 2>/dev/null; then
    sudo -n -u postgres -- "$@"
  else
    die "must run as root or as the postgres user (running as $ME)"
  fi
}

# ---------------------------------------------------------------------------------------------
# 1. Packages
# ---------------------------------------------------------------------------------------------
APT_UPDATED=0
apt_update_all() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
    APT_UPDATED=1
  fi
}

pkg_installed() {
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

# apt-get install the packages of "$@" that are not installed yet.
ensure_packages() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  # Without package lists (fresh machine) apt knows no candidate: update first. With lists that
  # may be stale (404 on download), retry once after an update.
  local policy
  for p in "${missing[@]}"; do
    policy=$(apt-cache policy "$p" 2>/dev/null || true)
    case "$policy" in *'Candidate: ('* | '') apt_update_all; break ;; esac
  done
  log "apt-get install ${missing[*]}"
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}")
  if ! as_root "${install[@]}" >&2; then
    [ "$APT_UPDATED" -eq 0 ] || die "apt-get install ${missing[*]} failed"
    apt_update_all
    as_root "${install[@]}" >&2 || die "apt-get install ${missing[*]} failed"
  fi
}

if [ ! -x "$PG_BIN/postgres" ] || [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ] ||
  [ ! -x "$PG_BIN/psql" ] || [ ! -x "$PG_BIN/pg_isready" ] || ! command -v runuser >/dev/null 2>&1; then
  ensure_packages postgresql-$PG_MAJOR postgresql-client-$PG_MAJOR util-linux
fi
[ -x "$PG_BIN/postgres" ] || die "$PG_BIN/postgres is missing after installing postgresql-$PG_MAJOR"
getent passwd postgres >/dev/null || die "there is no postgres user (postgresql-common creates it)"

# ---------------------------------------------------------------------------------------------
# 2. pgvector, built from Debian trixie's source package
# ---------------------------------------------------------------------------------------------
build_pgvector() {
  local t0 t1 work dsc srcdir
  t0=$(date +%s)
  ensure_packages postgresql-server-dev-$PG_MAJOR make gcc libc6-dev dpkg-dev debian-archive-keyring
  [ -x "$PG_CONFIG" ] || die "$PG_CONFIG is missing after installing postgresql-server-dev-$PG_MAJOR"
  # debian-archive-keyring (bookworm's own, 2023.3+deb12u1 and later) carries the trixie archive
  # keys; make sure of it rather than weakening any signature check.
  [ -s "$DEBIAN_KEYRING" ] || die "$DEBIAN_KEYRING is missing"
  if ! ls /usr/share/keyrings/debian-archive-trixie-*.gpg >/dev/null 2>&1; then
    log "debian-archive-keyring lacks the trixie keys; upgrading it from bookworm"
    apt_update_all
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --only-upgrade debian-archive-keyring >&2
  fi

  # Source entries only: with Types: deb-src no binary package of trixie can ever be installed.
  local want
  want="# Added by self-learning-memory scripts/setup-postgres.sh: SOURCE packages only, to build pgvector.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: $DEBIAN_KEYRING"
  if [ ! -f "$TRIXIE_SRC_LIST" ] || [ "$(cat "$TRIXIE_SRC_LIST")" != "$want" ]; then
    log "adding $TRIXIE_SRC_LIST (deb-src only)"
    printf '%s\n' "$want" | as_root tee "$TRIXIE_SRC_LIST" >/dev/null
  fi
  # Refresh just that entry (not every list on the machine); signature checks stay on.
  log "apt-get update (trixie deb-src only)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
    -o Dir::Etc::SourceList="$TRIXIE_SRC_LIST" -o Dir::Etc::SourceParts=- \
    -o APT::Get::List-Cleanup=0 >&2 || die "apt-get update of the trixie deb-src entry failed"

  work=$(mktemp -d /tmp/slmem-pgvector.XXXXXX) # left in place on failure, for a look
  # Let apt's sandbox user write the downloads (else apt warns and downloads as root).
  if [ "$(id -u)" -eq 0 ] && getent passwd _apt >/dev/null; then chown _apt "$work"; fi
  log "apt-get source --download-only pgvector (trixie)"
  (cd "$work" && apt-get source -q --download-only pgvector >&2) || die "apt-get source pgvector failed"
  dsc=$(ls "$work"/pgvector_*.dsc 2>/dev/null | head -n1)
  [ -n "$dsc" ] || die "apt-get source gave no pgvector .dsc"
  log "source package: $(basename "$dsc")"
  # dpkg-source unpacks the upstream tarball and applies Debian's patches. The .dsc's own
  # OpenPGP signature can't be checked without debian-keyring (dpkg-source then only warns);
  # every file was already verified by apt against the checksums in trixie's signed Sources.
  (cd "$work" && dpkg-source -x "$dsc" src >&2) || die "dpkg-source -x $(basename "$dsc") failed"
  srcdir=$work/src

  log "building pgvector"
  local b0
  b0=$(date +%s)
  # OPTFLAGS empty: no -march=native, so the files installed match any machine of this kind.
  make -C "$srcdir" -j"$(nproc)" USE_PGXS=1 PG_CONFIG="$PG_CONFIG" OPTFLAGS= >&2 ||
    die "building pgvector failed"
  log "pgvector built in $(($(date +%s) - b0)) s"
  as_root make -C "$srcdir" USE_PGXS=1 PG_CONFIG="$PG_CONFIG" OPTFLAGS= install >&2 ||
    die "installing pgvector failed"
  [ -f "$VECTOR_CONTROL" ] || die "$VECTOR_CONTROL is missing after make install"
  rm -rf "$work"
  t1=$(date +%s)
  log "pgvector $(sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$VECTOR_CONTROL") installed in $((t1 - t0)) s (packages, download, build, install)"
}

if [ -f "$VECTOR_CONTROL" ]; then
  :
else
  build_pgvector
fi

# ---------------------------------------------------------------------------------------------
# 3. The cluster
# ---------------------------------------------------------------------------------------------
# As the postgres user: pg_isready's probe then passes peer authentication instead of logging a
# FATAL line in the server log on every run.
pg_ready() { as_pg "$PG_BIN/pg_isready" -q -h "$PG_DIR" -p "$PG_PORT" -d postgres -U postgres -t 2; }

start_cluster() {
  local pg_uid
  pg_uid=$(id -u postgres)
  if [ ! -d "$PG_DIR" ]; then
    as_root install -d -o postgres -g postgres -m 700 "$PG_DIR"
  fi
  # Under /tmp anyone could have made the directory: only use it if postgres owns it.
  [ "$(stat -c %u "$PG_DIR")" = "$pg_uid" ] || die "$PG_DIR exists but is not owned by the postgres user"

  if [ ! -f "$DATA_DIR/PG_VERSION" ]; then
    log "initdb $DATA_DIR"
    as_pg "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 >&2 || die "initdb failed"
    printf "\n# Written by scripts/setup-postgres.sh on every start; later settings win.\ninclude_if_exists = 'slmem.conf'\n" |
      as_pg tee -a "$DATA_DIR/postgresql.conf" >/dev/null
  fi
  [ "$(cat "$DATA_DIR/PG_VERSION" 2>/dev/null || true)" = "$PG_MAJOR" ] ||
    die "$DATA_DIR is not a PostgreSQL $PG_MAJOR data directory"

  # A server of this data directory that does not answer yet may be starting (crash recovery)
  # or just dying: give it a few seconds either way.
  local i
  for i in $(seq 1 20); do
    as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1 || break
    pg_ready && return 0
    [ "$i" -lt 20 ] ||
      die "the server in $DATA_DIR runs but does not answer on port $PG_PORT (socket in $PG_DIR); is it set to another port? Stop it with: runuser -u postgres -- $PG_BIN/pg_ctl -D $DATA_DIR stop"
    sleep 0.5
  done

  as_pg tee "$DATA_DIR/slmem.conf" >/dev/null <<EOF
# Test server for self-learning-memory (scripts/setup-postgres.sh). Not for real data.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 200
# Off on purpose: the store must make its own commits durable (test/faults/pg-crash.test.ts).
synchronous_commit = off
# fsync = off only when SLMEM_PG_FSYNC=off (throwaway CI machines).
fsync = $PG_FSYNC
full_page_writes = $PG_FSYNC
EOF

  log "starting PostgreSQL $PG_MAJOR on 127.0.0.1:$PG_PORT (data $DATA_DIR, log $LOG_FILE)"
  # 9<&-: the server must not inherit (and so hold forever) this script's lock.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 start >&2 9<&-; then
    tail -n 20 "$LOG_FILE" >&2 2>/dev/null || true
    die "pg_ctl start failed (port $PG_PORT in use by another server?); log: $LOG_FILE"
  fi
  for i in $(seq 1 60); do
    pg_ready && return 0
    sleep 0.5
  done
  die "the server did not become ready on port $PG_PORT; log: $LOG_FILE"
}

if ! pg_ready; then
  start_cluster
fi

# ---------------------------------------------------------------------------------------------
# 4. Role, databases, extension
# ---------------------------------------------------------------------------------------------
as_pg env PGOPTIONS='-c client_min_messages=warning' "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
  -h "$PG_DIR" -p "$PG_PORT" -U postgres -d postgres \
  -v role="$APP_ROLE" -v password="$APP_PASSWORD" -v db="$PG_DB" -v testdb="$PG_TEST_DB" >&2 <<'SQL' ||
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role', :'password')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', d, :'role')
  FROM (SELECT DISTINCT unnest(ARRAY[:'db', :'testdb']) AS d) AS wanted
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \gexec
\connect :db
CREATE EXTENSION IF NOT EXISTS vector;
\connect :testdb
CREATE EXTENSION IF NOT EXISTS vector;
SQL
  die "creating role $APP_ROLE, databases $PG_DB and $PG_TEST_DB, or extension vector failed"

URL="postgres://$APP_ROLE:$APP_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"
# The URL must work as printed: connect with it over TCP and find the extension.
got=$("$PG_BIN/psql" -X -q -t -A "$URL" -c "SELECT extversion FROM pg_extension WHERE extname = 'vector'" 2>&1) ||
  die "cannot connect as $APP_ROLE over TCP: $got"
[ -n "$got" ] || die "extension vector is missing in database $PG_DB"
log "ready: PostgreSQL $PG_MAJOR with pgvector $got"
printf '%s\n' "$URL"
