#!/usr/bin/env bash
# `make test`: the whole suite on a throwaway database of the private cluster:
# this module's tests (browser tours included) and Odoo's own repair and fleet
# tests with the module installed, all through pytest-odoo.
source "$(dirname "$0")/lib.sh"

init_env
require_chromium
ensure_database_server

DB="rcc_test_$(date +%s)_$$"
CONF="$LOCAL/test.conf"
HTTP_PORT=$(free_port)
write_odoo_config "$CONF" "$HTTP_PORT" 25
cleanup() {
    pg_sql "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || true
    rm -rf "$LOCAL/data/filestore/$DB"
}
trap cleanup EXIT

START=$(date +%s)
say "Installing the module with its demo data on the throwaway database '$DB' ..."
odoo_bin -c "$CONF" -d "$DB" -i "$MODULE" --with-demo --stop-after-init --log-level=warn \
    || die "installing the module failed: read the log above."
say "Installed in $(( $(date +%s) - START ))s. Running the tests ..."

ODOO_ADDONS=$(odoo_addons_dirs | tr ',' '\n')
odoo_tests=()
for addon in repair fleet; do
    for d in $ODOO_ADDONS; do
        [ -d "$d/$addon/tests" ] && odoo_tests+=("$d/$addon/tests") && break
    done
done

cd "$MODULE_DIR"
set +e
"$PY" -m pytest -p no:cacheprovider --rootdir="$MODULE_DIR" \
    --odoo-config="$CONF" --odoo-database="$DB" --odoo-http --odoo-log-level=warn \
    "$MODULE_DIR/tests" "${odoo_tests[@]}" "$@"
rc=$?
set -e
say "make test took $(( $(date +%s) - START ))s."
exit $rc
