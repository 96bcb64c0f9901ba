"""tribu: micro-community intelligence for marketers."""

__version__ = "0.1.0"
__all__ = ["__version__"]
