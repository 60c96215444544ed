from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBackendTours(HttpCase):
    """The receptionist's everyday paths, in a real browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        belgium = cls.env.ref("base.be")
        cls.receptionist = new_test_user(
            cls.env,
            login="tour_reception",
            groups="base.group_user,repair_customer_communication.group_workshop_receptionist",
            company_id=company.id,
        )
        tax = cls.env["account.tax"].create(
            {"name": "Tour VAT 21%", "amount": 21.0, "amount_type": "percent", "type_tax_use": "sale"}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Tour Émile Dupré", "country_id": belgium.id, "phone": "+32 470 12 34 56"}
        )
        vehicle = cls.env["fleet.vehicle"].create(
            {
                "model_id": cls.env["fleet.vehicle.model"]
                .create(
                    {
                        "name": "Tour Clio",
                        "brand_id": cls.env["fleet.vehicle.model.brand"].create({"name": "Tour Renault"}).id,
                    }
                )
                .id,
                "license_plate": "1-ABC-234",
                "driver_id": cls.customer.id,
            }
        )
        cls.env["repair.order"].create(
            {
                "name": "TOUR/0001",
                "vehicle_id": vehicle.id,
                "partner_id": cls.customer.id,
                "work_item_ids": [
                    Command.create(
                        {"name": "Front brake pads", "category": "necessary", "price_unit": 150.0, "tax_ids": tax.ids}
                    ),
                    Command.create(
                        {
                            "name": "Oil and filter change",
                            "category": "scheduled",
                            "price_unit": 100.0,
                            "tax_ids": tax.ids,
                        }
                    ),
                ],
            }
        )

    def test_find_customer_by_spaced_phone_and_open_work_order(self):
        self.start_tour(
            "/odoo/action-repair_customer_communication.action_workshop_customers",
            "repair_customer_communication_find_customer",
            login="tour_reception",
        )

    def test_find_customer_by_lowercase_plate(self):
        self.start_tour(
            "/odoo/action-repair_customer_communication.action_workshop_customers",
            "repair_customer_communication_find_by_plate",
            login="tour_reception",
        )
