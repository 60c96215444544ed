from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import WorkshopCommon


class WorkItemPartsCommon(WorkshopCommon):
    """A work order with an item to price from parts (21 % and 6 % VAT) and labour (hours)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tax_6 = cls._create_tax(cls.company_a, 6.0)
        Product = cls.env["product.product"].with_company(cls.company_a)
        cls.disc = Product.create(
            {
                "name": "Brake disc",
                "type": "consu",
                "lst_price": 50.0,
                "taxes_id": [Command.set(cls.tax_21.ids)],
                "company_id": cls.company_a.id,
            }
        )
        cls.screw = Product.create(
            {
                "name": "Wheel bolt",
                "type": "consu",
                "lst_price": 1.25,
                "taxes_id": [Command.set(cls.tax_6.ids)],
                "company_id": cls.company_a.id,
            }
        )
        cls.labour = Product.create(
            {
                "name": "Labour: brakes",
                "type": "service",
                "lst_price": 60.0,
                "uom_id": cls.env.ref("uom.product_uom_hour").id,
                "taxes_id": [Command.set(cls.tax_21.ids)],
                "company_id": cls.company_a.id,
            }
        )
        cls.job_order = cls._create_customer_order([])
        cls.item = cls._create_item(cls.job_order, name="Front brakes", category="necessary")

    def _add(self, product, quantity, item=None, **values):
        return self.env["repair.work.item.line"].create(
            {
                "item_id": (item or self.item).id,
                "product_id": product.id,
                "quantity": quantity,
                **values,
            }
        )

    def _quotation_line(self, line):
        """What Odoo's own quotation makes of the same product, quantity and unit for the same customer."""
        order = (
            self.env["sale.order"]
            .with_company(self.company_a)
            .create({"partner_id": self.job_order.partner_id.id, "company_id": self.company_a.id})
        )
        return self.env["sale.order.line"].create(
            {
                "order_id": order.id,
                "product_id": line.product_id.id,
                "product_uom_qty": line.quantity,
                "product_uom_id": line.product_uom_id.id,
            }
        )

    def _assert_as_quoted(self, line):
        quoted = self._quotation_line(line)
        self.assertEqual(line.price_unit, quoted.price_unit)
        self.assertEqual(line.discount, quoted.discount)
        self.assertEqual(line.tax_ids, quoted.tax_ids)
        self.assertAlmostEqual(line.price_subtotal, quoted.price_subtotal, places=2)
        self.assertAlmostEqual(line.price_total, quoted.price_total, places=2)


