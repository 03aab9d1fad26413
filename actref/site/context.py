"""One build's state (the cache, provenance, MkDocs' objects) and the Context a page's directives get."""

from __future__ import annotations

import json
import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from actref.jsonfile import write_json_atomic
from actref.site.cache import REPO_ROOT, asset_key, cache_root_dir, source_digest
from actref.site.provenance import Provenance

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


class SiteBuild:
    """State shared by every page of one build: the cache, the source digest, provenance, MkDocs objects.

    With `config=None` it works without MkDocs (tests render page markdown with it); with `draw=False`,
    `Context.asset` returns the URL a file would have but draws nothing.
    """

    def __init__(
        self,
        config: Any = None,
        cache_dir: Path | None = None,
        draw: bool = True,
        mode: str | None = None,
    ):
        self.config = config
        self.docs_dir = Path(config.docs_dir) if config is not None else REPO_ROOT / "docs"
        self.files: Any = None
        self.cache_dir = Path(cache_dir or cache_root_dir(REPO_ROOT) / "actref")
        self.draw = draw
        self.digest = source_digest()
        self.provenance = Provenance.current()
        self.experiments_mode = mode or experiments_mode()
        self.drawn: list[str] = []  # assets drawn in this build (a warm build draws none)
        self.reused: list[str] = []

    def context(self, page_src: str) -> Context:
        return Context(self, page_src)

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

    def asset(self, name: str, inputs: Any, make: Callable[[Path], None]) -> str:
        """Ensure `generated/<name>` is in the site, drawing it with make(path) only when its hash changed.

        Returns the file's URL relative to the current page (use it directly in markdown).
        """
        if name.startswith("/") or ".." in Path(name).parts:
            raise ValueError(
                f"Asset name {name!r} must be a relative path without '..' (e.g. figures/relu.svg)."
            )
        uri = f"generated/{name}"
        suffix = "".join(Path(name).suffixes)
        key = asset_key(name, inputs, self.build.digest)
        path = self.build.cache_dir / f"{key}{suffix}"
        if self.build.draw:
            if path.exists():
                self.build.reused.append(name)
            else:
                self.build.cache_dir.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f"{key}.tmp{os.getpid()}{suffix}")
                make(tmp)
                if not tmp.exists():
                    raise FileNotFoundError(f"make() for asset {name!r} did not write {tmp}.")
                sidecar = path.with_name(f"{key}.json")
                sidecar.write_text(json.dumps(self.build.provenance.__dict__))
                os.replace(tmp, path)
                self.build.drawn.append(name)
            self.build.register(uri, path)
        return posixpath.relpath(uri, posixpath.dirname(self.page_src) or ".")

    def cached(self, name: str, inputs: Any, compute: Callable[[], Any]) -> Any:
        """compute(), memoised on disk under the same content hash as assets (its result must be JSON).

        For numbers a page shows (tables computed by training a small model, say): a warm rebuild reads them
        back instead of recomputing, and a change to actref's source recomputes them.
        """
        key = asset_key(f"data:{name}", inputs, self.build.digest)
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
            return self.build.provenance.describe()
        return self._asset_provenance(name)

    def _asset_provenance(self, name: str) -> str:
        """'cached under content hash <hash>, drawn <date>' for a generated file.

        The hash (of the inputs and of actref's source) identifies what the file shows; a git commit would
        not (a cache hit may have been drawn at an older commit with the same source), so one is named only
        for a file drawn in this build from a clean tree.
        """
        for uri, path in self._registered():
            if uri != f"generated/{name}":
                continue
            key = path.name.split(".", 1)[0]
            sidecar = path.with_name(key + ".json")
            meta = Provenance(**json.loads(sidecar.read_text())) if sidecar.exists() else None
            text = f"cached under content hash <code>{key[:12]}</code>"
            if meta is not None:
                text += f", drawn {meta.date}"
                if name in self.build.drawn and not meta.dirty:
                    text += f" at git {meta.commit}"
            return text
        return f"drawn by actref {self.build.provenance.version}, {self.build.provenance.date}"

    def _registered(self):
        files = self.build.files
        if files is None:
            return []
        return [(f.src_uri, Path(f.abs_src_path)) for f in files if f.src_uri.startswith("generated/")]
