# Shared shell functions for the Makefile targets (sourced, not executed).
#
# Everything the targets create lives in the git-ignored `.local/` folder of the
# checkout (PostgreSQL cluster, Odoo data dir, configuration, mail sink), except
# the addons folder that links the checkout under its technical name: that one
# lives outside the tree so that no tool walking the checkout meets the link.

set -euo pipefail

MODULE=repair_customer_communication
# Installed with the module in the demo and test databases: Odoo's demo payment provider, to pay with
# (the module does not depend on it: a shop pays through Stripe, Mollie or another of Odoo's providers).
WITH_MODULES="$MODULE,payment_demo"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL="$ROOT/.local"
mkdir -p "$LOCAL"

say() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# --- Python with Odoo 19 ----------------------------------------------------

_has_odoo19() {
    "$1" -c 'import odoo.release as r, sys; sys.exit(0 if r.version_info[:2] == (19, 0) else 1)' >/dev/null 2>&1
}

# Prints the interpreter that imports Odoo 19.0: $PYTHON if set, else the first
# of python3.12, python3.13, python3 (pyenv-installed versions included).
find_python() {
    if [ -n "${PYTHON:-}" ]; then
        _has_odoo19 "$PYTHON" || die "PYTHON=$PYTHON cannot import Odoo 19.0: install Odoo 19.0 Community into it (pip install -e <odoo source>) or point PYTHON at one that has it."
        command -v "$PYTHON"
        return
    fi
    local candidates=(python3.12 python3.13 python3)
    if command -v pyenv >/dev/null 2>&1; then
        local proot
        proot=$(pyenv root 2>/dev/null || true)
        [ -n "$proot" ] && candidates+=("$proot"/versions/3.12*/bin/python3.12 "$proot"/versions/3.13*/bin/python3.13)
    fi
    local c path
    for c in "${candidates[@]}"; do
        path=$(command -v "$c" 2>/dev/null) || continue
        if _has_odoo19 "$path"; then
            echo "$path"
            return
        fi
    done
    die "Odoo 19.0 is missing: no python3.12, python3.13 or python3 here can import it; install Odoo 19.0 Community from source (its requirements.txt, then 'pip install -e .') into Python 3.12, or set PYTHON to an interpreter that has it."
}

# Odoo's own addons folders (base lives inside the package; the others in
# `addons/` beside it in a source checkout, or inside the package when installed
# from a wheel or a Debian package).
odoo_addons_dirs() {
    "$PY" - <<'EOF'
import os, odoo.addons
dirs = []
for path in odoo.addons.__path__:
    if not os.path.isdir(path):
        continue  # e.g. the path hook of an editable install
    dirs.append(path)
    sibling = os.path.join(os.path.dirname(os.path.dirname(path)), "addons")
    if os.path.isdir(os.path.join(sibling, "repair")):
        dirs.append(sibling)
print(",".join(dict.fromkeys(os.path.realpath(d) for d in dirs)))
EOF
}

# The addons folder outside the tree holding `repair_customer_communication`,
# a link to this checkout whatever its folder is called.
link_module() {
    local key
    key=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
    ADDONS_LINK_DIR="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/$MODULE/$key/addons"
    mkdir -p "$ADDONS_LINK_DIR"
    ln -sfn "$ROOT" "$ADDONS_LINK_DIR/$MODULE"
    MODULE_DIR="$ADDONS_LINK_DIR/$MODULE"
}

# Installs the Python packages of requirements.txt that are missing.
ensure_python_packages() {
    if ! "$PY" - "$ROOT/requirements.txt" >/dev/null 2>&1 <<'EOF'
import sys, re
from importlib.metadata import version, PackageNotFoundError
for line in open(sys.argv[1]):
    name = re.split(r"[<>=;\[ ]", line.strip(), maxsplit=1)[0]
    if name and not name.startswith("#"):
        version(name)
EOF
    then
        say "Installing the missing Python packages of requirements.txt ..."
        "$PY" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt" \
            || die "the Python packages in requirements.txt could not be installed: run '$PY -m pip install -r requirements.txt' and read its error."
    fi
}

# --- PostgreSQL ---------------------------------------------------------------

find_pg_bin() {
    local d
    if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        PG_BIN=$(dirname "$(readlink -f "$(command -v pg_ctl)")")
        return
    fi
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ]; then
            PG_BIN=$d
            return
        fi
    done
    die "PostgreSQL server binaries (initdb, pg_ctl) are missing: install them (Debian: apt-get install postgresql) or point DB_HOST/DB_PORT/DB_USER at a running server."
}

# Runs a command as the cluster's owner: ourselves, or an unprivileged user
# when we are root (initdb and postgres refuse to run as root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        (cd / && runuser -u "$PG_USER" -- "$@")  # from /: the checkout may be in a folder they cannot enter
    else
        "$@"
    fi
}

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_is_free() {
    "$PY" -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" >/dev/null 2>&1
}

