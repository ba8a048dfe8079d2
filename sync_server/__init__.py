"""The network sync server: stores sealed envelopes it cannot open."""

__version__ = "0.1.0"
