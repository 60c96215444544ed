# Run inside `odoo shell` by scripts/demo.sh: prints the links worth opening in
# the demo, one `LINK <label> <url>` line each.
import os

base = os.environ.get("BASE_URL", "http://127.0.0.1:8069")
env = globals()["env"]  # provided by odoo shell
LANGUAGES = {"fr_FR": "French", "nl_BE": "Dutch", "en_US": "English"}


def local(record, url):
    """The link as the demo serves it (the database's base URL may name another host or port)."""
    return url.replace(record.get_base_url(), base)


def demo_order(number):
    return env.ref(f"repair_customer_communication.demo_repair_order_{number}", raise_if_not_found=False)


print(f"LINK  Customers      {base}/odoo/action-repair_customer_communication.action_workshop_customers")
order = demo_order("01")
if order:
    print(f"LINK  Work order     {base}/odoo/action-repair.action_repair_order_tree/{order.id}")
# One customer page per language: the overviews the demo sent in French, Dutch and English.
for number in ("01", "02", "12"):
    order = demo_order(number)
    overview = order and order.last_overview_id.sudo()
    if overview:
        language = LANGUAGES.get(overview.lang, overview.lang)
        print(f"LINK  Customer page  {local(order, overview.customer_url)}  ({language}: {overview.partner_id.name})")
checkin_order = demo_order("05")
if checkin_order and checkin_order.checkin_communication_id:
    print(f"LINK  Check-in page  {local(checkin_order, checkin_order.checkin_communication_id.sudo().customer_url)}")
