from . import customer_page
from . import incoming_sms
