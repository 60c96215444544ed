from odoo import api, fields, models


class RepairCustomerAgreement(models.Model):
    """Conditions the customer accepts on the page; every change of the text is a new version."""

    _name = "repair.customer.agreement"
    _description = "Customer conditions"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char("Title", required=True, translate=True)
    body = fields.Html("Conditions", required=True, translate=True, sanitize=True)
    version = fields.Integer(default=1, readonly=True, help="Raised each time the text changes.")
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    active = fields.Boolean(default=True)
    acceptance_ids = fields.One2many("repair.customer.agreement.acceptance", "agreement_id", string="Acceptances")
    acceptance_count = fields.Integer(compute="_compute_acceptance_count", string="Accepted")

    @api.depends("acceptance_ids")
    def _compute_acceptance_count(self):
        counts = dict(
            self.env["repair.customer.agreement.acceptance"]._read_group(
                [("agreement_id", "in", self.ids)], ["agreement_id"], ["__count"]
            )
        )
        for agreement in self:
            agreement.acceptance_count = counts.get(agreement._origin, 0)

    def write(self, vals):
        if "body" in vals or "name" in vals:
            for agreement in self:
                super(RepairCustomerAgreement, agreement).write(dict(vals, version=agreement.version + 1))
            return True
        return super().write(vals)
