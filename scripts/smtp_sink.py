"""A local SMTP sink for the demo: every message Odoo sends lands as an .eml file.

Nothing leaves the machine; the user reads the messages in the folder given.
"""

import argparse
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class MaildirHandler:
    """Stores each received message as `<timestamp>-<n>.eml` in a folder."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.count += 1
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{self.count:04d}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content)
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
