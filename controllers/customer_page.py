import base64

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools import email_normalize
from odoo.tools.mimetypes import guess_mimetype

from ..models.repair_customer_communication_line import DECLINE_REASONS
from ..models.repair_work_item import CUSTOMER_DECISIONS, WORK_ITEM_CATEGORIES

NO_STORE_HEADERS = [
    ("Cache-Control", "no-store, no-cache, must-revalidate, private"),
    ("Pragma", "no-cache"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Robots-Tag", "noindex, nofollow"),
]
MAX_QUESTION_LENGTH = 1000
MAX_APPROVAL_LIMIT = 100000.0
MAX_SUBJECT_LENGTH = 120
MAX_REMARK_LENGTH = 4000
MAX_REMARK_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024
# Photos and videos, recognised by their content (a renamed file is refused).
ALLOWED_FILE_TYPES = {
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/heic",
    "video/mp4",
    "video/quicktime",
    "video/webm",
}


class CustomerPageError(Exception):
    """A customer's request that cannot be honoured; its message is shown to the customer."""


class WorkshopCustomerPage(http.Controller):
    """The customer's page of a diagnostic overview, opened from the link sent to them.

    No account: the link's token is the only key. Every answer is checked
    against the version the token opens, and nothing is half-saved.
    """

    # ------------------------------------------------------------------
    # Pages
    # ------------------------------------------------------------------

    @http.route("/workshop/c/<string:token>", type="http", auth="public", methods=["GET"], sitemap=False)
    def customer_page(self, token, lang=None, **kwargs):
        communication = request.env["repair.customer.communication"]._find_by_token(token)
        if not communication:
            return self._invalid_link_page()
        if communication.state == "superseded":
            current = communication._current_version()
            if current != communication and current.state not in ("draft", "revoked"):
                return self._render_page(current, outdated_from=communication, lang=lang)
            return self._invalid_link_page()
        self._record_opened(communication)
        if communication.kind == "report":
            return self._render_report_page(communication, lang=lang)
        if communication.kind == "checkin":
            return self._render_checkin_page(communication, lang=lang)
        return self._render_page(communication, lang=lang)

    @http.route("/workshop/c/<string:token>/report.pdf", type="http", auth="public", methods=["GET"], sitemap=False)
    def report_pdf(self, token, **kwargs):
        """The repair report the link was sent for."""
        communication = request.env["repair.customer.communication"]._find_by_token(token)
        if not communication or communication.kind != "report":
            return self._invalid_link_page()
        content = communication._render_repair_report()
        filename = f"{communication.order_id.name.replace('/', '-')}.pdf"
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(content)),
            ("Content-Disposition", http.content_disposition(filename)),
            *NO_STORE_HEADERS,
        ]
        return request.make_response(content, headers=headers)

    @http.route(
        "/workshop/c/<string:token>/photo/<int:attachment_id>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def item_photo(self, token, attachment_id, **kwargs):
        """A photo or video of an item the customer's overview shows, and nothing else."""
        communication = request.env["repair.customer.communication"]._find_by_token(token)
        communication = communication._current_version() if communication else communication
        attachment = communication.line_ids.work_item_id.attachment_ids.filtered(lambda a: a.id == attachment_id)
        if not attachment:
            return request.not_found()
        stream = request.env["ir.binary"]._get_stream_from(attachment)
        response = stream.get_response(as_attachment=False)
        response.headers.extend(NO_STORE_HEADERS)
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

    @http.route("/workshop/c/<string:token>/decide", type="jsonrpc", auth="public", methods=["POST"])
    def decide(self, token, line_id=None, decision=None, reason=None, question=None, **kwargs):
        """Record the customer's decision on one item, as they go."""
        try:
            communication = self._answerable_communication(token)
            line = self._customer_line(communication, line_id)
            self._check_decision(line, decision, reason, question)
            line.write(
                {
                    "decision": decision or False,
                    "decline_reason": reason if decision == "declined" else False,
                    "contact_question": (question or "").strip() if decision == "contact" else False,
                    "decided_at": fields.Datetime.now(),
                }
            )
        except CustomerPageError as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True, "summary": communication._customer_summary()}

    @http.route("/workshop/c/<string:token>/confirm", type="jsonrpc", auth="public", methods=["POST"])
    def confirm(self, token, **kwargs):
        """Send the answer: exactly once, even from two tabs at the same moment."""
        try:
            communication = self._answerable_communication(token, lock=True)
            self._check_ready_to_confirm(communication)
            if communication._signature_required():
                raise CustomerPageError(request.env._("Please sign to confirm your answer."))
            communication._confirm_by_customer(**self._client_info())
        except CustomerPageError as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True}

    @http.route("/workshop/c/<string:token>/sign", type="jsonrpc", auth="public", methods=["POST"])
    def sign(self, token, name=None, signature=None, **kwargs):
        """Confirm with a signature (Odoo's portal signature form posts here)."""
        env = request.env
        try:
            communication = self._answerable_communication(token, lock=True)
            self._check_ready_to_confirm(communication)
            name = (name or "").strip()
            if not name or len(name) > MAX_SUBJECT_LENGTH:
                raise CustomerPageError(env._("Please type your name to sign."))
            content = self._decode_signature(signature)
            communication.sudo().write({"signature": content, "signed_by": name, "signed_at": fields.Datetime.now()})
            communication._confirm_by_customer(**self._client_info())
        except CustomerPageError as error:
            return {"error": str(error)}
        return {"force_refresh": True}

    @http.route("/workshop/c/<string:token>/conditions", type="jsonrpc", auth="public", methods=["POST"])
    def conditions(self, token, accepted=False, **kwargs):
        """Accepting the conditions is recorded at once (version, time, IP); unticking withdraws it."""
        try:
            communication = self._answerable_communication(token)
            if accepted is True:
                communication._accept_agreements(**self._client_info())
            else:
                communication.acceptance_ids.sudo().unlink()
        except CustomerPageError as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True}

    @http.route("/workshop/c/<string:token>/remark", type="http", auth="public", methods=["POST"], sitemap=False)
    def add_remark(self, token, subject="", body="", **kwargs):
        """A remark with photos or videos; checked whole before anything is stored."""
        env = request.env
        try:
            communication = self._answerable_communication(token)
            subject, body = (subject or "").strip(), (body or "").strip()
            if not subject:
                raise CustomerPageError(env._("Please give your remark a subject."))
            if len(subject) > MAX_SUBJECT_LENGTH or len(body) > MAX_REMARK_LENGTH:
                raise CustomerPageError(
                    env._(
                        "Your remark is too long (subject at most %(subject)s characters, text at most %(text)s).",
                        subject=MAX_SUBJECT_LENGTH,
                        text=MAX_REMARK_LENGTH,
                    )
                )
            files = self._read_remark_files(request.httprequest.files.getlist("files"))
            communication._add_customer_remark(subject, body, files)
        except CustomerPageError as error:
            return request.make_json_response({"ok": False, "error": str(error)}, headers=NO_STORE_HEADERS)
        return request.make_json_response({"ok": True}, headers=NO_STORE_HEADERS)

    @http.route("/workshop/c/<string:token>/contact", type="jsonrpc", auth="public", methods=["POST"])
    def checkin_contact(self, token, channel=None, email=None, phone=None, **kwargs):
        """Check-in welcome step: preferred channel and corrected e-mail / mobile, all checked first."""
        env = request.env
        try:
            communication = self._answerable_communication(token, kind="checkin")
            if channel not in ("email", "sms"):
                raise CustomerPageError(env._("Please choose e-mail or SMS."))
            email = (email or "").strip()
            if email and not email_normalize(email):
                raise CustomerPageError(env._("“%(email)s” is not a valid e-mail address.", email=email))
            phone = (phone or "").strip()
            if phone:
                values = {"phone": phone}
                try:
                    communication.partner_id.sudo()._normalize_phone_vals(values, partner=communication.partner_id)
                except ValidationError as error:
                    raise CustomerPageError(env._("“%(phone)s” is not a valid mobile number.", phone=phone)) from error
                phone = values["phone"]
            if channel == "email" and not (email or communication.partner_id.email):
                raise CustomerPageError(env._("Please give an e-mail address to be reached by e-mail."))
            if channel == "sms" and not (phone or communication.partner_id.phone):
                raise CustomerPageError(env._("Please give a mobile number to be reached by SMS."))
            communication._update_customer_contact(channel, email, phone, **self._client_info())
        except CustomerPageError as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True}

    @http.route("/workshop/c/<string:token>/service", type="jsonrpc", auth="public", methods=["POST"])
    def checkin_service(self, token, service_id=None, choice=None, **kwargs):
        """Order a check-in service, ask to be called about it, or take the choice back."""
        env = request.env
        try:
            communication = self._answerable_communication(token, kind="checkin")
            try:
                service_id = int(service_id)
            except (TypeError, ValueError):
                service_id = 0
            service = communication._checkin_services().filtered(lambda s: s.id == service_id)
            if not service:
                raise CustomerPageError(env._("This service is not offered."))
            if choice not in ("order", "contact", False, None, ""):
                raise CustomerPageError(env._("This choice is not available for this item."))
            communication._set_checkin_choice(service, choice or False)
        except CustomerPageError as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True}

    @http.route("/workshop/c/<string:token>/limit", type="jsonrpc", auth="public", methods=["POST"])
    def checkin_limit(self, token, amount=None, **kwargs):
        """ "If you find more, go ahead up to this amount incl. VAT"."""
        env = request.env
        try:
            communication = self._answerable_communication(token, kind="checkin")
            try:
                amount = float(amount or 0)
            except (TypeError, ValueError):
                amount = -1
            if not 0 <= amount <= MAX_APPROVAL_LIMIT:  # NaN and infinities are refused too
                raise CustomerPageError(
                    env._("Please give an amount between 0 and %(max)s.", max=int(MAX_APPROVAL_LIMIT))
                )
            communication._set_approval_limit(amount, **self._client_info())
        except CustomerPageError as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True}

    @http.route("/workshop/c/<string:token>/reopen", type="jsonrpc", auth="public", methods=["POST"])
    def reopen(self, token, **kwargs):
        """ "I changed my mind", once, until reception closes the overview for changes."""
        env = request.env
        communication = env["repair.customer.communication"]._find_by_token(token)
        try:
            if not communication:
                raise CustomerPageError(
                    env._("This link is not valid (any more). Please use the latest link you received.")
                )
            try:
                communication._lock_for_answer()
            except UserError as error:
                raise CustomerPageError(str(error)) from error
            if not communication._can_reopen():
                raise CustomerPageError(env._("This overview can no longer be changed: please call the workshop."))
            communication._reopen_by_customer(**self._client_info())
        except CustomerPageError as error:
            return {"ok": False, "error": str(error)}
        return {"ok": True}

    # ------------------------------------------------------------------
    # Tooling
    # ------------------------------------------------------------------

    def _answerable_communication(self, token, lock=False, kind=None):
        env = request.env
        communication = env["repair.customer.communication"]._find_by_token(token)
        if communication and kind and communication.kind != kind:
            communication = communication.browse()
        if not communication:
            raise CustomerPageError(
                env._("This link is not valid (any more). Please use the latest link you received.")
            )
        if lock:
            try:
                communication._lock_for_answer()
            except UserError as error:
                raise CustomerPageError(str(error)) from error
        if communication.state == "superseded":
            raise CustomerPageError(
                env._("The workshop sent a newer version of this overview: please reload the page.")
            )
        if not communication._is_answerable():
            raise CustomerPageError(env._("Your answer was already sent: this overview can no longer be changed."))
        return communication

    def _check_ready_to_confirm(self, communication):
        env = request.env
        missing = communication.line_ids.filtered(lambda line: line._needs_decision() and not line.decision)
        if missing:
            raise CustomerPageError(
                env._("Please give your decision on every item first (%(count)s left).", count=len(missing))
            )
        if communication._missing_agreements():
            raise CustomerPageError(env._("Please accept the conditions first."))

    def _decode_signature(self, signature):
        env = request.env
        try:
            content = base64.b64decode(signature or "", validate=True)
        except (ValueError, TypeError) as error:
            raise CustomerPageError(env._("Your signature could not be read: please sign again.")) from error
        if not content or len(content) > MAX_FILE_SIZE or not guess_mimetype(content).startswith("image/"):
            raise CustomerPageError(env._("Your signature could not be read: please sign again."))
        return base64.b64encode(content)

    def _client_info(self):
        return {
            "ip_address": request.httprequest.remote_addr,
            "user_agent": (request.httprequest.user_agent.string or "")[:255],
        }

    def _customer_line(self, communication, line_id):
        env = request.env
        try:
            line_id = int(line_id)
        except (TypeError, ValueError):
            line_id = 0
        line = communication.line_ids.filtered(lambda line: line.id == line_id)
        if not line:
            raise CustomerPageError(env._("This item is not part of your overview."))
        return line

    def _check_decision(self, line, decision, reason, question):
        env = request.env
        if decision not in line._allowed_decisions():
            raise CustomerPageError(env._("This choice is not available for this item."))
        if decision == "declined" and reason and reason not in dict(DECLINE_REASONS):
            raise CustomerPageError(env._("Please choose one of the reasons offered."))
        if question and len(question) > MAX_QUESTION_LENGTH:
            raise CustomerPageError(
                env._("Your question is too long (at most %(max)s characters).", max=MAX_QUESTION_LENGTH)
            )

    def _read_remark_files(self, uploads):
        """[(name, mimetype, content)] of the uploaded files, all checked before any is kept."""
        env = request.env
        uploads = [upload for upload in uploads if upload and upload.filename]
        if len(uploads) > MAX_REMARK_FILES:
            raise CustomerPageError(env._("At most %(count)s files per remark.", count=MAX_REMARK_FILES))
        files = []
        for upload in uploads:
            content = upload.read(MAX_FILE_SIZE + 1)
            if len(content) > MAX_FILE_SIZE:
                raise CustomerPageError(env._("%(name)s is too large (at most 10 MB per file).", name=upload.filename))
            mimetype = guess_mimetype(content, default="application/octet-stream")
            if mimetype not in ALLOWED_FILE_TYPES:
                raise CustomerPageError(
                    env._("%(name)s is not a photo or a video we can accept.", name=upload.filename)
                )
            files.append((upload.filename[:128], mimetype, content))
        return files

    def _record_opened(self, communication):
        """The customer opened the link (staff following it from the chatter is no opening)."""
        if request.env.user._is_internal():
            return
        if communication.state in ("sent", "delivered"):
            communication.write({"state": "opened", "opened_at": fields.Datetime.now()})
        communication._log_event("opened", **self._client_info())

    def _set_page_language(self, communication, lang):
        """The page in the language asked on the page, else the customer's."""
        languages = request.env["res.lang"].sudo().search([("active", "=", True)])
        if lang not in languages.mapped("code"):
            lang = communication.lang or communication.partner_id.lang
        if lang in languages.mapped("code"):
            request.update_context(lang=lang)
        return languages

    def _page_layout_values(self, communication, languages, preview=False):
        communication = communication.with_context(lang=request.env.lang)
        return {
            "communication": communication,
            "order": communication.order_id,
            "company": communication.company_id,
            "token": None if preview else communication._get_token(),
            "languages": languages,
            "current_lang": request.env.lang,
        }

    def _render_page(self, communication, preview=False, outdated_from=None, lang=None):
        languages = self._set_page_language(communication, lang)
        values = self._page_layout_values(communication, languages, preview=preview)
        communication = values["communication"]
        values |= {
            "groups": communication._lines_by_category(),
            "categories": dict(WORK_ITEM_CATEGORIES),
            "decisions": dict(CUSTOMER_DECISIONS),
            "decline_reasons": DECLINE_REASONS,
            "summary": communication._customer_summary(),
            "readonly": preview or not communication._is_answerable(),
            "preview": preview,
            "outdated_from": outdated_from,
        }
        response = request.render("repair_customer_communication.customer_overview_page", values)
        response.headers.extend(NO_STORE_HEADERS)
        return response

    def _render_report_page(self, communication, lang=None):
        languages = self._set_page_language(communication, lang)
        values = self._page_layout_values(communication, languages)
        response = request.render("repair_customer_communication.customer_report_page", values)
        response.headers.extend(NO_STORE_HEADERS)
        return response

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
            "readonly": not communication._is_answerable(),
            "preview": False,
            "summary": communication._customer_summary(),
        }
        response = request.render("repair_customer_communication.customer_checkin_page", values)
        response.headers.extend(NO_STORE_HEADERS)
        return response

    def _invalid_link_page(self):
        response = request.render("repair_customer_communication.customer_link_invalid_page", {}, status=404)
        response.headers.extend(NO_STORE_HEADERS)
        return response
