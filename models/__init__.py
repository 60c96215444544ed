from . import fleet_vehicle
from . import repair_order
from . import repair_work_item
from . import res_company
from . import res_config_settings
from . import res_partner
