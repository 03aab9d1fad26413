"""One build's state (the cache, provenance, MkDocs' objects) and the Context a page's directives get."""

from __future__ import annotations

import concurrent.futures
import functools
import json
import multiprocessing
import os
import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from actref.jsonfile import write_json_atomic
from actref.site import i18n, svg
from actref.site.cache import (
    REPO_ROOT,
    SPEC_CODE,
    asset_key,
    cache_root_dir,
    code_fingerprint,
    library_versions,
    spec_fingerprint,
)
from actref.site.provenance import Provenance

if TYPE_CHECKING:
    from actref.registry import Activation

EXPERIMENT_MODES = ("run", "cached", "smoke")


def experiments_mode() -> str:
    """ACTREF_EXPERIMENTS (run, cached or smoke); by default run on a CUDA machine, cached elsewhere."""
    mode = os.environ.get("ACTREF_EXPERIMENTS", "").strip().lower()
    if not mode:
        import torch

        return "run" if torch.cuda.is_available() else "cached"
    if mode not in EXPERIMENT_MODES:
        raise ValueError(
            f"ACTREF_EXPERIMENTS={mode!r} is not a mode; use one of {', '.join(EXPERIMENT_MODES)} (or unset it)."
        )
    return mode


def _draw(make: Callable[[Path], None], path: Path) -> None:
    """make(path) in the house matplotlib style (the same in this process and in a worker)."""
    with svg.drawing():
        make(path)


def _start_worker(parent: int) -> None:
    import threading
    import time

    import torch

    torch.set_num_threads(1)  # one process per core: threads inside each would only contend

    def exit_with_parent() -> None:
        # A pool worker waits for work forever; if the build is killed, it must not outlive it.
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=exit_with_parent, daemon=True).start()


