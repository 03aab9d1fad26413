"""actref's version, in a module of its own so code inside the package can read it without the facade."""

__version__ = "0.1.0"
