"""The error a page raises when it does not match the registry or the page contract (it fails the build)."""


class PageError(Exception):
    """A page does not match the registry or the page contract (fails the build)."""
