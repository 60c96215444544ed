from . import search_normalize
from . import customer_page_headers
from . import brand_color
