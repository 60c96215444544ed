import logging

from odoo import models
from odoo.http import request

from ..tools.customer_page_headers import set_customer_headers

_logger = logging.getLogger(__name__)

# The customer's public routes (controllers/customer_page.py).
CUSTOMER_ROUTES = "/workshop/c/"


class IrHttp(models.AbstractModel):
    """The one catch-all of the customer's answering routes, for what fails before their own code runs.

    Each route turns its own errors into the customer's sentence (`_answer`); but Odoo's
    JSON-RPC layer can fail before the route is called (``params`` that are not an
    object, say) and would then answer an anonymous visitor with Odoo's error details,
    traceback included. On these routes only, such an error is logged and answered with
    the same generic sentence, in the answer shape the page reads. Elsewhere Odoo's
    handling is unchanged.
    """

    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        dispatcher = getattr(request, "dispatcher", None)
        if (
            dispatcher is None
            or getattr(dispatcher, "routing_type", None) != "jsonrpc"
            or not request.httprequest.path.startswith(CUSTOMER_ROUTES)
        ):
            return super()._handle_error(exception)
        _logger.warning("Customer route %s failed", request.httprequest.path, exc_info=exception)
        try:
            message = request.env["repair.customer.communication"]._unexpected_error_message()
        except Exception:  # pylint: disable=broad-exception-caught  # e.g. an aborted transaction: still no details
            message = "Something went wrong on our side: nothing was saved. Please try again in a moment."
        response = dispatcher._response(result={"ok": False, "error": message})
        set_customer_headers(response.headers)
        return response
