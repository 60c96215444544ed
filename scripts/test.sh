#!/usr/bin/env bash
# `make test`: the whole suite on throwaway databases of the private cluster,
# through pytest-odoo:
# - this module's tests (browser tours included) on a database installed with
#   the demo data (one test checks that the demo loads; the others make their
#   own data);
# - Odoo's own repair, fleet, portal, sms, sms_twilio, phone_validation, payment, payment_demo and
#   account_payment tests on a database with the module installed
#   and no demo data: those tests assume a database without finished repairs;
# - then, on that database, real parallel requests against an Odoo server
#   (tests/test_concurrent_answers.py, skipped in the first run), and SMS sent
#   through the local SMS gateway (tests/test_sms_end_to_end.py).
source "$(dirname "$0")/lib.sh"

init_env
require_chromium
ensure_database_server

STAMP="$(date +%s)_$$"
DB="rcc_test_$STAMP"
DB_ODOO="rcc_test_odoo_$STAMP"
CONF="$LOCAL/test.conf"
write_odoo_config "$CONF" "$(free_port)" 25
trap 'drop_databases "$DB" "$DB_ODOO"' EXIT

START=$(date +%s)
say "Installing the module on two throwaway databases (with and without demo data) ..."
odoo_bin -c "$CONF" -d "$DB_ODOO" -i "$WITH_MODULES" --stop-after-init --log-level=warn >"$LOCAL/test_install_odoo.log" 2>&1 &
PLAIN_PID=$!
odoo_bin -c "$CONF" -d "$DB" -i "$WITH_MODULES" --with-demo --stop-after-init --log-level=warn \
    || die "installing the module with its demo data failed: read the log above."
wait "$PLAIN_PID" || { cat "$LOCAL/test_install_odoo.log" >&2; die "installing the module without demo data failed: read the log above."; }
say "Installed in $(( $(date +%s) - START ))s. Running the tests ..."

ODOO_ADDONS=$(odoo_addons_dirs | tr ',' '\n')
odoo_tests=()
for addon in repair fleet portal sms sms_twilio phone_validation payment payment_demo account_payment; do
    for d in $ODOO_ADDONS; do
        if [ -d "$d/$addon/tests" ]; then
            odoo_tests+=("$d/$addon/tests")
            break
        fi
    done
done

cd "$MODULE_DIR"
run_pytest() {
    local db=$1
    shift
    "$PY" -m pytest -p no:cacheprovider --rootdir="$MODULE_DIR" \
        --odoo-config="$CONF" --odoo-database="$db" --odoo-http --odoo-log-level=warn "$@"
}
set +e
say "== This module's tests"
run_pytest "$DB" "$MODULE_DIR/tests" "$@"
rc_module=$?
rc_odoo=0
if [ ${#odoo_tests[@]} -gt 0 ] && [ $# -eq 0 ]; then
    say "== Odoo's own repair, fleet, portal, sms, sms_twilio, phone_validation, payment, payment_demo and account_payment tests, with the module installed"
    # Deselected: it draws a QR code through reportlab's renderPM backend, which Odoo's pip
    # requirements leave to Debian's python3-reportlab on Linux (rl-renderPM is pinned for Windows only).
    run_pytest "$DB_ODOO" "${odoo_tests[@]}" -k "not test_generate_and_send_invoice_with_qr_code"
    rc_odoo=$?
fi
rc_parallel=0
if [ $# -eq 0 ]; then
    say "== Real parallel requests and job runs, and SMS through the local gateway, with real servers on their own database"
    RCC_CONCURRENCY_DB="$DB_ODOO" RCC_ODOO_CONF="$CONF" run_pytest "$DB_ODOO" "$MODULE_DIR/tests/test_concurrent_answers.py" \
        "$MODULE_DIR/tests/test_concurrent_notifications.py" "$MODULE_DIR/tests/test_sms_end_to_end.py"
    rc_parallel=$?
fi
set -e
say "make test took $(( $(date +%s) - START ))s."
[ $rc_module -eq 0 ] && [ $rc_odoo -eq 0 ] && [ $rc_parallel -eq 0 ]
