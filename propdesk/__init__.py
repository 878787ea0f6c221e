"""PropDesk: the complaint and service-request system of a property management company."""

__version__ = "0.1.0"