class SiteBuild:
    """State shared by every page of one build: the cache, library versions, provenance, MkDocs objects.

    With `config=None` it works without MkDocs (tests render page markdown with it); with `draw=False`,
    `Context.asset` returns the URL a file would have but draws nothing. With `workers` ≥ 1, a generated
    file whose `make` is a functools.partial (picklable) is drawn in a pool of that many processes while the
    pages go on rendering; `finish()` waits for them (the hooks call it before MkDocs copies the files).
    """

    def __init__(
        self,
        config: Any = None,
        cache_dir: Path | None = None,
        draw: bool = True,
        mode: str | None = None,
        workers: int = 0,
        lang: str = i18n.DEFAULT_LANGUAGE,
        previous: SiteBuild | None = None,
    ):
        """`previous`: the build of another language that just ran in this process (mkdocs-static-i18n builds
        the default language, then the others), whose fingerprints, provenance and generated files this one
        reuses: a generated file with the same cache key in both is one file in the site, linked from both."""
        self.config = config
        self.lang = i18n.check_language(lang)  # the language of the pages this build renders (en, zh)
        self.docs_dir = Path(config.docs_dir) if config is not None else REPO_ROOT / "docs"
        self.files: Any = None
        self.cache_dir = Path(cache_dir or cache_root_dir(REPO_ROOT) / "actref")
        self.draw = draw
        self.versions = previous.versions if previous is not None else library_versions()
        self.provenance = previous.provenance if previous is not None else Provenance.current()
        self.experiments_mode = mode or (
            previous.experiments_mode if previous is not None else experiments_mode()
        )
        self.drawn: list[str] = []  # assets drawn in this build (a warm build draws none)
        self.reused: list[str] = []
        self.keys: dict[str, str] = {}  # generated file (or "data:NAME") → its cache key, in this build
        # The default language's generated files (name → key), from the build before this one: a file of this
        # build with the same name and key is that file; one whose key differs (it shows words) is its own file,
        # under LANG/generated/, so it does not overwrite the other language's.
        self.shared_keys: dict[str, str] = (
            dict(previous.keys) if previous is not None and previous.lang == i18n.DEFAULT_LANGUAGE else {}
        )
        self.workers = workers
        # Fingerprints, computed once per run (a language's build after the default one starts from its memo).
        self._code: dict[tuple[str, ...], dict[str, str]] = previous._code if previous is not None else {}
        self._specs: dict[int, tuple[Activation, str]] = previous._specs if previous is not None else {}
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self._pending: list[tuple[str, Path, Path, concurrent.futures.Future]] = []

    def key(self, name: str, inputs: Any, code: Iterable[ModuleType], specs: Iterable[Activation]) -> str:
        """The cache key of generated file `name` (see actref.site.cache for what it covers)."""
        specs = list(specs)
        modules = tuple(sorted({m.__name__ for m in code} | (set(SPEC_CODE) if specs else set())))
        if modules not in self._code:
            self._code[modules] = code_fingerprint(modules)
        for spec in specs:
            if id(spec) not in self._specs:
                self._specs[id(spec)] = (spec, spec_fingerprint(spec))  # the spec is kept: ids stay unique
        fingerprints = [self._specs[id(s)][1] for s in specs]
        key = asset_key(name, inputs, self._code[modules], fingerprints, self.versions)
        self.keys[name] = key
        return key

    def draw_file(self, name: str, make: Callable[[Path], None], path: Path) -> None:
        """Draw `path` now, or in the pool when there is one and `make` can travel there."""
        tmp = path.with_name(f"{path.name.split('.', 1)[0]}.tmp{os.getpid()}{''.join(path.suffixes)}")
        if self.workers >= 1 and isinstance(make, functools.partial):
            if self._pool is None:
                context = multiprocessing.get_context("fork")  # workers inherit the imported modules
                self._pool = concurrent.futures.ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
                )
            self._pending.append((name, tmp, path, self._pool.submit(_draw, make, tmp)))
            return
        _draw(make, tmp)
        self._store(name, tmp, path)

    def is_pending(self, path: Path) -> bool:
        """Whether `path` is being drawn in the pool (a second page showing it reuses that drawing)."""
        return any(p == path for _, _, p, _ in self._pending)

    def _store(self, name: str, tmp: Path, path: Path) -> None:
        if not tmp.exists():
            raise FileNotFoundError(f"make() for asset {name!r} did not write {tmp}.")
        path.with_name(path.name.split(".", 1)[0] + ".json").write_text(json.dumps(self.provenance.__dict__))
        os.replace(tmp, path)

    def finish(self) -> None:
        """Wait for the files drawn in the pool and put them in place; raise the first failure, naming it."""
        pending, self._pending = self._pending, []
        try:
            for name, tmp, path, future in pending:
                try:
                    future.result()
                except Exception as e:
                    raise RuntimeError(f"drawing generated/{name} failed: {type(e).__name__}: {e}") from e
                self._store(name, tmp, path)
        finally:
            self.close()

    def close(self) -> None:
        """Stop the drawing pool, if one was started (a failed build leaves nothing running)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def context(self, page_src: str) -> Context:
        return Context(self, page_src)

    def asset_uri(self, name: str, key: str) -> str:
        """Where generated file `name` (cache key `key`) goes in the site: generated/NAME, shared by the
        languages when the default language's build had the same file; LANG/generated/NAME when this
        language's differs (a figure with words, drawn in each language)."""
        if self.lang == i18n.DEFAULT_LANGUAGE or self.shared_keys.get(name, key) == key:
            return f"generated/{name}"
        return f"{self.lang}/generated/{name}"

    def register(self, uri: str, path: Path) -> None:
        """Add a generated file to the MkDocs build so it is copied into the site and links to it validate."""
        if self.files is None or self.config is None:
            return
        from mkdocs.structure.files import File, InclusionLevel

        existing = self.files.get_file_from_path(uri)
        if existing is not None:
            if Path(existing.abs_src_path or "") != path:
                raise ValueError(f"Two different generated files claim {uri!r}; give them distinct names.")
            return
        self.files.append(
            File.generated(self.config, uri, abs_src_path=str(path), inclusion=InclusionLevel.INCLUDED)
        )


