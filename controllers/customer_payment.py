import logging

from odoo import Command, fields, http, models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import is_html_empty

from odoo.addons.payment import utils as payment_utils
from odoo.addons.payment.controllers import portal as payment_portal
from odoo.addons.payment.controllers.post_processing import PaymentPostProcessing

from ..tools.customer_page_headers import set_customer_headers

_logger = logging.getLogger(__name__)
PaymentPortal = payment_portal.PaymentPortal


def payment_options(order, amount, currency):
    """The payer, and the providers, payment methods and saved cards they may pay `amount` with, all sudo.

    As Odoo's sale portal chooses them for a quotation (`CustomerPortal._get_payment_values`):
    the quotation's invoice address pays, so that the payment meets its invoice.
    """
    quotation = order.sale_order_id
    partner = quotation.partner_invoice_id.sudo()
    providers_sudo = (
        request.env["payment.provider"]
        .sudo()
        ._get_compatible_providers(
            order.company_id.id, partner.id, amount, currency_id=currency.id, sale_order_id=quotation.id
        )
    )
    methods_sudo = (
        request.env["payment.method"]
        .sudo()
        ._get_compatible_payment_methods(
            providers_sudo.ids, partner.id, currency_id=currency.id, sale_order_id=quotation.id
        )
    )
    tokens_sudo = request.env["payment.token"].sudo()._get_available_tokens(providers_sudo.ids, partner.id)
    return partner, providers_sudo, methods_sudo, tokens_sudo


def payment_form_values(communication, payment):
    """The values of Odoo's `payment.form` to pay `payment["due"]` on the work order's quotation."""
    order = communication.order_id.sudo()
    currency = payment["currency"]
    amount = payment["due"]
    partner, providers_sudo, payment_methods_sudo, tokens_sudo = payment_options(order, amount, currency)
    token = communication._get_token()
    return {
        "amount": amount,
        "currency": currency,
        "partner_id": partner.id,
        "providers_sudo": providers_sudo,
        "payment_methods_sudo": payment_methods_sudo,
        "tokens_sudo": tokens_sudo,
        "show_tokenize_input_mapping": PaymentPortal._compute_show_tokenize_input_mapping(
            providers_sudo, sale_order_id=order.sale_order_id.id
        ),
        "transaction_route": f"/workshop/c/{token}/transaction",
        "landing_route": f"/workshop/c/{token}",
        "access_token": token,
        "company_mismatch": not PaymentPortal._can_partner_pay_in_company(partner, order.company_id),
        "is_html_empty": is_html_empty,  # read by Odoo's payment form templates
    }


def shop_page(communication, template, **values):
    """A page of the payment's way in the customer page's layout and language, with no link on it."""
    from .customer_page import WorkshopCustomerPage  # it imports this file

    page = WorkshopCustomerPage()
    languages = page._set_page_language(communication, None)
    layout = page._page_layout_values(communication, languages, preview=True)
    # Records read before the language was set (the payment) are read again in it.
    values = {
        key: value.with_context(lang=request.env.lang) if isinstance(value, models.BaseModel) else value
        for key, value in values.items()
    }
    return page._page_response(template, layout | values)


