"""Reading devices: the list (search, filters, sorts, pages) and its exports, a device's
history as people read it, and the public page behind every label. Always within what the
reader may see (`recond.scopes`)."""
from recond.inventory.exports import export
from recond.inventory.history import events as history
from recond.inventory.history import rows as readable_history
from recond.inventory.listing import device_list, search, search_by_query
from recond.inventory.public import open_label

__all__ = ["device_list", "export", "history", "open_label", "readable_history", "search",
           "search_by_query"]
