import base64
import io
import math
from datetime import timedelta

from PIL import Image
from werkzeug.exceptions import RequestEntityTooLarge

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import email_normalize
from odoo.tools.mimetypes import guess_mimetype

from ..tools.customer_page_stylesheet import customer_page_stylesheet
from .repair_customer_communication_line import DECLINE_REASONS

# Loads of a page by one browser within this time are one visit: one opening in the log.
OPENING_VISIT = timedelta(minutes=30)
# Openings logged per link and hour at most (each with its IP address and browser).
MAX_OPENINGS_PER_HOUR = 20
MAX_QUESTION_LENGTH = 1000
# Contact details one link may change (each change is logged; the first one is told to the old address).
MAX_CONTACT_CHANGES = 5
MAX_APPROVAL_LIMIT = 100000.0
MAX_SUBJECT_LENGTH = 120
MAX_REMARK_LENGTH = 4000
MAX_REMARK_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024
# What one page (one communication) may receive in all: its upload quota.
MAX_REMARKS = 10
MAX_FILES = 20
MAX_UPLOAD_TOTAL = 100 * 1024 * 1024
# One remark request: its files plus room for the text and the multipart envelope.
# Odoo's router refuses a larger body before it is read (`max_content_length`).
MAX_REMARK_REQUEST = MAX_REMARK_FILES * MAX_FILE_SIZE + 256 * 1024
# Pixels of an image, read from its header before anything decodes it (no decompression
# bomb when Odoo resizes it on storage); the signature pad draws far less.
MAX_IMAGE_PIXELS = 40_000_000
MAX_SIGNATURE_PIXELS = 4_000_000
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
# Images Odoo's attachment storage may decode (to resize): their size is read first.
# HEIC is kept as sent: neither Odoo nor Pillow decodes it.
DECODED_IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


