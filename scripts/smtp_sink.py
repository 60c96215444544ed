"""A local SMTP sink for the demo: every message Odoo sends lands as an .eml file.

Nothing leaves the machine; the user reads the messages in the folder given. The
workshop's messages stay at the top of the folder; Odoo's own notifications to its
users about other records (the activities and meetings of Odoo's demo data) go
into its `odoo/` subfolder, so that they do not bury the workshop's.
"""

import argparse
import time
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller

# Subfolder of Odoo's notifications about records that are not the workshop's.
OTHER_FOLDER = "odoo"
# Records of the workshop: work orders and their items, customer links, message queue, vehicles.
WORKSHOP_MODEL_PREFIXES = ("repair.", "customer.notification", "fleet.vehicle")


def concerns_workshop(headers):
    """Whether a message is the workshop's, from its headers.

    Odoo names the records a notification to its users is about in `X-Odoo-Objects`
    (`model-id`, comma-separated): such a message is the workshop's when one of them is
    a workshop record. A message without it (an e-mail to a customer from a template)
    is the workshop's too: nothing is hidden that cannot be told apart.
    """
    objects = [obj.strip() for obj in (headers.get("X-Odoo-Objects") or "").split(",") if obj.strip()]
    if not objects:
        return True
    return any(obj.rpartition("-")[0].startswith(WORKSHOP_MODEL_PREFIXES) for obj in objects)


class MaildirHandler:
    """Stores each received message as `<timestamp>-<n>.eml`, the workshop's at the top of a folder."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.other_folder = self.folder / OTHER_FOLDER
        self.other_folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def folder_for(self, content):
        headers = BytesHeaderParser().parsebytes(content)
        return self.folder if concerns_workshop(headers) else self.other_folder

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.count += 1
        content = envelope.original_content or envelope.content
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{self.count:04d}.eml"
        (self.folder_for(content) / name).write_bytes(content)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--folder", required=True)
    args = parser.parse_args()
    controller = Controller(MaildirHandler(args.folder), hostname="127.0.0.1", port=args.port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
