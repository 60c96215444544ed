from odoo import api, fields, models
from odoo.fields import Domain

from ..tools.search_normalize import compact


class FleetVehicle(models.Model):
    """A customer's car: its people (driver, owner, leasing company) and work orders."""

    _inherit = "fleet.vehicle"

    owner_id = fields.Many2one("res.partner", tracking=True, index="btree_not_null")
    leasing_company_id = fields.Many2one(
        "res.partner",
        "Leasing company",
        domain=[("is_leasing_company", "=", True)],
        tracking=True,
        index="btree_not_null",
        help="The contractor that leases the vehicle to its driver.",
    )
    plate_search_key = fields.Char(
        compute="_compute_plate_search_key",
        store=True,
        index="trigram",
        help="The plate in lowercase letters and digits only, so '1-abc 234' finds '1-ABC-234'.",
    )
    repair_order_ids = fields.One2many("repair.order", "vehicle_id", string="Work orders")
    repair_order_count = fields.Integer(compute="_compute_repair_order_count", string="Work order count")

    @api.depends("license_plate")
    def _compute_plate_search_key(self):
        for vehicle in self:
            vehicle.plate_search_key = compact(vehicle.license_plate) or False

    @api.depends("repair_order_ids")
    def _compute_repair_order_count(self):
        counts = dict(
            self.env["repair.order"]._read_group([("vehicle_id", "in", self.ids)], ["vehicle_id"], ["__count"])
        )
        for vehicle in self:
            vehicle.repair_order_count = counts.get(vehicle._origin, 0)

    @api.model
    def _search_display_name(self, operator, value):
        """Also find a vehicle by its plate typed in any case or spacing."""
        domain = super()._search_display_name(operator, value)
        if operator in ("ilike", "=ilike") and isinstance(value, str) and compact(value):
            domain = Domain.OR([domain, Domain("plate_search_key", "ilike", compact(value))])
        return domain

    def action_open_repair_orders(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("repair.action_repair_order_tree")
        action["domain"] = [("vehicle_id", "=", self.id)]
        action["context"] = {
            "default_vehicle_id": self.id,
            "default_partner_id": (self.owner_id or self.driver_id).id,
        }
        return action
