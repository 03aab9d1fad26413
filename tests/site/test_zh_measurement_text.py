"""The measurement layer's English that the site translates by its text (issue 18): verdict evidence templates,
the experiments' titles, descriptions and reductions, the claims, and the framework results' notes and criteria
each have a zh translation; and an Evidence renders in English exactly as its string.

These messages are not `ctx._("literal")` calls in the site code, so tests/site/test_i18n.py's catalogue check
does not see them: a changed config description or verdict sentence would otherwise only fail a zh render.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from actref.experiments import configs, verdicts
from actref.site import claims_page, i18n, translated

REPO_ROOT = Path(__file__).resolve().parents[2]


def _missing(messages) -> list[str]:
    catalogue = i18n.catalogue("zh")
    return sorted({m for m in messages if m and m not in catalogue})


def test_every_evidence_template_has_a_zh_translation():
    tree = ast.parse((REPO_ROOT / "actref" / "experiments" / "verdicts.py").read_text(encoding="utf-8"))
    templates = [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "Evidence"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    assert len(templates) > 20
    words = [*verdicts.OPTIMIZER_NAMES.values(), "supported", "not supported", "inconclusive"]
    folds = ["{a}" + sep + "{b}" for sep in ("; ", ", ", " ", " — ")]
    assert _missing([*templates, *words, *folds]) == []


@pytest.mark.parametrize("name", sorted(configs.CONFIGS))
def test_every_experiment_text_has_a_zh_translation(name):
    config = configs.CONFIGS[name]()
    assert _missing([config.title, config.description, config.reductions]) == []


def test_every_claim_has_a_zh_translation():
    texts = [t for c in claims_page.CLAIMS for t in (c.text, c.source, c.criterion)]
    assert _missing([*texts, *claims_page.BADGES.values()]) == []


def test_the_framework_results_notes_and_criteria_have_a_zh_translation():
    path = REPO_ROOT / "results" / "frameworks.json"
    if not path.exists():
        pytest.skip("no framework results committed")
    result = json.loads(path.read_text(encoding="utf-8"))
    criteria = [
        result["criteria"][k]
        for k in ("same", "different default", "approximation", "different definition", "grid")
    ]
    notes = [row["note"] for e in result["activations"].values() for row in e["rows"] if row.get("note")]
    assert _missing([*criteria, *notes]) == []


class _En:
    lang = "en"

    def _(self, message, **fields):
        return i18n.translate("en", message, **fields)


class _Zh(_En):
    lang = "zh"

    def _(self, message, **fields):
        return i18n.translate("zh", message, **fields)


def _signal_result():
    def run(activation, init, var):
        return {
            "activation": activation,
            "init": init,
            "act_mean": [0.0] * len(var),
            "act_var": var,
            "grad_mean": [0.0] * len(var),
            "grad_var": [1.0] * len(var),
        }

    return {
        "runs": [run("selu", "lecun:1.0", [1.0, 1.1, 0.9]), run("relu", "kaiming:1.414", [1.0, 4.0, 9.0])]
    }


def test_evidence_renders_in_english_as_its_string_and_in_chinese_without_the_english():
    result = {
        "runs": [
            {"activation": a, "variant": "v", "seed": s, "test_acc": v, "curve": [v], "diverged": False}
            for a, values in {"relu": [0.9, 0.91, 0.9], "silu": [0.5, 0.51, 0.5]}.items()
            for s, v in enumerate(values)
        ],
        "variants": [{"name": "v"}],
    }
    cases = [
        verdicts.beats_on_test(result, [("relu", "silu"), ("gelu", "relu")]),
        verdicts.learns_faster_and_generalises_better(result, "relu", "silu"),
        verdicts.beats_with_reported_margins(
            result,
            [("relu", "silu")],
            "Misra 2019: Mish − Swish +0.494, Mish − ReLU +1.671 points (CIFAR-100, Squeeze-Excite Net-18, top-1); COCO 0.5214 − 0.4976 = +2.38 points against ReLU6 (private detection task, one run)",
        ),
        verdicts.selu_self_normalises(_signal_result()),
    ]
    for _, evidence in cases:
        assert isinstance(evidence, verdicts.Evidence)
        assert translated.evidence(_En(), evidence) == str(evidence)
        zh = translated.evidence(_Zh(), evidence)
        assert "points of" not in zh and "was not measured" not in zh and "Reported" not in zh, zh


def test_untemplate_gives_back_the_fields_of_a_formatted_string():
    template = "Smoke version ({n} seed, 1 epoch) of: {description}"
    text = template.format(n=1, description="Every activation (a, b): c.")
    assert translated.untemplate(text, (template,)) == (
        template,
        {"n": "1", "description": "Every activation (a, b): c."},
    )
    assert translated.untemplate("something else", (template,)) is None


def test_the_site_tables_of_english_messages_have_zh_translations():
    from actref.site import cost_pages, experiment_pages, framework_pages, guides

    messages = [
        *experiment_pages.SMOKE_DESCRIPTIONS,
        *experiment_pages.SIGNAL_LABEL,
        *experiment_pages.OPTIMIZER_TITLES.values(),
        *cost_pages.IMPL_LABELS.values(),
        *cost_pages.NO_WORK_LABELS.values(),
        *framework_pages.VERDICT_SHORT.values(),
        *framework_pages.STALE_REASONS,
        *framework_pages.CONVENTION_KEYS,
        *framework_pages.DEVICES,
        *(label for _, _, label in guides.GRADIENT_CASES),
    ]
    assert _missing(messages) == []


@pytest.mark.parametrize("name", sorted(n for n in configs.CONFIGS if n != "smoke"))
def test_a_smoke_description_is_one_of_the_known_forms(name):
    from actref.site import experiment_pages

    smoke = configs.get_config(name, smoke=True)
    found = translated.untemplate(smoke.description, experiment_pages.SMOKE_DESCRIPTIONS)
    assert found is not None, f"configs.shrink_for_smoke changed its wording: {smoke.description[:120]!r}"
    assert found[1]["description"] == configs.get_config(name).description
