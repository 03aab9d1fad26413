"""The content-hash cache of generated files: each file is redrawn only when something it shows changes.

A generated file's key (see `asset_key`) covers exactly what it depends on:
- its inputs: the parameters and the data it shows (e.g. the numbers of an experiment's table);
- the code that makes it: the source of the modules named as its `code`, and of every actref module they
  import in turn, except the catalogue (see below);
- the specs it shows, each by its own fingerprint (`spec_fingerprint`): forward, derivative, built-in and the
  helper functions they call, expressions, parameters, properties. So editing one activation redraws that
  activation's files only, and editing the figure code redraws figures but recomputes no table;
- the versions of the libraries that compute and draw, and the CJK font that draws Chinese text
  (`library_versions`).

The key has no language in it: a figure without words is the same file for the English and the Chinese page
(the zh build finds it in the cache); one with words gets its words as inputs, so each language has its own.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
import hashlib
import importlib
import importlib.util
import inspect
import json
import os
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

ACTREF_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = ACTREF_DIR.parent
# Never part of a code fingerprint (see _is_code): the facade `actref` (it imports everything) and the
# catalogue (each spec enters a key through its own fingerprint, so editing one spec does not touch the keys
# of the others).
# The code that evaluates any spec (Activation.__call__, its parameter checks): part of the code of every
# file that shows a spec.
SPEC_CODE = ("actref.registry",)


def cache_root_dir(project_root: Path) -> Path:
    """Where generated files are cached: $ACTREF_CACHE_DIR, or <project>/.cache (gitignored)."""
    return Path(os.environ.get("ACTREF_CACHE_DIR") or project_root / ".cache")


def library_versions() -> str:
    """The versions of the libraries that compute and draw the generated files, and the CJK font file that
    draws Chinese text in figures (part of every key)."""
    from importlib import metadata

    from actref.site.svg import cjk_font_id

    names = ("torch", "numpy", "sympy", "matplotlib")
    versions = ";".join(f"{n}={metadata.version(n)}" for n in names) + f";python={sys.version_info[:2]}"
    return versions + f";cjk_font={cjk_font_id()}"


# ---------------------------------------------------------------------------------------------- code
def module_source(name: str) -> str:
    """The source text of module `name` (tests replace this to simulate an edit)."""
    return inspect.getsource(importlib.import_module(name))


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, AttributeError, ValueError):  # `from actref.registry import Activation`: a name
        return False


def _is_code(name: str) -> bool:
    """Whether `name` is an actref module whose source counts as code (not the facade, not the catalogue)."""
    if not name.startswith("actref.") or name == "actref.catalog" or name.startswith("actref.catalog."):
        return False
    return _is_module(name)


def imported_modules(name: str) -> set[str]:
    """The actref modules `name` imports anywhere in its source (inside functions too), by name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(module_source(name))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from actref.site import svg` imports a module (the package's __init__ adds no code);
            # `from actref.registry import Activation` imports a name of a module.
            submodules = [f"{node.module}.{a.name}" for a in node.names]
            if all(_is_module(m) for m in submodules):
                found.update(submodules)
            else:
                found.add(node.module)
    return {m for m in found if _is_code(m)}


def code_modules(*roots: str) -> list[str]:
    """`roots` and every actref module they import, transitively (except the facade and the catalogue)."""
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(imported_modules(name) - seen)
    return sorted(seen)


def code_fingerprint(modules: Iterable[types.ModuleType | str]) -> dict[str, str]:
    """module name → sha256 of its source, for `modules` and the actref modules they import."""
    roots = [m if isinstance(m, str) else m.__name__ for m in modules]
    return {name: hashlib.sha256(module_source(name).encode()).hexdigest() for name in code_modules(*roots)}


# ---------------------------------------------------------------------------------------------- specs
def _function_parts(fn: Callable, seen: set[int]) -> list[Any]:
    """A Python function's source, its defaults and closure, and the same for the module-level functions of
    its own module that it calls (helpers), so an edit to a helper changes the fingerprint too."""
    if id(fn) in seen:
        return ["seen", fn.__qualname__]
    seen.add(id(fn))
    try:
        source = inspect.getsource(fn)
    except (OSError, TypeError):
        source = f"{fn.__module__}.{fn.__qualname__}"
    parts: list[Any] = [source, _value(fn.__defaults__, seen)]
    if fn.__closure__:
        parts.append([_value(c.cell_contents, seen) for c in fn.__closure__])
    names: set[str] = set()
    codes = [fn.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    for name in sorted(names):
        helper = fn.__globals__.get(name)
        if inspect.isfunction(helper) and helper.__module__ == fn.__module__:
            parts.append([name, _function_parts(helper, seen)])
    return parts


def _value(obj: Any, seen: set[int]) -> Any:
    """A JSON-ready, deterministic description of one field of a spec."""
    import sympy

    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, sympy.Basic):
        return ["sympy", sympy.srepr(obj)]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [
            type(obj).__name__,
            {f.name: _value(getattr(obj, f.name), seen) for f in dataclasses.fields(obj)},
        ]
    if isinstance(obj, Mapping):
        return ["map", sorted(([str(k), _value(v, seen)] for k, v in obj.items()), key=lambda kv: kv[0])]
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [_value(v, seen) for v in obj]
        return [type(obj).__name__, sorted(items, key=repr) if isinstance(obj, (set, frozenset)) else items]
    if isinstance(obj, functools.partial):
        return ["partial", _value(obj.func, seen), _value(obj.args, seen), _value(obj.keywords, seen)]
    if inspect.isfunction(obj):
        return ["function", _function_parts(obj, seen)]
    if isinstance(obj, type) or callable(obj):  # a class or a built-in: its name says what it is
        return ["callable", f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', repr(obj))}"]
    return ["repr", repr(obj)]


def spec_fingerprint(spec: Any) -> str:
    """sha256 of everything that defines one activation (see the module docstring)."""
    return hashlib.sha256(json.dumps(_value(spec, set())).encode()).hexdigest()


# ---------------------------------------------------------------------------------------------- keys
def _canonical(obj: Any) -> Any:
    """A JSON-ready form of `obj` that does not depend on dict or set ordering."""
    if isinstance(obj, dict):
        return ["dict", sorted(([_canonical(k), _canonical(v)] for k, v in obj.items()), key=repr)]
    if isinstance(obj, (list, tuple)):
        return [type(obj).__name__, [_canonical(v) for v in obj]]
    if isinstance(obj, (set, frozenset)):
        return ["set", sorted((_canonical(v) for v in obj), key=repr)]
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, Path):
        return ["path", obj.as_posix()]
    return ["repr", repr(obj)]


def asset_key(name: str, inputs: Any, code: Mapping[str, str], specs: Iterable[str], versions: str) -> str:
    """The cache key of a generated file: a hash of its name, inputs, code, specs and library versions.

    `inputs` may nest dicts, lists, tuples, sets and scalars; anything else enters by its repr, which must
    then be deterministic. `code` is a `code_fingerprint`, `specs` are `spec_fingerprint`s.
    """
    payload = json.dumps([name, _canonical(inputs), sorted(code.items()), sorted(specs), versions])
    return hashlib.sha256(payload.encode()).hexdigest()


def source_digest(package_dir: Path = ACTREF_DIR, exclude: tuple[str, ...] = ("site",)) -> str:
    """A hash of actref's source files outside `exclude` (by default: all but the site layer) and of the
    library versions. It keys what runs the whole package, as the executed notebooks do."""
    h = hashlib.sha256(library_versions().encode() + b"\n")
    for path in sorted(p for p in package_dir.rglob("*.py") if "__pycache__" not in p.parts):
        rel = path.relative_to(package_dir)
        if rel.parts[0] in exclude:
            continue
        h.update(rel.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