class RepairCustomerCommunication(models.Model):
    """What the customer does on their page, as model methods.

    Each checks the customer's input and raises `UserError` with the sentence the
    customer reads (in the page's language); the routes only find the link, call
    one of these and turn an error into their JSON answer. The caller runs each
    in a savepoint: an error leaves nothing half-saved.
    """

    _inherit = "repair.customer.communication"

    # ------------------------------------------------------------------
    # Opening a link
    # ------------------------------------------------------------------

    @api.model
    def _open_for_answer(self, token, kind=None, lock="wait"):
        """The communication (sudo) the token opens, if the customer may still answer it; else a UserError.

        `kind` restricts the link to one kind of page (or a tuple of kinds). The row is
        held while the answer is stored, so that an answer crossing a confirmation
        cannot land after it: ``"wait"`` queues behind the other answer (a decision
        made while another is stored), ``"nowait"`` refuses at once (the second tab
        confirming at the same moment).
        """
        communication = self._open_link(token, kind=kind)
        communication._lock_for_answer(wait=lock != "nowait")
        if communication.state == "superseded":
            raise UserError(self.env._("The workshop sent a newer version of this overview: please reload the page."))
        if not communication._is_answerable():
            raise UserError(self.env._("Your answer was already sent: this overview can no longer be changed."))
        return communication

    @api.model
    def _open_link(self, token, kind=None):
        """The communication (sudo) the token opens (of `kind`, or one of them), else one UserError for any bad link."""
        communication = self._find_by_token(token)
        kinds = (kind,) if isinstance(kind, str) else kind
        if communication and kinds and communication.kind not in kinds:
            communication = communication.browse()
        if not communication:
            raise UserError(self._invalid_link_message())
        return communication

    def _version_shown(self):
        """What this link shows: itself, or once replaced, the newest version if it went to the same person and address.

        A new version reception sent to someone else (the owner, the leasing company) is
        theirs: the old link then opens nothing. Returns an empty recordset if nothing.
        """
        self.ensure_one()
        if self.state != "superseded":
            return self
        current = self._current_version()
        if (
            current == self
            or current.state in ("draft", "revoked", "superseded")
            or current.kind != self.kind
            or not self._same_recipient(current)
            or (current.expires_at and current.expires_at < fields.Datetime.now())
        ):
            return self.browse()
        return current

    @api.model
    def _use_page_language(self, token):
        """Answer the page's routes in the page's language: the one the page asks (``?lang=``), else the link's.

        The page passes the language it is shown in, so that what a route answers
        (refusals included) reads in the same language as the page around it.
        """
        if not request:
            return
        communication = self._find_by_token(token) if isinstance(token, str) else self.browse()
        own = communication.lang or communication.partner_id.lang
        lang = self._active_page_lang(request.httprequest.args.get("lang"), prefer=own) or self._active_page_lang(own)
        if lang and lang != request.env.lang:
            request.update_context(lang=lang)

    @api.model
    def _customer_page_stylesheet(self):
        """The customer pages' CSS, inlined by their layout (see tools/customer_page_stylesheet.py)."""
        return customer_page_stylesheet()

    @api.model
    def _active_page_lang(self, asked, prefer=None):
        """The active language `asked` names (``nl_BE``, ``nl-BE`` or just ``nl``), or None.

        A bare language (``nl``) takes `prefer` (the customer's own) when it is one of
        its variants, else the first active variant.
        """
        if not isinstance(asked, str) or not asked:
            return None
        asked = asked.replace("-", "_")
        codes = list(self.env["res.lang"].sudo()._get_active_by("code"))
        if asked in codes:
            return asked
        variants = [code for code in codes if code.split("_")[0].lower() == asked.lower()]
        if prefer in variants:
            return prefer
        return variants[0] if variants else None

    @api.model
    def _unexpected_error_message(self):
        """What the customer reads when something unforeseen failed (the details go to the server log only)."""
        return self.env._("Something went wrong on our side: nothing was saved. Please try again in a moment.")

    @api.model
    def _page_out_of_date_message(self):
        """A form of a page kept open too long (its security token expired): reloading it is the fix."""
        return self.env._("This page is out of date: please reload it and try again. Nothing was saved.")

    @api.model
    def _invalid_link_message(self):
        """The one answer to every link that opens nothing (malformed, unknown, expired, revoked, of another kind)."""
        return self.env._("This link is not valid (any more). Please use the latest link you received.")

    def _record_opened(self, ip_address=False, user_agent=False):
        """A person looked at the page (its beacon): "opened" from "sent" or "delivered", logged once per visit.

        A visit is one browser (IP address and browser) within `OPENING_VISIT` of its
        last logged opening: reloads and returns to the tab add no line to the log.
        Returns whether an opening was logged.
        """
        self.ensure_one()
        now = fields.Datetime.now()
        Event = self.env["repair.customer.event"].sudo()
        mine = [("communication_id", "=", self.id), ("event_type", "=", "opened")]
        if self.state in ("sent", "delivered"):
            self.write({"state": "opened", "opened_at": now})
        elif Event.search_count(
            [
                *mine,
                ("ip_address", "=", ip_address or False),
                ("user_agent", "=", user_agent or False),
                ("create_date", ">=", now - OPENING_VISIT),
            ],
            limit=1,
        ):
            return False
        elif Event.search_count([*mine, ("create_date", ">=", now - timedelta(hours=1))]) >= MAX_OPENINGS_PER_HOUR:
            return False  # a link holder cannot fill the log by changing browsers
        self._log_event("opened", ip_address=ip_address, user_agent=user_agent)
        return True

    # ------------------------------------------------------------------
    # Overview
    # ------------------------------------------------------------------

    def _customer_decide(self, line_id, decision, reason=None, question=None):
        """Record the customer's decision on one item of this version, as they go; returns the new summary."""
        self.ensure_one()
        line = self._customer_line(line_id)
        if decision not in line._allowed_decisions():
            raise UserError(self.env._("This choice is not available for this item."))
        # The page sends false for an empty reason or question.
        if reason not in (None, False) and not isinstance(reason, str):
            raise UserError(self.env._("Please choose one of the reasons offered."))
        if decision == "declined" and reason and reason not in dict(DECLINE_REASONS):
            raise UserError(self.env._("Please choose one of the reasons offered."))
        if question not in (None, False) and not isinstance(question, str):
            raise UserError(self.env._("Your question could not be read: please type it again."))
        if question and len(question) > MAX_QUESTION_LENGTH:
            raise UserError(
                self.env._("Your question is too long (at most %(max)s characters).", max=MAX_QUESTION_LENGTH)
            )
        line.write(
            {
                "decision": decision or False,
                "decline_reason": reason if decision == "declined" else False,
                "contact_question": (question or "").strip() if decision == "contact" else False,
                "decided_at": fields.Datetime.now(),
            }
        )
        return self._customer_summary()

    def _customer_line(self, line_id):
        self.ensure_one()
        try:
            line_id = int(line_id) if not isinstance(line_id, bool) else 0
        except (TypeError, ValueError):
            line_id = 0
        line = self.line_ids.filtered(lambda line: line.id == line_id)
        if not line:
            raise UserError(self.env._("This item is not part of your overview."))
        return line

    def _check_ready_to_confirm(self):
        """Every item answered and the conditions accepted, else what is missing."""
        self.ensure_one()
        missing = self.line_ids.filtered(lambda line: line._needs_decision() and not line.decision)
        if missing:
            raise UserError(
                self.env._("Please give your decision on every item first (%(count)s left).", count=len(missing))
            )
        if self._missing_agreements():
            raise UserError(self.env._("Please accept the conditions first."))

    def _customer_confirm(self, ip_address=False, user_agent=False):
        """Send the answer (without a signature, where the shop asks none)."""
        self.ensure_one()
        self._check_ready_to_confirm()
        if self._signature_required():
            raise UserError(self.env._("Please sign to confirm your answer."))
        self._confirm_by_customer(ip_address=ip_address, user_agent=user_agent)

    def _customer_sign(self, name, signature, ip_address=False, user_agent=False):
        """Confirm with a signature: the signer's name and a drawn or typed signature image."""
        self.ensure_one()
        self._check_ready_to_confirm()
        name = name.strip() if isinstance(name, str) else ""
        if not name or len(name) > MAX_SUBJECT_LENGTH:
            raise UserError(self.env._("Please type your name to sign."))
        content = self._decode_signature(signature)
        self.sudo().write({"signature": content, "signed_by": name, "signed_at": fields.Datetime.now()})
        self._confirm_by_customer(ip_address=ip_address, user_agent=user_agent)

    def _decode_signature(self, signature):
        unreadable = self.env._("Your signature could not be read: please sign again.")
        if not isinstance(signature, str):
            raise UserError(unreadable)
        try:
            content = base64.b64decode(signature, validate=True)
        except (ValueError, TypeError) as error:
            raise UserError(unreadable) from error
        if not content or len(content) > MAX_FILE_SIZE or guess_mimetype(content) != "image/png":
            raise UserError(unreadable)
        if not self._image_size_is_sane(content, MAX_SIGNATURE_PIXELS):
            raise UserError(unreadable)
        return base64.b64encode(content)

    @api.model
    def _image_size_is_sane(self, content, max_pixels):
        """Whether an image's header can be read and announces at most `max_pixels` pixels.

        Only the header is read (Pillow decodes nothing until asked), so a small file
        announcing a huge picture is refused before Odoo's attachment storage would
        decode it to resize it.
        """
        try:
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
        except (OSError, ValueError, Image.DecompressionBombError):
            return False
        return width > 0 and height > 0 and width * height <= max_pixels

    def _customer_set_conditions(self, accepted, ip_address=False, user_agent=False):
        """Accepting the conditions is recorded at once (version, time, IP); unticking withdraws it."""
        self.ensure_one()
        if not isinstance(accepted, bool):
            raise UserError(self.env._("Please tick or untick the box again."))
        if accepted:
            self._accept_agreements(ip_address=ip_address, user_agent=user_agent)
        else:
            self.acceptance_ids._withdraw(ip_address=ip_address, user_agent=user_agent)

    def _customer_reopen(self, ip_address=False, user_agent=False):
        """ "I changed my mind", once, until reception closes the overview for changes."""
        self.ensure_one()
        self._lock_for_answer()
        if not self._can_reopen():
            raise UserError(self.env._("This overview can no longer be changed: please call the workshop."))
        self._reopen_by_customer(ip_address=ip_address, user_agent=user_agent)

    # ------------------------------------------------------------------
    # Remarks
    # ------------------------------------------------------------------

    def _customer_add_remark(self, subject, body, files):
        """A remark with photos or videos ([(name, content)]): all of it checked before anything is kept."""
        self.ensure_one()
        subject = subject.strip() if isinstance(subject, str) else ""
        body = body.strip() if isinstance(body, str) else ""
        if not subject:
            raise UserError(self.env._("Please give your remark a subject."))
        if len(subject) > MAX_SUBJECT_LENGTH or len(body) > MAX_REMARK_LENGTH:
            raise UserError(
                self.env._(
                    "Your remark is too long (subject at most %(subject)s characters, text at most %(text)s).",
                    subject=MAX_SUBJECT_LENGTH,
                    text=MAX_REMARK_LENGTH,
                )
            )
        return self._add_customer_remark(subject, body, self._check_remark_files(files, self._remark_quota_left()))

    @api.model
    def _check_upload_request(self, token, content_length):
        """Refuse an upload from its link and its announced size, before its body is read.

        Called by `ir.http._pre_dispatch` for the upload route: a bad or closed link, a
        page without quota left or a body larger than what the page still takes is
        refused with the customer's sentence, without receiving the files.
        """
        if not isinstance(token, str):
            raise UserError(self._invalid_link_message())
        communication = self._open_for_answer(token, kind=("overview", "checkin"))
        quota = communication._remark_quota_left()
        allowed = min(MAX_REMARK_REQUEST, quota["bytes"] + MAX_REMARK_REQUEST - MAX_REMARK_FILES * MAX_FILE_SIZE)
        if content_length and content_length > allowed:
            raise RequestEntityTooLarge()  # answered with the customer's sentence (ir.http)
        if request:
            # A body sent without its length (chunked) is cut at the same size while it is read.
            request.httprequest.max_content_length = allowed
        return communication

    @api.model
    def _upload_too_large_message(self):
        return self.env._(
            "These files are too large: at most %(count)s files of %(mb)s MB each per remark, "
            "within what this page still takes.",
            count=MAX_REMARK_FILES,
            mb=MAX_FILE_SIZE // (1024 * 1024),
        )

    def _remark_quota_left(self):
        """What this page still takes (see `_upload_quota_left`), refusing at once when no remark is left."""
        quota = self._upload_quota_left()
        if not quota["remarks"]:
            raise UserError(
                self.env._(
                    "You have sent the %(count)s remarks this page takes: please call the workshop.",
                    count=MAX_REMARKS,
                )
            )
        return quota

    def _upload_quota_left(self):
        """What this page may still receive: remarks, files and bytes (``remarks``, ``files``, ``bytes``)."""
        self.ensure_one()
        remarks = self.sudo().remark_ids
        attachments = remarks.attachment_ids
        return {
            "remarks": max(0, MAX_REMARKS - len(remarks)),
            "files": max(0, MAX_FILES - len(attachments)),
            # As sent, not as stored: Odoo shrinks large photos when it stores them.
            "bytes": max(0, MAX_UPLOAD_TOTAL - sum(remarks.mapped("received_bytes"))),
        }

    def _upload_quota_text(self):
        """The upload limits, as the page states them to the customer."""
        self.ensure_one()
        quota = self._upload_quota_left()
        return self.env._(
            "Photos or videos: up to %(per_remark)s files per remark, %(file_mb)s MB each. "
            "This page still takes %(remarks)s remarks and %(files)s files (%(mb)s MB).",
            per_remark=MAX_REMARK_FILES,
            file_mb=MAX_FILE_SIZE // (1024 * 1024),
            remarks=quota["remarks"],
            files=quota["files"],
            mb=quota["bytes"] // (1024 * 1024),
        )

    def _check_remark_files(self, files, quota):
        """[(name, mimetype, content)] of the files, each recognised by its content; else why not."""
        if len(files) > MAX_REMARK_FILES:
            raise UserError(self.env._("At most %(count)s files per remark.", count=MAX_REMARK_FILES))
        if len(files) > quota["files"]:
            raise UserError(
                self.env._("This page takes only %(count)s more files: please call the workshop.", count=quota["files"])
            )
        if sum(len(content) for _name, content in files) > quota["bytes"]:
            raise UserError(
                self.env._(
                    "These files are larger than what this page still takes (%(mb)s MB).",
                    mb=quota["bytes"] // (1024 * 1024),
                )
            )
        checked = []
        for given_name, content in files:
            name = given_name if isinstance(given_name, str) else ""
            if len(content) > MAX_FILE_SIZE:
                raise UserError(self.env._("%(name)s is too large (at most 10 MB per file).", name=name))
            mimetype = guess_mimetype(content, default="application/octet-stream")
            if mimetype not in ALLOWED_FILE_TYPES:
                raise UserError(self.env._("%(name)s is not a photo or a video we can accept.", name=name))
            if mimetype in DECODED_IMAGE_TYPES and not self._image_size_is_sane(content, MAX_IMAGE_PIXELS):
                raise UserError(self.env._("%(name)s has too many pixels: please send a smaller photo.", name=name))
            checked.append((name[:128], mimetype, content))
        return checked

    # ------------------------------------------------------------------
    # Online check-in
    # ------------------------------------------------------------------

    def _customer_correct_contact(self, channel, email, phone, ip_address=False, user_agent=False):
        """Check-in welcome step: preferred channel and corrected e-mail / mobile, all checked first."""
        self.ensure_one()
        if channel not in ("email", "sms"):
            raise UserError(self.env._("Please choose e-mail or SMS."))
        changes = (
            self.env["repair.customer.event"]
            .sudo()
            .search_count([("communication_id", "=", self.id), ("event_type", "=", "contact_changed")])
        )
        if changes >= MAX_CONTACT_CHANGES:
            raise UserError(
                self.env._("Your contact details were changed several times already: please call the workshop.")
            )
        email = email.strip() if isinstance(email, str) else ""
        if email and not email_normalize(email):
            raise UserError(self.env._("“%(email)s” is not a valid e-mail address.", email=email))
        phone = phone.strip() if isinstance(phone, str) else ""
        partner = self.partner_id
        if phone:
            try:
                phone = partner.sudo()._workshop_phone_e164(phone, partner=partner)
            except UserError as error:
                raise UserError(self.env._("“%(phone)s” is not a valid mobile number.", phone=phone)) from error
        if channel == "email" and not (email or partner.email):
            raise UserError(self.env._("Please give an e-mail address to be reached by e-mail."))
        if channel == "sms" and not (phone or partner.phone):
            raise UserError(self.env._("Please give a mobile number to be reached by SMS."))
        self._update_customer_contact(channel, email, phone, ip_address=ip_address, user_agent=user_agent)

    def _customer_choose_service(self, service_id, choice):
        """Order a check-in service, ask to be called about it, or take the choice back."""
        self.ensure_one()
        try:
            service_id = int(service_id) if not isinstance(service_id, bool) else 0
        except (TypeError, ValueError):
            service_id = 0
        service = self._checkin_services().filtered(lambda s: s.id == service_id)
        if not service:
            raise UserError(self.env._("This service is not offered."))
        if choice not in ("order", "contact", False, None, ""):
            raise UserError(self.env._("This choice is not available for this item."))
        self._set_checkin_choice(service, choice or False)

    def _customer_set_limit(self, amount, ip_address=False, user_agent=False):
        """ "If you find more, go ahead up to this amount incl. VAT"."""
        self.ensure_one()
        try:
            amount = float(amount or 0) if not isinstance(amount, (bool, list, dict)) else -1.0
        except (TypeError, ValueError):
            amount = -1.0
        if not math.isfinite(amount) or not 0 <= amount <= MAX_APPROVAL_LIMIT:
            raise UserError(self.env._("Please give an amount between 0 and %(max)s.", max=int(MAX_APPROVAL_LIMIT)))
        self._set_approval_limit(amount, ip_address=ip_address, user_agent=user_agent)
