from . import repair_communication_send
from . import repair_communication_send_recipient
