"""The officials' user interface: the work queue and the case page with its actions."""
