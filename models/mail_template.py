from odoo import models


class MailTemplate(models.Model):
    """Let the notification engine choose who a rendered e-mail goes to.

    The engine has checked consent for one address per record; whatever the
    template's own recipient fields say, the e-mail goes there and nowhere else.
    """

    _inherit = "mail.template"

    def _generate_template(self, res_ids, render_fields, find_or_create_partners=False):
        results = super()._generate_template(res_ids, render_fields, find_or_create_partners=find_or_create_partners)
        recipients = self.env.context.get("customer_notification_recipients")
        if not recipients:
            return results
        for res_id, values in results.items():
            if res_id not in recipients:
                continue
            partner_id, address = recipients[res_id]
            partner = self.env["res.partner"].browse(partner_id)
            values.pop("email_cc", None)
            if partner.email and partner.email.lower() == (address or "").lower():
                values["partner_ids"] = [partner_id]
                values["email_to"] = False
            else:
                values["partner_ids"] = []
                values["email_to"] = address
        return results
