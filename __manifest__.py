{
    "name": "Repair Customer Communication",
    "version": "19.0.1.0.0",
    "category": "Supply Chain/Repair",
    "summary": "Talk to workshop customers digitally: priced diagnostic overviews, "
    "online check-in, SMS and e-mail notifications",
    "author": "Repair Customer Communication contributors",
    "website": "https://example.com/repair_customer_communication",
    "license": "LGPL-3",
    "depends": ["repair", "fleet", "portal", "sms", "phone_validation"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/repair_customer_communication_groups.xml",
        "security/ir.model.access.csv",
        "security/repair_customer_communication_rules.xml",
        "data/mail_template_data.xml",
        "data/sms_template_data.xml",
        "wizard/repair_communication_send_views.xml",
        "views/res_partner_views.xml",
        "views/fleet_vehicle_views.xml",
        "views/repair_work_item_views.xml",
        "views/repair_order_views.xml",
        "views/res_config_settings_views.xml",
        "views/repair_customer_agreement_views.xml",
        "views/customer_page_templates.xml",
        "views/repair_customer_communication_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
        "demo/res_partner_demo.xml",
        "demo/fleet_vehicle_demo.xml",
        "demo/repair_order_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "repair_customer_communication/static/src/interactions/**/*",
            "repair_customer_communication/static/src/scss/**/*",
        ],
        "web.assets_tests": [
            "repair_customer_communication/static/tests/tours/**/*",
        ],
    },
}
