from . import customer_page
from . import sms_delivery_reports