class WorkshopPaymentPortal(payment_portal.PaymentPortal):
    """Paying from the overview's page, with Odoo's payment form and its providers.

    As Odoo's sale portal does for a quotation (`/my/orders/<id>/transaction`), with
    two differences: the link's token is the key (no portal access token), and the
    amount is the server's: what the location asks and is not paid yet, refused when
    the page shows another amount (a tampered or stale page).
    """

    @http.route("/workshop/c/<string:token>/transaction", type="jsonrpc", auth="public", methods=["POST"])
    def workshop_transaction(self, token, amount=None, **kwargs):
        """Create the draft transaction of what is due now, and return its processing values.

        A refusal (a bad, expired or replaced link, nothing due, another amount than the
        page showed) answers in the form Odoo's payment form shows to the customer,
        in the page's language, and creates nothing.
        """
        Communication = request.env["repair.customer.communication"]
        Communication._use_page_language(token)
        set_customer_headers(request.future_response.headers)
        kwargs.pop("access_token", None)  # the link's token is the key
        kwargs["is_validation"] = False  # a payment, never a card check at the provider's amount
        try:
            self._validate_transaction_kwargs(kwargs)
            with request.env.cr.savepoint():
                communication = Communication._open_link(token, kind="overview")
                communication._lock_for_answer(wait=True)  # two tabs paying: one at a time
                due = communication._check_payable(amount)
                order = communication.order_id.sudo()
                currency = order.sale_order_id.currency_id
                partner, providers, methods, tokens = payment_options(order, due, currency)
                if not self._can_partner_pay_in_company(partner, order.company_id):
                    raise UserError(request.env._("Please contact the workshop to pay."))
                # Only what the page offers: this location's providers and methods, the payer's own saved cards.
                if kwargs.get("flow") == "token":
                    offered = self._cast_as_int(kwargs.get("token_id")) in tokens.ids
                else:
                    offered = self._cast_as_int(kwargs.get("provider_id")) in providers.ids and (
                        self._cast_as_int(kwargs.get("payment_method_id")) in methods.ids
                    )
                if not offered or kwargs.get("flow") not in ("redirect", "direct", "token"):
                    raise UserError(request.env._("This way of paying is not offered here: please reload the page."))
                if kwargs.get("flow") == "token":
                    kwargs["provider_id"] = tokens.browse(self._cast_as_int(kwargs["token_id"])).provider_id.id
                kwargs.update(
                    {
                        "amount": due,
                        "currency_id": currency.id,
                        "partner_id": partner.id,
                        "landing_route": "/workshop/payment",  # set below, once the payment has its id
                        "sale_order_id": order.sale_order_id.id,
                    }
                )
                tx_sudo = self._create_transaction(
                    custom_create_values={
                        "sale_order_ids": [Command.set(order.sale_order_id.ids)],
                        "repair_communication_id": communication.id,
                    },
                    **kwargs,
                )
                tx_sudo.landing_route = tx_sudo._workshop_landing_route()
                return tx_sudo._get_processing_values()
        except (AccessError, MissingError):
            _logger.warning("Customer payment %s refused", request.httprequest.path, exc_info=True)
            return self._refusal(Communication._invalid_link_message())
        except UserError as error:
            return self._refusal(str(error.args[0] if error.args else error))
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # Odoo replays the request
        except Exception:  # pylint: disable=broad-exception-caught  # never a traceback to an anonymous visitor
            _logger.exception("Customer payment %s failed", request.httprequest.path)
            return self._refusal(Communication._unexpected_error_message())

    @http.route("/workshop/payment/<int:tx_id>", type="http", auth="public", methods=["GET"], sitemap=False)
    def workshop_payment_landing(self, tx_id, access_token=None, **kwargs):
        """Back from Odoo's payment status page: the customer's page (its newest version), or the bad-link page."""
        tx_sudo = request.env["payment.transaction"].sudo().browse(tx_id).exists()
        communication = tx_sudo.repair_communication_id
        if not (
            communication
            and payment_utils.check_access_token(
                access_token, tx_sudo.partner_id.id, tx_sudo.amount, tx_sudo.currency_id.id
            )
        ):
            return request.redirect("/workshop/c/invalid")
        if request.session.get(PaymentPostProcessing.MONITORED_TX_ID_KEY) != tx_sudo.id:
            # Not the browser that paid (the address is kept on the payment, where staff read it): thanks only.
            return self._thanks_page(communication)
        shown = communication._version_shown()
        if (
            not shown
            or shown.state in ("draft", "revoked")
            or (shown.expires_at and shown.expires_at < fields.Datetime.now())
        ):
            return request.redirect("/workshop/c/invalid")
        response = request.redirect(f"/workshop/c/{shown._get_token()}#o_workshop_payment", local=True)
        set_customer_headers(response.headers)
        return response

    def _thanks_page(self, communication):
        """ "Thank you, the payment reached the workshop": in the customer's language, and no link to their page."""
        return shop_page(communication, "repair_customer_communication.customer_payment_thanks_page")

    @staticmethod
    def _refusal(message):
        """What Odoo's payment form shows as a failed payment start (`state` "error"), and nothing else."""
        return {"state": "error", "state_message": message}


class WorkshopPaymentStatus(PaymentPostProcessing):
    """Odoo's payment status page, where every provider leads back, for a payment made from an overview."""

    @http.route()
    def display_status(self, **kwargs):
        """In the shop's colours and the customer's language, not Odoo's portal of the main company.

        The same page as Odoo's otherwise: its header (`payment.state_header`) and the
        element Odoo's script polls (`o_payment_status`), which leads back to the
        customer's page once the provider has answered.
        """
        tx_sudo = self._get_monitored_transaction()
        communication = tx_sudo.repair_communication_id if tx_sudo else None
        if not communication:
            return super().display_status(**kwargs)
        return shop_page(
            communication,
            "repair_customer_communication.customer_payment_status_page",
            tx=tx_sudo,
            frontend_scripts=True,
            is_html_empty=is_html_empty,
        )
