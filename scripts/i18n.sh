#!/usr/bin/env bash
# `make i18n`: re-exports i18n/repair_customer_communication.pot from a scratch
# database and merges it into fr.po and nl.po (msgmerge keeps the translations).
source "$(dirname "$0")/lib.sh"

init_env
ensure_database_server
DB="rcc_i18n_$(date +%s)_$$"
CONF="$LOCAL/i18n.conf"
write_odoo_config "$CONF" "$(free_port)" 25
trap 'drop_databases "$DB"' EXIT
odoo_bin -c "$CONF" -d "$DB" -i "$MODULE" --stop-after-init --log-level=warn
odoo_bin i18n export -c "$CONF" -d "$DB" -l pot -- "$MODULE"
command -v msgmerge >/dev/null 2>&1 || die "msgmerge is missing (Debian: apt-get install gettext)."
for lang in fr nl; do
    po="$ROOT/i18n/$lang.po"
    [ -f "$po" ] || { say "No $po yet: copy the .pot to start it."; continue; }
    msgmerge --quiet --no-fuzzy-matching --width=79 --update --backup=none "$po" "$ROOT/i18n/$MODULE.pot"
    say "Merged $po: $(msgattrib --untranslated "$po" | grep -c '^msgid' || true) untranslated entries left (header included)."
done
