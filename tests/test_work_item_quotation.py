from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_work_item_parts import WorkItemPartsCommon


@tagged("post_install", "-at_install")
class TestWorkItemQuotation(WorkItemPartsCommon):
    """The repair's quotation holds exactly the scheduled and the authorised work, as the customer saw it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oil = cls._create_item(cls.job_order, name="Oil service", category="scheduled", price_unit=60.0)
        cls.wipers = cls._create_item(cls.job_order, name="Wiper blades", category="recommended", price_unit=25.0)

    def setUp(self):
        super().setUp()
        self._add(self.disc, 2)
        self._add(self.screw, 10)
        self._add(self.labour, 1.5)

    def _quote(self):
        self.job_order.action_create_sale_order()
        return self.job_order.sale_order_id

    def _sections(self, quotation):
        return quotation.order_line.filtered(lambda line: line.display_type == "line_section").mapped("name")

    def test_the_quotation_holds_scheduled_and_authorised_work_only(self):
        quotation = self._quote()
        self.assertEqual(self._sections(quotation), ["Oil service"], "nothing authorised yet")
        self.item.action_authorize()
        self.assertEqual(self._sections(quotation), ["Oil service", "Front brakes"])
        brakes = quotation.order_line.filtered(lambda line: line.work_item_id == self.item and not line.display_type)
        self.assertEqual(len(brakes), 3, "one line per part and labour")
        for line in brakes:
            part = line.work_item_line_id
            self.assertEqual(
                (line.product_id, line.name, line.product_uom_qty, line.product_uom_id, line.price_unit, line.discount),
                (part.product_id, part.name, part.quantity, part.product_uom_id, part.price_unit, part.discount),
            )
            self.assertEqual(line.tax_ids, part.tax_ids)
        self.assertAlmostEqual(quotation.amount_total, self.oil.price_total + self.item.price_total, places=2)
        # Declined after all: it leaves the quotation.
        self.item.action_refuse()
        self.assertEqual(self._sections(quotation), ["Oil service"])
        self.assertFalse(quotation.order_line.filtered(lambda line: line.work_item_id == self.item))

    def test_changes_follow_while_it_is_a_quotation(self):
        quotation = self._quote()
        self.item.action_authorize()
        self.item.part_line_ids.filtered(lambda p: p.product_id == self.disc).quantity = 4
        disc_line = quotation.order_line.filtered(lambda line: line.product_id == self.disc)
        self.assertEqual(disc_line.product_uom_qty, 4)
        self._add(self.screw, 2, item=self.wipers)
        self.wipers.action_authorize()
        self.assertEqual(self._sections(quotation), ["Oil service", "Front brakes", "Wiper blades"])
        expected = self.oil.price_total + self.item.price_total + self.wipers.price_total
        self.assertAlmostEqual(quotation.amount_total, expected, places=2)

    def test_a_quantity_change_keeps_the_price_the_customer_saw(self):
        quotation = self._quote()
        self.oil.quantity = 2
        oil_line = quotation.order_line.filtered(lambda line: line.work_item_id == self.oil and not line.display_type)
        self.assertEqual((oil_line.product_uom_qty, oil_line.price_unit), (2, 60.0))
        self.assertAlmostEqual(quotation.amount_total, self.oil.price_total, places=2)

    def test_removed_work_leaves_the_quotation(self):
        quotation = self._quote()
        self.item.action_authorize()
        self.item.part_line_ids.filtered(lambda p: p.product_id == self.screw).unlink()
        self.assertFalse(quotation.order_line.filtered(lambda line: line.product_id == self.screw))
        self.assertAlmostEqual(quotation.amount_total, self.oil.price_total + self.item.price_total, places=2)
        self.item.unlink()
        self.assertEqual(self._sections(quotation), ["Oil service"])
        self.assertFalse(quotation.order_line.filtered(lambda line: not line.work_item_id and not line.display_type))

    def test_a_scheduled_service_refused_leaves_the_quotation(self):
        quotation = self._quote()
        self.oil.action_refuse()
        self.assertEqual(self._sections(quotation), [])

    def test_the_work_orders_totals_count_parts_and_labour(self):
        self.assertAlmostEqual(
            self.job_order.items_amount_total,
            self.oil.price_total + self.item.price_total + self.wipers.price_total,
            places=2,
        )
        self.assertAlmostEqual(self.job_order.amount_necessary_total, self.item.price_total, places=2)

    def test_a_free_priced_item_and_a_lump_sum(self):
        quotation = self._quote()
        oil_line = quotation.order_line.filtered(lambda line: line.work_item_id == self.oil and not line.display_type)
        self.assertEqual(oil_line.product_id, self.env.ref("repair_customer_communication.product_workshop_work"))
        self.assertEqual((oil_line.name, oil_line.price_unit), ("Oil service", 60.0))
        self.assertEqual(oil_line.tax_ids, self.tax_21)
        self.item.write({"lump_sum": True, "price_unit": 180.0, "tax_ids": [Command.set(self.tax_21.ids)]})
        self.item.action_authorize()
        brakes = quotation.order_line.filtered(lambda line: line.work_item_id == self.item and not line.display_type)
        self.assertEqual(len(brakes), 4, "the lump sum, then the parts and labour at no price")
        self.assertEqual(sorted(brakes.mapped("price_unit")), [0.0, 0.0, 0.0, 180.0])
        self.assertAlmostEqual(quotation.amount_total, 72.60 + 217.80, places=2)

    def test_what_the_customer_approved_is_the_quotations_total_to_the_cent(self):
        """6 % and 21 % VAT, a pricelist discount and a part sold by the dozen, approved on the page."""
        self.env.user.group_ids += self.env.ref("sale.group_discount_per_so_line")
        pricelist = self.env["product.pricelist"].create(
            {
                "name": "Fleet customers (quotation test)",
                "company_id": self.company_a.id,
                "currency_id": self.euro.id,
                "item_ids": [
                    Command.create(
                        {
                            "applied_on": "0_product_variant",
                            "product_id": self.disc.id,
                            "compute_price": "percentage",
                            "percent_price": 12.5,
                        }
                    )
                ],
            }
        )
        self.job_order.partner_id.with_company(self.company_a).property_product_pricelist = pricelist
        self.item.part_line_ids.unlink()
        self._add(self.disc, 3)
        self._add(self.screw, 1, product_uom_id=self.env.ref("uom.product_uom_dozen").id)
        self._add(self.labour, 0.75)
        overview = self._answered_overview({self.item: "accepted", self.wipers: "declined"})
        quotation = self._quote()
        summary = overview._customer_summary()
        self.assertEqual(self._sections(quotation), ["Oil service", "Front brakes"])
        self.assertEqual(
            self.euro.compare_amounts(summary["amount_total"], quotation.amount_total),
            0,
            (summary, quotation.amount_total),
        )
        self.assertEqual(self.euro.compare_amounts(summary["amount_untaxed"], quotation.amount_untaxed), 0)

    def test_a_customer_abroad_approves_the_quotations_total(self):
        tax_0 = self._create_tax(self.company_a, 0.0)
        fiscal_position = self.env["account.fiscal.position"].create(
            {
                "name": "Export (quotation test)",
                "company_id": self.company_a.id,
                "auto_apply": True,
                "country_id": self.france.id,
            }
        )
        tax_0.write(
            {
                "fiscal_position_ids": [Command.link(fiscal_position.id)],
                "original_tax_ids": [Command.set(self.tax_21.ids)],
            }
        )
        abroad = self.env["res.partner"].create(
            {"name": "Client français", "country_id": self.france.id, "email": "client@example.fr"}
        )
        self.job_order.write({"partner_id": abroad.id, "driver_id": abroad.id})
        self.item.part_line_ids.unlink()
        self._add(self.disc, 2)
        self._add(self.screw, 4)
        overview = self._answered_overview({self.item: "accepted", self.wipers: "accepted"}, partner=abroad)
        quotation = self._quote()
        self.assertEqual(quotation.fiscal_position_id, fiscal_position)
        summary = overview._customer_summary()
        self.assertEqual(self.euro.compare_amounts(summary["amount_total"], quotation.amount_total), 0)
        self.assertEqual(self.wipers.tax_ids, tax_0, "a free-priced item is mapped by the fiscal position too")
        self.assertEqual(self.oil.tax_ids, tax_0)
        self.assertAlmostEqual(quotation.amount_tax, 0.30, places=2, msg="only the bolts' 6 %, which it does not map")

    def test_a_confirmed_order_changes_only_when_reception_confirms_what_it_does(self):
        quotation = self._quote()
        self.item.action_authorize()
        quotation.action_confirm()
        with self.assertRaises(UserError):
            self.wipers.authorization = "approved"  # not behind reception's back (an import, a server action)
        action = self.wipers.action_authorize()
        self.assertEqual(action["res_model"], "repair.quotation.change", "asks first")
        self.assertEqual(self.wipers.authorization, "pending")
        wizard = self.env["repair.quotation.change"].browse(action["res_id"])
        self.assertIn("Wiper blades", wizard.explanation)
        self.assertIn(quotation.name, wizard.explanation)
        self.assertIn("30.25", wizard.explanation)
        wizard.action_confirm()
        self.assertEqual(self.wipers.authorization, "approved")
        self.assertEqual(self._sections(quotation), ["Oil service", "Front brakes", "Wiper blades"])
        # Withdrawn: its lines stay on the confirmed order at nothing; authorised again: the same lines.
        wipers_line = quotation.order_line.filtered(
            lambda line: line.work_item_id == self.wipers and not line.display_type
        )
        refuse = self.env["repair.quotation.change"].browse(self.wipers.action_refuse()["res_id"])
        self.assertIn("drop to nothing", refuse.explanation)
        refuse.action_confirm()
        self.assertEqual(wipers_line.product_uom_qty, 0.0)
        self.env["repair.quotation.change"].browse(self.wipers.action_authorize()["res_id"]).action_confirm()
        self.assertEqual(wipers_line.product_uom_qty, 1.0, "the same line again: nothing invoiced twice")
        self.assertEqual(
            len(quotation.order_line.filtered(lambda line: line.work_item_id == self.wipers and not line.display_type)),
            1,
        )

    def test_applying_the_customers_answers_to_a_confirmed_order_asks_first(self):
        quotation = self._quote()
        self.item.action_authorize()
        quotation.action_confirm()
        point = {"role": "driver", "partner": self.emile, "channel": "email", "address": self.emile.email}
        overview = self.job_order._prepare_customer_communication(point)
        overview._issue_token()
        lines = {line.work_item_id: line for line in overview.line_ids}
        overview._customer_decide(lines[self.item].id, "declined")
        overview._customer_decide(lines[self.wipers].id, "accepted")
        overview._customer_confirm()
        action = self.job_order.action_apply_customer_answers()
        self.assertEqual(action["res_model"], "repair.quotation.change", "asks first, as Authorise and Refuse do")
        self.assertEqual((self.item | self.wipers).mapped("authorization"), ["approved", "pending"])
        wizard = self.env["repair.quotation.change"].browse(action["res_id"])
        self.assertIn("“Wiper blades” is added", wizard.explanation)
        self.assertIn("The lines of “Front brakes”", wizard.explanation)
        wizard.action_confirm()
        self.assertEqual((self.item | self.wipers).mapped("authorization"), ["refused", "approved"])
        self.assertEqual(self._sections(quotation), ["Oil service", "Front brakes", "Wiper blades"])
        brakes = quotation.order_line.filtered(lambda line: line.work_item_id == self.item and not line.display_type)
        self.assertEqual(set(brakes.mapped("product_uom_qty")), {0.0}, "refused: its lines drop to nothing")

    def _answered_overview(self, decisions, partner=None):
        """The overview sent, answered on the page as `decisions` says, and the answers applied by reception."""
        partner = partner or self.emile
        point = {"role": "driver", "partner": partner, "channel": "email", "address": partner.email}
        overview = self.job_order._prepare_customer_communication(point)
        overview._issue_token()
        for item, decision in decisions.items():
            line = overview.line_ids.filtered(lambda line, item=item: line.work_item_id == item)
            overview._customer_decide(line.id, decision)
        overview._customer_confirm()
        self.job_order.action_apply_customer_answers()
        return overview
