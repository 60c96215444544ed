import gzip
import logging

from werkzeug.http import parse_accept_header

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from ..models.repair_customer_communication_answer import DECODED_IMAGE_TYPES, MAX_FILE_SIZE, MAX_REMARK_REQUEST
from ..tools.brand_color import readable_on_white_text
from ..tools.customer_page_headers import set_customer_headers
from .customer_payment import payment_form_values

_logger = logging.getLogger(__name__)


# Pixels of an item photo's thumbnail: twice the 96 x 72 px it is shown at.
PHOTO_THUMBNAIL = (192, 144)


class WorkshopCustomerPage(http.Controller):
    """The customer's page of a diagnostic overview, opened from the link sent to them.

    No account: the link's token is the only key. Each answering route checks the
    token, calls one model method of the communication (which checks the input
    and raises the customer's message) and `_answer` turns the outcome into the
    JSON answer; nothing is half-saved.
    """

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------

    @http.route("/workshop/c/<string:token>", type="http", auth="public", methods=["GET"], sitemap=False)
    def customer_page(self, token, lang=None, **kwargs):
        communication = request.env["repair.customer.communication"]._find_by_token(token)
        shown = communication._version_shown() if communication else communication
        if not shown:
            return self._invalid_link_page()
        # Opening is recorded by the page's beacon (`opened`), not here: a link scanner fetches this too.
        if shown.kind == "report":
            return self._render_report_page(shown, lang=lang)
        if shown.kind == "checkin":
            return self._render_checkin_page(shown, lang=lang)
        outdated_from = communication if shown != communication else None
        return self._render_page(shown, outdated_from=outdated_from, lang=lang)

    @http.route("/workshop/c/<string:token>/report.pdf", type="http", auth="public", methods=["GET"], sitemap=False)
    def report_pdf(self, token, **kwargs):
        """The repair report the link was sent for."""
        communication = request.env["repair.customer.communication"]._find_by_token(token)
        shown = communication._version_shown() if communication else communication
        if not shown or shown.kind != "report":
            return self._invalid_link_page(status=404)  # no file behind this link
        content = shown._render_repair_report()
        filename = f"{communication.order_id.name.replace('/', '-')}.pdf"
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(content)),
            ("Content-Disposition", http.content_disposition(filename)),
        ]
        response = request.make_response(content, headers=headers)
        set_customer_headers(response.headers)
        return response

    @http.route(
        "/workshop/c/<string:token>/photo/<int:attachment_id>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def item_photo(self, token, attachment_id, thumbnail=None, **kwargs):
        """A photo or video of an item the customer's overview shows, and nothing else.

        ``?thumbnail=1`` answers a photo as the page shows it in the list (at most
        PHOTO_THUMBNAIL pixels, twice the shown size for sharp phone screens), made by
        Odoo's image processing: a phone does not load a 4000 px photo for a 96 px tile.
        """
        communication = request.env["repair.customer.communication"]._find_by_token(token)
        shown = communication._version_shown() if communication else communication
        attachment = shown.line_ids.work_item_id.attachment_ids.filtered(lambda a: a.id == attachment_id)
        if not attachment:
            return request.not_found()
        if thumbnail and attachment.mimetype in DECODED_IMAGE_TYPES:
            width, height = PHOTO_THUMBNAIL
            stream = request.env["ir.binary"]._get_image_stream_from(attachment, width=width, height=height, crop=True)
        else:
            stream = request.env["ir.binary"]._get_stream_from(attachment)
        response = stream.get_response(as_attachment=False)
        set_customer_headers(response.headers)  # replaces Odoo's own Cache-Control: one, not two
        response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"  # as Odoo's streams
        return response

    @http.route("/workshop/preview/<int:communication_id>", type="http", auth="user", methods=["GET"], sitemap=False)
    def staff_preview(self, communication_id, **kwargs):
        """Reception's read-only view of a communication, exactly as the customer sees it."""
        communication = request.env["repair.customer.communication"].browse(communication_id).exists()
        if not communication:
            return request.not_found()
        communication.check_access("read")
        return self._render_page(communication.sudo(), preview=True)

    # ------------------------------------------------------------------
    # Answers (JSON)
    # ------------------------------------------------------------------

    @http.route("/workshop/c/<string:token>/opened", type="jsonrpc", auth="public", methods=["POST"])
    def opened(self, token, **kwargs):
        """The page's beacon: a person is looking at it. One opening per visit, logged with time, IP and browser.

        Staff following a link from the chatter open nothing (`_answer` refuses them).
        """
        return self._answer(
            token,
            lambda communication: communication._record_opened(**self._client_info()) and None,
            kind=("overview", "checkin", "report"),
            answerable=False,
        )

    @http.route("/workshop/c/<string:token>/decide", type="jsonrpc", auth="public", methods=["POST"])
    def decide(self, token, line_id=None, decision=None, reason=None, question=None, **kwargs):
        """Record the customer's decision on one item, as they go."""
        return self._answer(
            token,
            lambda communication: {"summary": communication._customer_decide(line_id, decision, reason, question)},
            kind="overview",
        )

    @http.route("/workshop/c/<string:token>/confirm", type="jsonrpc", auth="public", methods=["POST"])
    def confirm(self, token, **kwargs):
        """Send the answer: exactly once, even from two tabs at the same moment."""
        return self._answer(
            token,
            lambda communication: communication._customer_confirm(**self._client_info()),
            kind=("overview", "checkin"),
            lock="nowait",
        )

    @http.route("/workshop/c/<string:token>/sign", type="jsonrpc", auth="public", methods=["POST"])
    def sign(self, token, name=None, signature=None, **kwargs):
        """Confirm with a signature: the signer's name and the signature pad's PNG (base64)."""
        return self._answer(
            token,
            lambda communication: communication._customer_sign(name, signature, **self._client_info()),
            kind=("overview", "checkin"),
            lock="nowait",
        )

    @http.route("/workshop/c/<string:token>/conditions", type="jsonrpc", auth="public", methods=["POST"])
    def conditions(self, token, accepted=False, **kwargs):
        """Accepting the conditions is recorded at once (version, time, IP); unticking withdraws it."""
        return self._answer(
            token,
            lambda communication: communication._customer_set_conditions(accepted, **self._client_info()),
            kind=("overview", "checkin"),
        )

    @http.route(
        "/workshop/c/<string:token>/remark",
        type="http",
        auth="public",
        methods=["POST"],
        sitemap=False,
        max_content_length=MAX_REMARK_REQUEST,
        workshop_upload=True,
    )
    def add_remark(self, token, subject="", body="", **kwargs):
        """A remark with photos or videos; checked whole before anything is stored.

        Its link, the page's quota and the announced size are checked before the body
        is read (`workshop_upload`: see `ir.http._pre_dispatch`); Odoo's router refuses
        a body over `MAX_REMARK_REQUEST` whatever it announces.
        """
        answer = self._answer(
            token,
            lambda communication: communication._customer_add_remark(
                subject, body, self._read_uploads(request.httprequest.files.getlist("files"))
            ),
            kind=("overview", "checkin"),
        )
        return request.make_json_response(answer)  # `_answer` set the headers

    @http.route("/workshop/c/<string:token>/contact", type="jsonrpc", auth="public", methods=["POST"])
    def checkin_contact(self, token, channel=None, email=None, phone=None, **kwargs):
        """Check-in welcome step: preferred channel and corrected e-mail / mobile, all checked first."""
        return self._answer(
            token,
            lambda communication: communication._customer_correct_contact(channel, email, phone, **self._client_info()),
            kind="checkin",
        )

    @http.route("/workshop/c/<string:token>/service", type="jsonrpc", auth="public", methods=["POST"])
    def checkin_service(self, token, service_id=None, choice=None, **kwargs):
        """Order a check-in service, ask to be called about it, or take the choice back."""
        return self._answer(
            token, lambda communication: communication._customer_choose_service(service_id, choice), kind="checkin"
        )

    @http.route("/workshop/c/<string:token>/limit", type="jsonrpc", auth="public", methods=["POST"])
    def checkin_limit(self, token, amount=None, **kwargs):
        """ "If you find more, go ahead up to this amount incl. VAT"."""
        return self._answer(
            token,
            lambda communication: communication._customer_set_limit(amount, **self._client_info()),
            kind="checkin",
        )

    @http.route("/workshop/c/<string:token>/reopen", type="jsonrpc", auth="public", methods=["POST"])
    def reopen(self, token, **kwargs):
        """ "I changed my mind", once, until reception closes the overview for changes (a confirmed link)."""
        return self._answer(
            token,
            lambda communication: communication._customer_reopen(**self._client_info()),
            kind="overview",
            answerable=False,
        )

    # ------------------------------------------------------------------
    # Tooling
    # ------------------------------------------------------------------

    def _answer(self, token, action, kind, lock="wait", answerable=True):
        """Open the link, run `action(communication)` in a savepoint, and answer {"ok": ...} or the customer's error.

        The one place where a route's errors become its answer: the message of a
        `UserError` (or `ValidationError`) the model raised, and nothing is kept of
        a refused answer. `kind` is the kind(s) of link the route serves (a report
        link confirms nothing); the link is held while the answer is stored (see
        `_open_for_answer`). Staff signed in answer nothing in the customer's place:
        they have the preview.
        """
        request.env["repair.customer.communication"]._use_page_language(token)
        Communication = request.env["repair.customer.communication"]
        set_customer_headers(request.future_response.headers)
        if request.env.user._is_internal():
            return {
                "ok": False,
                "error": request.env._("Staff cannot answer in the customer's place: use the preview."),
            }
        try:
            with request.env.cr.savepoint():
                if answerable:
                    communication = Communication._open_for_answer(token, kind=kind, lock=lock)
                else:
                    communication = Communication._open_link(token, kind=kind)
                result = action(communication)
        except (AccessError, MissingError):
            # Their text names models and records: the visitor gets the answer of any bad link, the log the rest.
            _logger.warning("Customer page %s refused", request.httprequest.path, exc_info=True)
            return {"ok": False, "error": Communication._invalid_link_message()}
        except UserError as error:  # ValidationError too: the customer's sentence
            return {"ok": False, "error": str(error.args[0] if error.args else error)}
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # Odoo replays the request
        except Exception:  # pylint: disable=broad-exception-caught  # never a traceback to an anonymous visitor
            _logger.exception("Customer page %s failed", request.httprequest.path)
            # "retry": the page keeps the answer on the phone and sends it again later.
            return {"ok": False, "error": Communication._unexpected_error_message(), "retry": True}
        return {"ok": True, **result} if isinstance(result, dict) else {"ok": True}

    def _read_uploads(self, uploads):
        """[(name, content)] of the uploaded files, each read up to just over the size limit."""
        return [(upload.filename, upload.read(MAX_FILE_SIZE + 1)) for upload in uploads if upload and upload.filename]

    def _client_info(self):
        return {
            "ip_address": request.httprequest.remote_addr,
            "user_agent": (request.httprequest.user_agent.string or "")[:255],
        }

    def _set_page_language(self, communication, lang):
        """The page in the language asked on the page, else the customer's."""
        languages = request.env["res.lang"].sudo().search([("active", "=", True)])
        own = communication.lang or communication.partner_id.lang
        lang = communication._active_page_lang(lang, prefer=own) or communication._active_page_lang(own)
        if lang:
            request.update_context(lang=lang)
        return languages

    def _page_layout_values(self, communication, languages, preview=False):
        communication = communication.with_context(lang=request.env.lang)
        shop = communication.company_id
        return {
            # White text on the shop's colour reaches 4.5:1, whatever colour the shop chose.
            "brand": readable_on_white_text(communication.company_id.primary_color),
            "communication": communication,
            "order": communication.order_id,
            "company": communication.company_id,
            # The shop's number, to call with one tap.
            "shop_phone": shop.partner_id.sudo()._workshop_phone_link(shop.phone),
            "token": None if preview else communication._get_token(),
            "languages": languages,
            "current_lang": request.env.lang,
        }

    def _render_page(self, communication, preview=False, outdated_from=None, lang=None):
        languages = self._set_page_language(communication, lang)
        values = self._page_layout_values(communication, languages, preview=preview)
        communication = values["communication"]
        # Staff signed in see a customer's link read-only: they answer nothing in the customer's place.
        readonly = preview or not communication._is_answerable() or request.env.user._is_internal()
        # The items and the summary, kept once rendered for this reader of this state of the overview.
        sections = communication._customer_page_sections(values["token"], readonly)
        payment = None if preview else communication._customer_payment()
        values |= {
            "sections": sections,
            "summary": sections["summary"],
            "readonly": readonly,
            "preview": preview,
            "outdated_from": outdated_from,
            "payment": payment,
            # Odoo's payment form (and the frontend scripts it needs) only while something is to pay.
            "payment_form": bool(payment and payment["due"] and not request.env.user._is_internal()),
        }
        if values["payment_form"]:
            values |= payment_form_values(communication, payment)
        return self._page_response("repair_customer_communication.customer_overview_page", values)

    def _render_report_page(self, communication, lang=None):
        languages = self._set_page_language(communication, lang)
        values = self._page_layout_values(communication, languages)
        return self._page_response("repair_customer_communication.customer_report_page", values)

    def _render_checkin_page(self, communication, lang=None):
        languages = self._set_page_language(communication, lang)
        values = self._page_layout_values(communication, languages)
        communication = values["communication"]
        order = values["order"]
        company = values["company"]
        tz = company.partner_id.tz or order.user_id.tz or "UTC"  # the shop's time zone
        values |= {
            "appointment": order.schedule_date,
            "appointment_tz": tz,
            "services": communication._checkin_services(),
            "choices": {choice.service_id.id: choice.choice for choice in communication.checkin_choice_ids},
            "readonly": not communication._is_answerable() or request.env.user._is_internal(),
            "preview": False,
            "summary": communication._customer_summary(),
        }
        return self._page_response("repair_customer_communication.customer_checkin_page", values)

    def _page_response(self, template, values, status=200):
        """A customer page, rendered now, with the customer routes' headers; gzipped when the browser takes it.

        Why by hand: Odoo leaves compressing to the proxy in front of it, which a workshop's
        server often lacks; the page is read on mobile data, where its ~60 KB of HTML
        (~10 KB gzipped) is what the phone waits for before the first paint.
        """
        response = request.render(template, values, status=status)
        response.flatten()
        if parse_accept_header(request.httprequest.headers.get("Accept-Encoding"))["gzip"]:
            response.set_data(gzip.compress(response.get_data(), compresslevel=6))
            response.headers["Content-Encoding"] = "gzip"
        response.headers["Vary"] = "Accept-Encoding"
        set_customer_headers(response.headers)
        return response

    def _invalid_link_page(self, status=200):
        """The one page of every link that opens nothing: in the language asked (``?lang=``) only, never the
        link's own, so that it says nothing of whose link it was.

        A page answers 200, not 404: a phone's browser logs a 404 page as an error, and nothing else reads it
        (the page is never indexed nor cached, and says the same for every link that opens nothing)."""
        lang = request.env["repair.customer.communication"]._active_page_lang(request.httprequest.args.get("lang"))
        if lang:
            request.update_context(lang=lang)
        return self._page_response("repair_customer_communication.customer_link_invalid_page", {}, status=status)