@tagged("post_install", "-at_install")
class TestWorkItemParts(WorkItemPartsCommon):
    """An item is a job: its parts and its labour, priced as Odoo's quotation line prices them."""

    def test_the_price_is_the_sum_of_parts_and_labour_with_6_and_21_percent(self):
        self._add(self.disc, 2)
        self._add(self.screw, 10)
        self._add(self.labour, 1.5)
        # 2 x 50 + 10 x 1.25 + 1.5 x 60 = 100 + 12.50 + 90 = 202.50; VAT 21 + 0.75 + 18.90 = 40.65
        self.assertAlmostEqual(self.item.price_subtotal, 202.50, places=2)
        self.assertAlmostEqual(self.item.price_tax, 40.65, places=2)
        self.assertAlmostEqual(self.item.price_total, 243.15, places=2)
        for line in self.item.part_line_ids:
            self._assert_as_quoted(line)
        self.assertEqual(
            self.item.part_line_ids.filtered(lambda p: p.line_type == "labour").product_uom_id.name, "Hours"
        )

    def test_the_product_says_part_or_labour(self):
        self.assertEqual(self._add(self.disc, 1).line_type, "part")
        self.assertEqual(self._add(self.labour, 1).line_type, "labour")

    def test_a_lump_sum_wins_over_the_parts(self):
        self._add(self.disc, 2)
        self.item.write({"lump_sum": True, "price_unit": 90.0, "tax_ids": [Command.set(self.tax_21.ids)]})
        self.assertAlmostEqual(self.item.price_total, 108.90, places=2)
        self.item.lump_sum = False
        self.assertAlmostEqual(self.item.price_total, 121.00, places=2)

    def test_an_item_without_parts_keeps_its_free_price(self):
        item = self._create_item(self.job_order, name="Diagnosis", price_unit=40.0)
        self.assertAlmostEqual(item.price_total, 48.40, places=2)

    def test_a_pricelist_discount_is_the_quotations(self):
        self.env.user.group_ids += self.env.ref("sale.group_discount_per_so_line")
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Fleet customers",
                "company_id": self.company_a.id,
                "currency_id": self.euro.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.disc.id,
                            "compute_price": "percentage",
                            "percent_price": 15.0,
                        }
                    )
                ],
            }
        )
        self.job_order.partner_id.with_company(self.company_a).property_product_pricelist = pricelist
        line = self._add(self.disc, 3)
        self.assertEqual(line.discount, 15.0)
        self._assert_as_quoted(line)
        self.assertAlmostEqual(self.item.price_subtotal, 127.50, places=2)

    def test_a_part_sold_by_the_dozen(self):
        line = self._add(self.screw, 2, product_uom_id=self.env.ref("uom.product_uom_dozen").id)
        self._assert_as_quoted(line)
        self.assertAlmostEqual(line.price_subtotal, 30.0, places=2)  # 24 bolts at 1.25

    def test_a_customer_abroad_gets_the_fiscal_positions_taxes(self):
        tax_0 = self._create_tax(self.company_a, 0.0)
        fiscal_position = self.env["account.fiscal.position"].create(
            {
                "name": "Intra-EU B2B (workshop tests)",
                "company_id": self.company_a.id,
                "auto_apply": True,
                "country_id": self.france.id,
                "vat_required": False,
            }
        )
        tax_0.write(
            {
                "fiscal_position_ids": [Command.link(fiscal_position.id)],
                "original_tax_ids": [Command.set(self.tax_21.ids)],
            }
        )
        abroad = self.env["res.partner"].create({"name": "Client français", "country_id": self.france.id})
        self.job_order.partner_id = abroad
        line = self._add(self.disc, 1)
        self.assertEqual(line.tax_ids, tax_0)
        self._assert_as_quoted(line)
        self.assertAlmostEqual(self.item.price_total, 50.0, places=2)

    def test_a_mechanic_lists_parts_but_not_their_price(self):
        mechanic_env = self.env(user=self.mechanic)
        line = mechanic_env["repair.work.item.line"].create(
            {"item_id": self.item.id, "product_id": self.disc.id, "quantity": 2}
        )
        self.assertEqual(line.price_unit, 50.0, "priced as quoted, not typed")
        with self.assertRaises(AccessError):
            line.price_unit = 1.0
        with self.assertRaises(AccessError):
            mechanic_env["repair.work.item.line"].create(
                {"item_id": self.item.id, "product_id": self.disc.id, "price_unit": 0.01}
            )

    def test_reception_s_own_price_stays_when_a_quantity_changes(self):
        line = self._add(self.disc, 2)
        line.write({"price_unit": 40.0, "discount": 5.0})
        line.quantity = 3
        self.assertEqual((line.price_unit, line.discount), (40.0, 5.0))

    def test_authorised_work_is_reception_s_to_change(self):
        line = self._add(self.disc, 2)
        self.item.authorization = "approved"
        mechanic_line = line.with_user(self.mechanic)
        with self.assertRaises(AccessError):
            mechanic_line.quantity = 20
        with self.assertRaises(AccessError):
            self.env["repair.work.item.line"].with_user(self.mechanic).create(
                {"item_id": self.item.id, "product_id": self.screw.id, "quantity": 4}
            )
        line.with_user(self.receptionist).quantity = 3
        self.assertEqual(line.quantity, 3)

    def test_reception_is_warned_before_an_opened_overview_changes(self):
        line = self._add(self.disc, 2)
        self.assertTrue(self.item.priced_by_parts)
        self.assertIsNone(line._onchange_price_warn_opened_overview())
        point = {"role": "driver", "partner": self.emile, "channel": "email", "address": self.emile.email}
        overview = self.job_order._prepare_customer_communication(point)
        overview.state = "opened"
        warning = line._onchange_price_warn_opened_overview()
        self.assertIn("already opened", warning["warning"]["title"])

    def test_the_customer_sees_parts_and_labour_where_the_shop_shows_them(self):
        self._add(self.disc, 2)
        self._add(self.labour, 1.5)
        self.company_a.repair_show_item_details = True
        point = {"role": "driver", "partner": self.emile, "channel": "email", "address": self.emile.email}
        overview = self.job_order._prepare_customer_communication(point)
        overview._issue_token()
        line = overview.line_ids.filtered(lambda line: line.work_item_id == self.item)
        first, labour = line.details.splitlines()
        self.assertTrue(first.startswith("2 \u00d7 Brake disc ("), first)
        self.assertIn("121.00", first)
        self.assertTrue(labour.startswith("1.5 Hours Labour: brakes ("), labour)
        self.assertAlmostEqual(line.price_total, 229.90, places=2)  # 121.00 + 108.90
        items_html = overview._customer_page_sections(overview._get_token(), False)["items"]
        self.assertIn("o_workshop_item_details", items_html)
        self.company_a.repair_show_item_details = False
        hidden = self.job_order._prepare_customer_communication(point)
        self.assertFalse(hidden.line_ids.filtered(lambda line: line.work_item_id == self.item).details)
