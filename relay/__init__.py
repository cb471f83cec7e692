"""relay: watch, translate, review and republish worker organisations' Telegram posts."""
__version__ = "0.1.0"
