from . import customer_notification_rule_bulk
from . import repair_communication_send
from . import repair_communication_send_recipient
from . import customer_notification_sms_composer
from . import repair_quotation_change