# Sets DB_HOST/DB_PORT/DB_USER: a server the user configured through those
# variables, else the private cluster of this checkout, created and started if
# needed (and reused on the next run).
ensure_database_server() {
    if [ -n "${DB_HOST:-}" ]; then
        DB_PORT=${DB_PORT:-5432}
        DB_USER=${DB_USER:-odoo}
        DB_PASSWORD=${DB_PASSWORD:-}
        say "Using the PostgreSQL server at $DB_HOST:$DB_PORT as $DB_USER."
        return
    fi
    find_pg_bin
    PG_USER=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        if id postgres >/dev/null 2>&1; then PG_USER=postgres; else PG_USER=nobody; fi
    fi
    local pgdir="$LOCAL/pg"
    # An unprivileged owner must be able to reach the folder; when the checkout
    # sits in a private home (e.g. /root), the cluster lives in /tmp instead and
    # .local/pg links to it.
    if [ ! -e "$pgdir" ] && [ "$(id -u)" = 0 ] && ! runuser -u "$PG_USER" -- test -x "$LOCAL"; then
        local key
        key=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
        mkdir -p "/tmp/$MODULE-pg-$key"
        ln -sfn "/tmp/$MODULE-pg-$key" "$pgdir"
    fi
    mkdir -p "$pgdir"
    [ "$(id -u)" = 0 ] && chown "$PG_USER" "$pgdir" "$(readlink -f "$pgdir")"
    # PostgreSQL gets the real path: through the link it would have to enter the private folder.
    pgdir=$(readlink -f "$pgdir")
    local data="$pgdir/data"
    if [ ! -f "$data/PG_VERSION" ]; then
        say "Creating a private PostgreSQL cluster in .local/pg ..."
        as_pg "$PG_BIN/initdb" --pgdata="$data" --username=odoo --auth=trust \
            --encoding=UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 \
            || die "initdb failed to create the private cluster: see .local/pg/initdb.log."
    fi
    DB_HOST=127.0.0.1
    DB_USER=odoo
    DB_PASSWORD=
    if as_pg "$PG_BIN/pg_ctl" --pgdata="$data" status >/dev/null 2>&1; then
        DB_PORT=$(cat "$pgdir/port")
        return
    fi
    DB_PORT=$(cat "$pgdir/port" 2>/dev/null || true)
    if [ -z "$DB_PORT" ] || ! port_is_free "$DB_PORT"; then
        DB_PORT=$(free_port)
    fi
    echo "$DB_PORT" >"$pgdir/port"
    say "Starting the private PostgreSQL cluster on 127.0.0.1:$DB_PORT ..."
    as_pg "$PG_BIN/pg_ctl" --pgdata="$data" --log="$pgdir/server.log" --wait \
        --options="-c listen_addresses=127.0.0.1 -p $DB_PORT -k $pgdir/data -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null || die "PostgreSQL did not start: see .local/pg/server.log."
}

stop_database_server() {
    local data
    data="$(readlink -f "$LOCAL/pg" 2>/dev/null || echo "$LOCAL/pg")/data"
    [ -f "$data/PG_VERSION" ] || return 0
    find_pg_bin
    PG_USER=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        if id postgres >/dev/null 2>&1; then PG_USER=postgres; else PG_USER=nobody; fi
    fi
    as_pg "$PG_BIN/pg_ctl" --pgdata="$data" status >/dev/null 2>&1 || return 0
    as_pg "$PG_BIN/pg_ctl" --pgdata="$data" --mode=fast stop >/dev/null
    say "Stopped the private PostgreSQL cluster."
}

# psql-less SQL through psycopg2 on the maintenance database.
pg_sql() {
    "$PY" - "$DB_HOST" "$DB_PORT" "$DB_USER" "${DB_PASSWORD:-}" "$1" <<'EOF'
import sys, psycopg2
host, port, user, password, sql = sys.argv[1:6]
conn = psycopg2.connect(host=host, port=port, user=user, password=password or None, dbname="postgres")
conn.autocommit = True
with conn.cursor() as cr:
    cr.execute(sql)
    if cr.description:
        for row in cr.fetchall():
            print(*row)
EOF
}

# Drops throwaway databases and their filestores (for EXIT traps).
drop_databases() {
    local db
    for db in "$@"; do
        pg_sql "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
        rm -rf "$LOCAL/data/filestore/$db"
    done
}

db_exists() {
    [ "$(pg_sql "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# Writes an Odoo configuration file for this checkout.
write_odoo_config() {
    local conf=$1 http_port=$2 smtp_port=$3
    link_module
    cat >"$conf" <<EOF
[options]
addons_path = $ADDONS_LINK_DIR,$(odoo_addons_dirs)
data_dir = $LOCAL/data
db_host = $DB_HOST
db_port = $DB_PORT
db_user = $DB_USER
EOF
    [ -n "${DB_PASSWORD:-}" ] && echo "db_password = $DB_PASSWORD" >>"$conf"
    cat >>"$conf" <<EOF
http_interface = 127.0.0.1
http_port = $http_port
smtp_server = 127.0.0.1
smtp_port = $smtp_port
email_from = workshop@example.com
list_db = False
EOF
}

odoo_bin() {
    "$PY" -m odoo "$@"
}

require_chromium() {
    local b
    for b in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$b" >/dev/null 2>&1 && return 0
    done
    die "Chromium is missing (browser tours need it): install it (Debian: apt-get install chromium)."
}

init_env() {
    PY=$(find_python)
    export PY
    ensure_python_packages
}