class Context:
    """What a directive or provider gets: the page being built, generated assets, provenance, the mode."""

    def __init__(self, build: SiteBuild, page_src: str):
        self.build = build
        self.page_src = page_src
        self.experiments_mode = build.experiments_mode
        self.lang = build.lang

    def _(self, message: str, **fields: object) -> str:
        """A generated message in the page's language (actref.site.i18n): `ctx._("Measured on {device}.", device=d)`."""
        return i18n.translate(self.lang, message, **fields)

    def spec_text(self, spec: Activation, key: str) -> str:
        """A spec's text field (`summary`, `init.why`, `kinks.0.note`, ...) in the page's language."""
        return i18n.spec_text(spec, key, self.lang, self.build.docs_dir)

    def asset(
        self,
        name: str,
        inputs: Any,
        make: Callable[[Path], None],
        *,
        code: Iterable[ModuleType],
        specs: Iterable[Activation] = (),
    ) -> str:
        """Ensure `generated/<name>` is in the site, drawing it with make(path) only when its key changed.

        The key covers `inputs` (the parameters and the data the file shows), the source of the `code`
        modules that draw it (and of the actref modules they import) and the fingerprints of the `specs` it
        shows. Pass `make` as functools.partial(module_function, ...) with plain arguments and a cold build
        draws it in parallel with the other figures. Returns the file's URL relative to the current page.
        """
        if name.startswith("/") or ".." in Path(name).parts:
            raise ValueError(
                f"Asset name {name!r} must be a relative path without '..' (e.g. figures/relu.svg)."
            )
        key = self.build.key(name, inputs, code, specs)
        uri = self.build.asset_uri(name, key)
        path = self.build.cache_dir / f"{key}{''.join(Path(name).suffixes)}"
        if self.build.draw:
            if path.exists() or self.build.is_pending(path):
                self.build.reused.append(name)
            else:
                self.build.cache_dir.mkdir(parents=True, exist_ok=True)
                self.build.draw_file(name, make, path)
                self.build.drawn.append(name)
            self.build.register(uri, path)
        return posixpath.relpath(uri, posixpath.dirname(self.page_src) or ".")

    def cached(
        self,
        name: str,
        inputs: Any,
        compute: Callable[[], Any],
        *,
        code: Iterable[ModuleType],
        specs: Iterable[Activation] = (),
    ) -> Any:
        """compute(), memoised on disk under a key like an asset's (its result must be JSON).

        For numbers a page shows (tables computed by training a small model, say): a warm rebuild reads them
        back instead of recomputing; a change to the `code` that computes them or to one of the `specs`
        recomputes them.
        """
        key = self.build.key(f"data:{name}", inputs, code, specs)
        path = self.build.cache_dir / f"{key}.data.json"
        if path.exists():
            self.build.reused.append(f"data:{name}")
            return json.loads(path.read_text())["value"]
        write_json_atomic(path, {"value": compute(), "provenance": self.build.provenance.__dict__})
        self.build.drawn.append(f"data:{name}")
        return json.loads(path.read_text())["value"]  # the same (JSON) form as a warm build returns

    def provenance(self, name: str | None = None) -> str:
        """What made asset `name`, or this build (actref version, git commit, date) when name is None."""
        if name is None:
            return self.build.provenance.describe(self._)
        return self._asset_provenance(name)

    def _asset_provenance(self, name: str) -> str:
        """'cached under content hash <hash>, drawn <date>' for a generated file.

        The hash (of the inputs, the code, the specs and the library versions) identifies what the file shows; a git commit would
        not (a cache hit may have been drawn at an older commit with the same source), so one is named only
        for a file drawn in this build from a clean tree.
        """
        wanted = self.build.asset_uri(name, self.build.keys.get(name, ""))
        for uri, path in self._registered():
            if uri != wanted:
                continue
            key = path.name.split(".", 1)[0]
            sidecar = path.with_name(key + ".json")
            meta = Provenance(**json.loads(sidecar.read_text())) if sidecar.exists() else None
            if meta is None and name in self.build.drawn:  # still being drawn in the pool
                meta = self.build.provenance
            if meta is None:
                return self._("cached under content hash <code>{key}</code>", key=key[:12])
            if name in self.build.drawn and not meta.dirty:
                return self._(
                    "cached under content hash <code>{key}</code>, drawn {date} at git {commit}",
                    key=key[:12],
                    date=meta.date,
                    commit=meta.commit,
                )
            return self._(
                "cached under content hash <code>{key}</code>, drawn {date}", key=key[:12], date=meta.date
            )
        return self._(
            "drawn by actref {version}, {date}",
            version=self.build.provenance.version,
            date=self.build.provenance.date,
        )

    def _registered(self):
        files = self.build.files
        if files is None:
            return []
        generated = ("generated/", f"{self.lang}/generated/")
        return [(f.src_uri, Path(f.abs_src_path)) for f in files if f.src_uri.startswith(generated)]
