import base64
import contextlib
import http.client
import io
import struct
import zlib
from unittest.mock import patch

from PIL import Image

from odoo.tests import HttpCase, tagged

from ..models import repair_customer_communication_answer as answer_module
from .common import WorkshopCommon


def _box(kind, payload):
    """An ISO base media box (MP4, MOV, HEIC are made of them)."""
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _png_header(width, height):
    """A PNG that announces `width` by `height` pixels in a few bytes (a decompression bomb's header)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
        + struct.pack(">I", 0)
        + b"IEND"
        + struct.pack(">I", zlib.crc32(b"IEND"))
    )


def _image(fmt, size=(4, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format=fmt)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestCustomerUploads(HttpCase, WorkshopCommon):
    """Uploads on the customer's page: content sniffing, pixel caps, quotas and a size cap checked before reading."""

    MP4 = _box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom") + _box(b"mdat", b"\x00" * 64)
    MOV = _box(b"ftyp", b"qt  \x00\x00\x02\x00qt  ") + _box(b"mdat", b"\x00" * 64)
    HEIC = _box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + _box(b"meta", b"\x00" * 64)
    WEBM = (
        bytes.fromhex("1a45dfa3")
        + bytes.fromhex("9f4286810142f7810142f2810442f381084282847765626d42878104428581021853806701")
        + b"\x00" * 64
    )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.upload_order = cls._create_customer_order([("Brake pads", "necessary", 200.0)])
        cls.communication = cls._send_overview(cls.upload_order)

    def _csrf(self):
        # A session and its CSRF token (Odoo's login form shows it; a full page has no remark form).
        return self.url_open("/web/login").text.split('name="csrf_token" value="')[1].split('"')[0]

    def _post_remark(self, data, files=None, token=None):
        token = token or self.communication._get_token()
        csrf = self._csrf()
        response = self.url_open(f"/workshop/c/{token}/remark", data=dict(data, csrf_token=csrf), files=files or [])
        self.assertIn("no-store", response.headers["Cache-Control"])
        self.assertNotIn("Traceback", response.text)
        return response

    def _post_announcing(self, token, content_length):
        """A POST whose headers announce `content_length` bytes, of which none is sent: what the server reads first."""
        self.env.flush_all()  # as url_open does: the server shares the test's cursor
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port(), timeout=20)
        with self.allow_requests():
            connection.putrequest("POST", f"/workshop/c/{token}/remark")
            connection.putheader("Content-Type", "multipart/form-data; boundary=x")
            connection.putheader("Content-Length", str(content_length))
            connection.putheader("Cookie", "; ".join(f"{c.name}={c.value}" for c in self.opener.cookies))
            connection.endheaders()
            response = connection.getresponse()
            answer = response.status, response.getheader("Content-Type"), response.read().decode()
        connection.close()
        return answer

    # ------------------------------------------------------------------
    # Content
    # ------------------------------------------------------------------

    def test_a_first_visitor_sends_a_remark_with_the_pages_own_token(self):
        """No Odoo session before the link: the page's form carries the token its remark is posted with."""
        self.opener.cookies.set("session_id", None)  # a new visitor
        token = self.communication._get_token()
        page = self.url_open(f"/workshop/c/{token}").text
        csrf = page.split('name="csrf_token" value="')[1].split('"')[0]
        response = self.url_open(f"/workshop/c/{token}/remark", data={"subject": "Rattle", "csrf_token": csrf})
        self.assertTrue(response.json()["ok"], response.text)
        self.assertEqual(self.communication.remark_ids.subject, "Rattle")

    def test_videos_and_heic_photos_are_recognised_by_their_content(self):
        files = [
            ("files", ("clip.mp4", self.MP4)),
            ("files", ("clip.mov", self.MOV)),
            ("files", ("clip.webm", self.WEBM)),
            ("files", ("photo.heic", self.HEIC)),
        ]
        result = self._post_remark({"subject": "Noise on video"}, files=files).json()
        self.assertTrue(result["ok"], result)
        attachments = self.upload_order.customer_remark_ids.attachment_ids
        self.assertEqual(
            sorted(attachments.mapped("mimetype")), ["image/heic", "video/mp4", "video/quicktime", "video/webm"]
        )

    def test_a_renamed_file_is_refused_whatever_its_name(self):
        result = self._post_remark({"subject": "Video"}, files=[("files", ("clip.mp4", b"MZ\x90\x00" * 40))]).json()
        self.assertFalse(result["ok"])
        self.assertIn("clip.mp4 is not a photo or a video", result["error"])
        self.assertFalse(self.upload_order.customer_remark_ids)

    def test_an_image_announcing_too_many_pixels_is_refused_before_anything_decodes_it(self):
        bomb = _png_header(20000, 20000)
        self.assertLess(len(bomb), 100)
        result = self._post_remark({"subject": "Photo"}, files=[("files", ("huge.png", bomb))]).json()
        self.assertFalse(result["ok"])
        self.assertIn("huge.png has too many pixels", result["error"])
        self.assertFalse(self.upload_order.customer_remark_ids)
        # Within the cap, the same kind of file is taken.
        result = self._post_remark({"subject": "Photo"}, files=[("files", ("ok.png", _image("PNG")))]).json()
        self.assertTrue(result["ok"], result)

    # ------------------------------------------------------------------
    # Quotas
    # ------------------------------------------------------------------

    def test_the_page_states_its_quota_and_refuses_remarks_past_it(self):
        token = self.communication._get_token()
        page = self.url_open(f"/workshop/c/{token}").text
        self.assertIn("This page still takes 10 remarks and 20 files (100 MB).", page)
        for index in range(answer_module.MAX_REMARKS):
            self.communication._add_customer_remark(f"Remark {index}", "", [])
        result = self._post_remark({"subject": "One more"}).json()
        self.assertFalse(result["ok"])
        self.assertIn("You have sent the 10 remarks this page takes", result["error"])
        self.assertEqual(len(self.upload_order.customer_remark_ids), answer_module.MAX_REMARKS)
        page = self.url_open(f"/workshop/c/{token}").text
        self.assertIn("This page takes no more remarks", page)
        self.assertNotIn("o_workshop_remark_form", page)

    def test_files_past_the_pages_file_quota_are_refused_whole(self):
        png = _image("PNG")
        for index in range(4):
            self.communication._add_customer_remark(
                f"Photos {index}", "", [(f"p{i}.png", "image/png", png) for i in range(5)]
            )
        self.assertEqual(self.communication._upload_quota_left()["files"], 0)
        result = self._post_remark({"subject": "More"}, files=[("files", ("late.png", png))]).json()
        self.assertFalse(result["ok"])
        self.assertIn("This page takes only 0 more files", result["error"])
        self.assertEqual(len(self.upload_order.customer_remark_ids), 4)

    def test_files_past_the_pages_byte_quota_are_refused_whole(self):
        png = _image("PNG")
        with patch.object(answer_module, "MAX_UPLOAD_TOTAL", len(png) + 10):
            self.assertTrue(self._post_remark({"subject": "First"}, files=[("files", ("a.png", png))]).json()["ok"])
            result = self._post_remark({"subject": "Second"}, files=[("files", ("b.png", png))]).json()
        self.assertFalse(result["ok"])
        self.assertIn("larger than what this page still takes", result["error"])
        self.assertEqual(self.upload_order.customer_remark_ids.mapped("subject"), ["First"])

    # ------------------------------------------------------------------
    # The request's size, checked before its body is read
    # ------------------------------------------------------------------

    def test_a_body_over_the_routes_cap_is_refused_unread(self):
        status, content_type, body = self._post_announcing(
            self.communication._get_token(), answer_module.MAX_REMARK_REQUEST + 1
        )
        self.assertEqual(status, 413, body)
        self.assertIn("application/json", content_type)
        self.assertIn("These files are too large", body)
        self.assertNotIn("Traceback", body)
        self.assertFalse(self.upload_order.customer_remark_ids)

    def test_a_chunked_body_is_cut_at_what_the_page_still_takes(self):
        """A body sent without its length is read only up to the page's remaining quota."""
        self.env.flush_all()
        token = self.communication._get_token()
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port(), timeout=20)
        with patch.object(answer_module, "MAX_UPLOAD_TOTAL", 64 * 1024), self.allow_requests():
            connection.putrequest("POST", f"/workshop/c/{token}/remark")
            connection.putheader("Content-Type", "multipart/form-data; boundary=x")
            connection.putheader("Transfer-Encoding", "chunked")
            connection.putheader("Cookie", "; ".join(f"{c.name}={c.value}" for c in self.opener.cookies))
            connection.endheaders()
            chunk = b'--x\r\nContent-Disposition: form-data; name="subject"\r\n\r\n' + b"a" * (600 * 1024)
            with contextlib.suppress(OSError):  # the server may stop reading and close first
                connection.send(b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk))
            response = connection.getresponse()
            status, body = response.status, response.read().decode()
        connection.close()
        self.assertEqual(status, 413, body)
        self.assertIn("These files are too large", body)
        self.assertFalse(self.upload_order.customer_remark_ids)

    def test_an_expired_form_is_told_to_reload(self):
        token = self.communication._get_token()
        self._csrf()
        response = self.url_open(f"/workshop/c/{token}/remark", data={"subject": "x", "csrf_token": "expired"})
        self.assertIn("please reload it", response.json()["error"])
        self.assertFalse(self.upload_order.customer_remark_ids)

    def test_the_byte_quota_counts_files_as_sent(self):
        png = _image("PNG", size=(300, 300))
        self.assertTrue(self._post_remark({"subject": "Photo"}, files=[("files", ("a.png", png))]).json()["ok"])
        self.assertEqual(self.upload_order.customer_remark_ids.received_bytes, len(png))

    def test_a_bad_link_is_refused_before_a_large_body_is_read(self):
        status, content_type, body = self._post_announcing("0" * 64, 40 * 1024 * 1024)
        self.assertEqual(status, 200)
        self.assertIn("application/json", content_type)
        self.assertIn("This link is not valid", body)

    def test_a_body_larger_than_the_pages_remaining_quota_is_refused_unread(self):
        with patch.object(answer_module, "MAX_UPLOAD_TOTAL", 1024 * 1024):
            status, _content_type, body = self._post_announcing(self.communication._get_token(), 3 * 1024 * 1024)
        self.assertEqual(status, 413)
        self.assertIn("These files are too large", body)

    def test_a_closed_overview_takes_no_upload(self):
        self.communication.state = "closed"
        status, _content_type, body = self._post_announcing(self.communication._get_token(), 2 * 1024 * 1024)
        self.assertEqual(status, 200)
        self.assertIn("can no longer be changed", body)

    # ------------------------------------------------------------------
    # Signature
    # ------------------------------------------------------------------

    def test_the_signature_must_be_a_png_of_sane_size(self):
        Communication = self.env["repair.customer.communication"]
        self.assertTrue(Communication._decode_signature(base64.b64encode(_image("PNG")).decode()))
        for content in (_image("JPEG"), _image("GIF"), _png_header(5000, 5000), b"\x89PNG\r\n\x1a\n"):
            with self.subTest(content=content[:12]), self.assertRaisesRegex(Exception, "could not be read"):
                Communication._decode_signature(base64.b64encode(content).decode())

    # ------------------------------------------------------------------
    # Errors of the pages themselves
    # ------------------------------------------------------------------

    def test_a_page_that_fails_shows_a_sentence_never_a_traceback(self):
        token = self.communication._get_token()
        with (
            patch.object(
                type(self.env["repair.customer.communication"]),
                "_customer_summary",
                side_effect=RuntimeError("boom secret"),
            ),
            self.assertLogs("odoo.addons.repair_customer_communication.models.ir_http", "WARNING"),
        ):
            response = self.url_open(f"/workshop/c/{token}")
        self.assertEqual(response.status_code, 500)
        self.assertIn("Sorry, this page could not be shown", response.text)
        self.assertNotIn("boom secret", response.text)
        self.assertNotIn("Traceback", response.text)
        self.assertIn("no-store", response.headers["Cache-Control"])
