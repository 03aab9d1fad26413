"""MkDocs hooks: forward every event to actref.site, where the build-time generation lives."""

from actref.site.hooks import Hooks

_hooks = Hooks()

on_startup = _hooks.on_startup
on_config = _hooks.on_config
on_files = _hooks.on_files
on_page_markdown = _hooks.on_page_markdown
on_env = _hooks.on_env
on_page_context = _hooks.on_page_context
on_post_page = _hooks.on_post_page
on_post_build = _hooks.on_post_build
on_build_error = _hooks.on_build_error
