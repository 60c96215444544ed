from . import search_normalize
