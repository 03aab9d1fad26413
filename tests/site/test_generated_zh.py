"""The generated parts of activation pages, the gallery, the Explorer and the live plots in Chinese (issue 18).

Each part is rendered by the site code in both languages (no MkDocs): the Chinese has no English sentence, and
carries the same formulas and code as the English. The page contract reads zh prose (its headings in Chinese),
and the site's JavaScript takes its words from the same message catalogue (assets/actref/messages.js).
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import actref
from actref.site import activation_pages as pages
from actref.site import errors, explorer, explorer_pages, gallery, i18n, live_assets
from actref.site.context import SiteBuild

REPO_ROOT = Path(__file__).resolve().parents[2]
NAMES = actref.names()
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
# What is not prose: math, code, link texts (the names of activations and pages) and targets, HTML, attributes.
STRIP = [
    re.compile(r"\$\$.*?\$\$", re.S),
    re.compile(r"\[[^\]\n]*\]\([^)\s]*\)"),
    re.compile(r"(?<!\\)\$[^$\n]+\$"),
    re.compile(r"`[^`\n]*`"),
    re.compile(r"\]\([^)\s]*\)"),
    re.compile(r"<[^>\n]+>"),
    re.compile(r"\{[:#.][^}\n]*\}"),
    # Formula-like text (spec conventions such as "gelu(−inf) = 0; nan → nan"): calls, inf and nan, identifiers.
    re.compile(r"\b\w+\(|\b(?:inf|nan)\b|\b\w+_\w+\b"),
    re.compile(r"\[[^\]]*?(?:19|20)\d\d[a-z]?[^\]]*\]|\bet al\.?"),
]


def english_words(text: str) -> list[str]:
    """The Latin words of `text` if it reads as English (≥ 3 words, < 2 CJK characters per word), else []."""
    for pattern in STRIP:
        text = pattern.sub(" ", text)
    words = LATIN_WORD.findall(text)
    return words if len(words) >= 3 and len(CJK.findall(text)) < 2 * len(words) else []


def english_blocks(markdown: str) -> list[str]:
    """The blocks (split at blank lines, code fences removed) of `markdown` that read as English."""
    text = re.sub(r"^```.*?^```", "\n\n", markdown, flags=re.S | re.M)
    blocks = [b.strip() for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    return [b[:200] for b in blocks if english_words(b)]


@functools.cache
def ctx(lang: str, page: str = "activations/relu.md"):
    src = page if lang == "en" else page.replace(".md", f".{lang}.md")
    return SiteBuild(None, draw=False, mode="cached", lang=lang).context(src)


def formulas_and_code(markdown: str) -> list[str]:
    return re.findall(r"\$\$.*?\$\$|^```.*?^```", markdown, flags=re.S | re.M)


def sections(c, spec) -> str:
    """The generated sections of `spec`'s page that this module writes (Measured and In other libraries
    come from the measurement pages' modules)."""
    parts = [
        pages.definition_section(c, spec),
        pages.derivative_section(c, spec),
        pages.properties_section(c, spec),
        explorer_pages.one_plot(c, spec, "<figure></figure>"),
        explorer_pages.live_section(c, spec),
        pages.code_section(c, spec),
        pages.references_section(c, spec),
    ]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------- activation pages
@pytest.mark.parametrize("name", NAMES)
def test_generated_sections_in_chinese_have_no_english_and_the_same_formulas_and_code(name):
    spec = actref.get(name)
    en, zh = sections(ctx("en"), spec), sections(ctx("zh"), spec)
    if spec.paper is not None:  # a citation is the same in both languages
        citation = next(line for line in en.splitlines() if spec.paper.url in line)
        assert citation in zh.splitlines()
        zh = zh.replace(citation, "")
    assert english_blocks(zh) == [], f"{name}: English in the zh sections"
    assert formulas_and_code(zh) == formulas_and_code(en)
    assert [h for h in re.findall(r"^## (.*)$", zh, flags=re.M)] == [
        i18n.translate("zh", h) for h in re.findall(r"^## (.*)$", en, flags=re.M)
    ]


