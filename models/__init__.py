# The mixin first: the models below inherit from it.
from . import repair_priced_line_mixin

from . import crm_lead
from . import customer_notification
from . import customer_notification_rule
from . import fleet_vehicle
from . import ir_http
from . import ir_qweb
from . import mail_mail
from . import repair_checkin_choice
from . import repair_checkin_service
from . import repair_customer_agreement
from . import repair_customer_agreement_acceptance
from . import repair_customer_communication
from . import repair_customer_communication_answer
from . import repair_customer_communication_line
from . import repair_customer_communication_page
from . import repair_customer_event
from . import repair_customer_remark
from . import repair_order
from . import repair_order_notification_events
from . import repair_work_item
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sms_sms
from . import sms_tracker
