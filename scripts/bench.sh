#!/usr/bin/env bash
# `make bench`: runs every script under bench/ against a throwaway database of
# the private cluster and prints their figures.
source "$(dirname "$0")/lib.sh"

init_env
ensure_database_server
shopt -s nullglob
scripts=("$ROOT"/bench/*.py)
[ ${#scripts[@]} -gt 0 ] || { say "No benchmark under bench/ yet."; exit 0; }

DB="rcc_bench_$(date +%s)_$$"
CONF="$LOCAL/bench.conf"
write_odoo_config "$CONF" "$(free_port)" 25
trap 'drop_databases "$DB"' EXIT
say "Installing the module on the throwaway database '$DB' ..."
odoo_bin -c "$CONF" -d "$DB" -i "$WITH_MODULES" --stop-after-init --log-level=warn
for script in "${scripts[@]}"; do
    say "== $(basename "$script")"
    ODOO_CONF="$CONF" ODOO_DB="$DB" "$PY" "$script"
done