def test_chinese_page_words():
    zh = ctx("zh")
    rrelu = actref.get("rrelu")
    derivative = pages.derivative_section(zh, rrelu)
    assert "- 在 $x = 0$ 处：$f'(x) := \\frac{l}{2} + \\frac{u}{2}$（默认为 0.229167）。" in derivative
    props = pages.properties_section(zh, rrelu)
    assert "| 单调 | 是 |" in props and "Kaiming（He）正态初始化，增益 1.378" in props
    assert "`upper=1/3`（$u$）：" in props
    assert pages.saturation_text(zh, actref.get("glu")) == "门控 b → −∞ 时"
    assert pages.family_text(zh, "exponential", short=True) == "指数型"


@pytest.mark.parametrize("name", NAMES)
def test_english_initialisation_text_is_the_registrys(name):
    spec = actref.get(name)
    assert pages.init_text(ctx("en"), spec) == spec.init.describe()


# ---------------------------------------------------------------------------------------------- page contract
ZH_PROSE = "摘要。\n\n## 优点\n\n- 甲\n\n## 缺点\n\n- 乙\n\n## 说明\n\n丙\n"


def test_zh_prose_is_read_by_its_chinese_headings():
    prose = pages.parse_prose(ZH_PROSE, "activations/relu.zh.md", "zh")
    assert prose.section("Pros") == "- 甲" and prose.section("Cons") == "- 乙"
    assert prose.extra == [("说明", "丙")]
    assert pages.english_heading("应用", "zh") == "Where it is used"
    assert pages.prose_heading("Learnable parameters", "zh") == "可学习参数"


@pytest.mark.parametrize(
    ("prose", "message"),
    [
        ("摘要。\n\n## 优点\n\n- 甲\n", "no '## 缺点'"),
        ("摘要。\n\n## 缺点\n\n- 乙\n\n## 优点\n\n- 甲\n", "'## 优点' must come before '## 缺点'"),
        (ZH_PROSE + "\n## 定义\n\nf = x\n", "定义 are generated from the registry"),
        ("摘要。\n\n## Pros\n\n- a\n\n## Cons\n\n- b\n", "'## 优点', not '## Pros'"),
    ],
)
def test_zh_prose_that_breaks_the_contract_fails(prose, message):
    with pytest.raises(errors.PageError, match=re.escape(message)):
        pages.parse_prose(prose, "activations/relu.zh.md", "zh")


def test_english_prose_keeps_its_english_headings():
    with pytest.raises(errors.PageError, match="no '## Pros'"):
        pages.parse_prose(ZH_PROSE, "activations/relu.md")


# ---------------------------------------------------------------------------------------------- gallery, Explorer
def test_gallery_in_chinese():
    zh = gallery.activation_gallery(ctx("zh", "activations/index.md"))
    filters = json.loads(
        re.search(r"data-filters='([^']+)'", zh).group(1).replace("&quot;", '"').replace("&amp;", "&")
    )
    assert dict(filters["properties"])["builtin"] == "torch 内置"
    assert ["exponential", "指数型"] in filters["families"]
    cards = re.findall(r'<p class="actref-card-meta" markdown="span">(.*?)</p>', zh)
    assert len(cards) == len(NAMES) and all(" · 值域 " in c for c in cards)
    assert english_blocks(zh.split("</div>", 1)[1]) == []


def test_explorer_parts_in_chinese():
    c = ctx("zh", "explorer.md")
    assert english_blocks(explorer_pages.explorer_widget(c)) == []
    assert english_blocks(explorer_pages.stable_forms(c)) == []


# ---------------------------------------------------------------------------------------------- JavaScript
def test_every_javascript_message_is_translated_and_english_needs_no_catalogue():
    messages = live_assets.js_messages()
    assert len(messages) > 50 and "Hide the static figure" in messages and "Clear filters" in messages
    catalogue = i18n.catalogue("zh")
    assert sorted(m for m in messages if m not in catalogue) == []
    english = live_assets.messages_js("en")
    assert "window.actrefMessages = {};" in english and "window.actrefT = function" in english
    zh = live_assets.messages_js("zh")
    assert '"Hide the static figure": "隐藏静态图"' in zh


