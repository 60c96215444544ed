import logging

from markupsafe import escape
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from odoo import models
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..tools.customer_page_headers import set_customer_headers

_logger = logging.getLogger(__name__)

# The customer's public routes (controllers/customer_page.py).
CUSTOMER_ROUTES = "/workshop/c/"
FALLBACK_MESSAGE = "Something went wrong on our side: nothing was saved. Please try again in a moment."


class IrHttp(models.AbstractModel):
    """The one catch-all of the customer's routes, for what fails outside their own handling.

    Each answering route turns its own errors into the customer's sentence (`_answer`);
    but Odoo's layers can fail before the route runs (JSON-RPC ``params`` that are not
    an object, a body over the upload limit, a link refused before an upload is read)
    or a page can fail while it renders, and Odoo would then answer an anonymous
    visitor with its own error page or details. On these routes only, such an error is
    logged and answered with the customer's sentence, in the shape the page reads
    (JSON for the answering routes, a short page otherwise). Elsewhere Odoo's handling
    is unchanged.
    """

    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        result = super()._pre_dispatch(rule, args)
        if rule.endpoint.routing.get("workshop_upload"):
            # Before the body is read: a bad link or a full page receives no files.
            request.env["repair.customer.communication"]._use_page_language(args.get("token"))
            request.env["repair.customer.communication"]._check_upload_request(
                args.get("token"), request.httprequest.content_length
            )
        return result

    @classmethod
    def _handle_error(cls, exception):
        dispatcher = getattr(request, "dispatcher", None)
        routing_type = getattr(dispatcher, "routing_type", None)
        # Before a route is chosen (a request of the wrong content type, malformed JSON),
        # Odoo answers by itself, with a short sentence and no traceback: not handled here.
        if dispatcher is None or not request.httprequest.path.startswith(CUSTOMER_ROUTES):
            return super()._handle_error(exception)
        upload = routing_type == "http" and request.httprequest.method == "POST"
        if routing_type == "http" and not upload and isinstance(exception, HTTPException):
            return super()._handle_error(exception)  # a page's own 404 and redirects stay Odoo's
        message = cls._customer_error_message(exception)
        if routing_type == "jsonrpc":
            retry = not isinstance(exception, (UserError, AccessError, MissingError))
            response = dispatcher._response(result={"ok": False, "error": message, "retry": retry})
        elif upload:
            status = 413 if isinstance(exception, RequestEntityTooLarge) else 200
            response = request.make_json_response({"ok": False, "error": message}, status=status)
        else:
            response = request.make_response(cls._customer_error_page(message), status=500)
        set_customer_headers(response.headers)
        return response

    @classmethod
    def _customer_error_message(cls, exception):
        """The customer's sentence for `exception`; its details go to the log only."""
        try:
            Communication = request.env["repair.customer.communication"]
            if isinstance(exception, RequestEntityTooLarge):
                return Communication._upload_too_large_message()
            if isinstance(exception, BadRequest) and "CSRF" in (exception.description or ""):
                return Communication._page_out_of_date_message()
            if isinstance(exception, (AccessError, MissingError)):
                _logger.warning("Customer route %s refused", request.httprequest.path, exc_info=exception)
                return Communication._invalid_link_message()
            if isinstance(exception, UserError):
                return str(exception.args[0] if exception.args else exception)
            _logger.warning("Customer route %s failed", request.httprequest.path, exc_info=exception)
            return Communication._unexpected_error_message()
        except Exception:  # pylint: disable=broad-exception-caught  # e.g. an aborted transaction: still no details
            _logger.warning("Customer route %s failed", request.httprequest.path, exc_info=exception)
            return FALLBACK_MESSAGE

    @classmethod
    def _customer_error_page(cls, message):
        """A page saying `message`, in the page layout when it can still render, else plain."""
        try:
            return request.env["ir.qweb"]._render(
                "repair_customer_communication.customer_error_page", {"message": message}
            )
        except Exception:  # pylint: disable=broad-exception-caught  # the failure may be the rendering itself
            return f"<!DOCTYPE html><html><body><p>{escape(message)}</p></body></html>"
