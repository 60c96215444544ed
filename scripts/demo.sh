#!/usr/bin/env bash
# `make demo`: a private PostgreSQL cluster, a database with the module and its
# demo data, a local SMTP sink and SMS gateway, and Odoo on http://127.0.0.1:8069.
source "$(dirname "$0")/lib.sh"

init_env
HTTP_PORT=${HTTP_PORT:-8069}
port_is_free "$HTTP_PORT" || die "port $HTTP_PORT is already in use: stop what listens there (another Odoo?) or run 'make demo HTTP_PORT=8070'."
ensure_database_server

SMTP_PORT=${SMTP_PORT:-2525}
port_is_free "$SMTP_PORT" || SMTP_PORT=$(free_port)
MAIL_DIR="$LOCAL/mail"
SMS_PORT=${SMS_PORT:-8071}
port_is_free "$SMS_PORT" || SMS_PORT=$(free_port)
SMS_DIR="$LOCAL/sms"
CONF="$LOCAL/demo.conf"
DB=${DEMO_DB:-rcc_demo}
write_odoo_config "$CONF" "$HTTP_PORT" "$SMTP_PORT"

if db_exists "$DB"; then
    say "Updating the module in the existing database '$DB' ..."
    odoo_bin -c "$CONF" -d "$DB" -i "$WITH_MODULES" -u "$MODULE" --stop-after-init --log-level=warn \
        || die "updating the module failed: read the log above."
else
    say "Creating the database '$DB' with the module and its demo data (a few minutes the first time) ..."
    odoo_bin -c "$CONF" -d "$DB" -i "$WITH_MODULES" --with-demo --stop-after-init --log-level=warn \
        || die "installing the module failed: read the log above."
fi

"$PY" "$ROOT/scripts/smtp_sink.py" --port "$SMTP_PORT" --folder "$MAIL_DIR" &
SINK_PID=$!
"$PY" "$ROOT/scripts/sms_gateway.py" --port "$SMS_PORT" --folder "$SMS_DIR" &
GATEWAY_PID=$!
trap 'kill $SINK_PID $GATEWAY_PID 2>/dev/null || true' EXIT
# Odoo's SMS module sends to the address in `sms.endpoint`: the local gateway, in the demo only.
echo "env['ir.config_parameter'].set_param('sms.endpoint', 'http://127.0.0.1:$SMS_PORT'); env.cr.commit()" \
    | odoo_bin shell -c "$CONF" -d "$DB" --log-level=error --no-http >/dev/null 2>&1 \
    || die "pointing the demo database's SMS at the local gateway failed."

# Customers' SMS replies come back through the module's signed incoming-SMS webhook:
# `make sms-reply` signs with the secret kept here (a new one each start).
mkdir -p "$SMS_DIR"
SECRET_FILE="$SMS_DIR/inbound.secret"
(umask 077 && "$PY" -c "import secrets; print(secrets.token_hex(32))" > "$SECRET_FILE")
echo "env['ir.config_parameter'].set_param('repair_customer_communication.sms_inbound_secret', open('$SECRET_FILE').read().strip()); env.cr.commit()" \
    | odoo_bin shell -c "$CONF" -d "$DB" --log-level=error --no-http >/dev/null 2>&1 \
    || die "setting the demo database's incoming-SMS secret failed."

BASE_URL="http://127.0.0.1:$HTTP_PORT"
LINKS=$(BASE_URL=$BASE_URL odoo_bin shell -c "$CONF" -d "$DB" --log-level=error --no-http \
    < "$ROOT/scripts/demo_links.py" 2>/dev/null | sed -n 's/^LINK //p')

cat >&2 <<EOT

================================================================================
 Demo ready on $BASE_URL   (Ctrl+C stops it)

 Log in as      admin / admin           (administrator)
                reception / reception   (receptionist)
                mechanic / mechanic     (mechanic)
$LINKS

 Outgoing e-mail is caught by a local SMTP sink, one .eml file per message:
   .local/mail/        the workshop's messages (to customers, about work orders)
   .local/mail/odoo/   Odoo's own notifications about its demo data (activities, meetings)
 Outgoing SMS go to a local gateway (Odoo's SMS API), one .txt file per SMS,
 reported delivered two seconds later:
   .local/sms/
 Answer as a customer by SMS (Repairs > Notifications > Incoming SMS):
   make sms-reply FROM=+32471265984 TEXT="1 2"   (Emily Carter answers her overview;
                                                  or TEXT=STOP, TEXT="Is it ready?")
================================================================================

EOT
odoo_bin -c "$CONF" -d "$DB" --db-filter="^$DB\$" --log-level=warn