def test_every_page_loads_the_messages_before_the_scripts_that_show_them():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor(
        "", lambda loader, suffix, node: None
    )  # !ENV and Python tags: not needed here
    config = yaml.load((REPO_ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)
    scripts = [s if isinstance(s, str) else s.get("path") for s in config["extra_javascript"]]
    assert live_assets.MESSAGES_URI in scripts, (
        "mkdocs.yml: extra_javascript must load assets/actref/messages.js"
    )
    users = ["assets/vendor/live-plot/live-plot.js", "javascripts/one-plot.js", "javascripts/gallery.js"]
    assert all(scripts.index(live_assets.MESSAGES_URI) < scripts.index(u) for u in users if u in scripts)


def test_a_javascript_message_that_is_not_one_literal_fails(tmp_path):
    (tmp_path / "javascripts").mkdir()
    (tmp_path / "javascripts" / "x.js").write_text('const a = t("fine");\nconst b = t(`not ${a}`);\n')
    with pytest.raises(errors.PageError, match=r"x\.js: t\(\.\.\.\) on line\(s\) 2 "):
        live_assets.js_messages(tmp_path)


def test_the_data_file_in_chinese_has_translated_parameters_and_families(tmp_path):
    text = live_assets.data_file(tmp_path, "zh").read_text(encoding="utf-8")
    assert '"exponential":"指数型（ELU 族）"' in text
    silu = actref.get("silu")
    doc = i18n.spec_text(silu, "params.beta.doc", "zh", REPO_ROOT / "docs")
    assert json.dumps(doc, ensure_ascii=False) in text


NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None or not (REPO_ROOT / "node_modules").is_dir(), reason="needs node and npm ci")
def test_the_explorer_links_messages_are_chinese_on_a_chinese_page(tmp_path):
    """link.mjs and registry.mjs under the zh messages asset (as on a zh page): every message is Chinese."""
    messages = tmp_path / "messages.js"
    data = tmp_path / "activations.js"
    messages.write_text(live_assets.messages_js("zh"), encoding="utf-8")
    data.write_text(explorer.activations_js(meta=live_assets.data_meta("zh"), lang="zh"), encoding="utf-8")
    script = tmp_path / "check.mjs"
    js = REPO_ROOT / "actref" / "site" / "js"
    script.write_text(
        f"""
import {{ readFileSync }} from "node:fs";
import vm from "node:vm";
globalThis.window = globalThis;
vm.runInThisContext(readFileSync({json.dumps(str(messages))}, "utf8"));
vm.runInThisContext(readFileSync({json.dumps(str(data))}, "utf8"));
const {{ parseLink }} = await import({json.dumps((js / "link.mjs").as_uri())});
const {{ makeRegistry }} = await import({json.dumps((js / "registry.mjs").as_uri())});
const generated = window.actrefDefine({{ erf: Math.tanh, erfc: Math.tanh }});
const registry = makeRegistry(generated.activations, generated.meta);
const link = "#nope,softmax&d=7&silu.beta=x&zz=1&relu.k=2&elu.alpha=2&rrelu&rrelu.lower=0.5&rrelu.upper=0.2";
const out = parseLink(link, registry).messages;
try {{ registry.resolve("elu", {{ nope: 1 }}); }} catch (e) {{ out.push(e.message); }}
console.log(JSON.stringify(out));
"""
    )
    done = subprocess.run([NODE, str(script)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = json.loads(done.stdout)
    assert len(lines) >= 8
    for line in lines:
        prose = re.sub(r"“[^”]*”|\w+=\S+|[a-z_0-9]+(, [a-z_0-9]+)+|actref: ", " ", line)
        assert CJK.search(line) and not english_words(prose), line
