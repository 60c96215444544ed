from . import customer_page
from . import customer_payment
from . import incoming_sms
