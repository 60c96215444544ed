{
    "name": "Repair Customer Communication",
    "version": "19.0.1.2.0",
    "category": "Supply Chain/Repair",
    "summary": "Talk to workshop customers digitally: priced diagnostic overviews, "
    "online check-in, SMS and e-mail notifications",
    "author": "Repair Customer Communication contributors",
    "website": "https://example.com/repair_customer_communication",
    "license": "LGPL-3",
    "depends": ["repair", "fleet", "portal", "sms", "phone_validation", "crm", "resource"],
    "external_dependencies": {"python": ["phonenumbers", "python-magic"]},
    "data": [
        "security/repair_customer_communication_groups.xml",
        "security/ir.model.access.csv",
        "security/repair_customer_communication_rules.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "data/notification_template_data.xml",
        "data/customer_notification_rule_data.xml",
        "data/ir_cron_data.xml",
        "report/repair_report_customer.xml",
        "wizard/repair_communication_send_views.xml",
        "wizard/customer_notification_rule_bulk_views.xml",
        "views/res_partner_views.xml",
        "views/fleet_vehicle_views.xml",
        "views/repair_work_item_views.xml",
        "views/repair_order_views.xml",
        "views/repair_checkin_service_views.xml",
        "views/customer_notification_rule_views.xml",
        "views/customer_notification_views.xml",
        "views/res_config_settings_views.xml",
        "views/repair_customer_agreement_views.xml",
        "views/customer_page_templates.xml",
        "views/repair_customer_communication_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/customer_notification_rule_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/fleet_vehicle_demo.xml",
        "demo/repair_order_demo.xml",
        "demo/repair_checkin_service_demo.xml",
        "demo/repair_checkin_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "repair_customer_communication/static/src/fields/**/*",
        ],
        # The customer pages' only script: Odoo's module loader and the page's plain JavaScript
        # (its CSS is inlined by the page's layout, see tools/customer_page_stylesheet.py).
        "repair_customer_communication.customer_page": [
            "web/static/src/module_loader.js",
            "repair_customer_communication/static/src/customer_page/**/*.js",
        ],
        "web.assets_tests": [
            "repair_customer_communication/static/tests/tours/**/*",
        ],
    },
}
