# Run inside `odoo shell` by scripts/demo.sh: prints the links worth opening in
# the demo, one `LINK <label> <url>` line each.
import os

base = os.environ.get("BASE_URL", "http://127.0.0.1:8069")
env = globals()["env"]  # provided by odoo shell
order = env.ref("repair_customer_communication.demo_repair_order_01", raise_if_not_found=False)
print(f"LINK  Customers      {base}/odoo/action-repair_customer_communication.action_workshop_customers")
if order:
    print(f"LINK  Work order     {base}/odoo/action-repair.action_repair_order_tree/{order.id}")
    if order.last_overview_id:
        url = order.last_overview_id.sudo().customer_url.replace(order.get_base_url(), base)
        print(f"LINK  Customer page  {url}")
checkin_order = env.ref("repair_customer_communication.demo_repair_order_05", raise_if_not_found=False)
if checkin_order and checkin_order.checkin_communication_id:
    url = checkin_order.checkin_communication_id.sudo().customer_url.replace(checkin_order.get_base_url(), base)
    print(f"LINK  Check-in page  {url}")
