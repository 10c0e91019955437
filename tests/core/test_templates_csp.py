"""The Content-Security-Policy (script-src 'self', no 'unsafe-inline') runs no inline script: a script body,
an on*= handler or a javascript: URL in a template would silently never run (as the score sheet's autosave and
the confirmations once did). Every script is a static file under static/js/."""
import re
from pathlib import Path

import pytest

from core.middleware import CSP_DEFAULT

pytestmark = pytest.mark.unit

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"

SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.I | re.S)
# an on…= attribute inside a tag (onclick=, onsubmit=, onchange=, …); text between tags is not searched
HANDLER = re.compile(r"<[a-z][^<>]*?\s(on[a-z]+)\s*=", re.I | re.S)
JS_URL = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
# data blocks are never executed, so the CSP does not concern them
DATA_TYPE = re.compile(r"""\btype\s*=\s*["']?application/(?:ld\+)?json""", re.I)


def inline_script_problems(text: str) -> list[str]:
    problems = []
    for m in SCRIPT.finditer(text):
        attrs, body = m.group("attrs"), m.group("body")
        if DATA_TYPE.search(attrs):
            continue
        if body.strip():
            problems.append(f"inline <script> body: {body.strip()[:60]!r}")
        elif not re.search(r"\bsrc\s*=", attrs, re.I):
            problems.append("<script> without src")
    problems += [f"inline handler {m.group(1)}=" for m in HANDLER.finditer(text)]
    problems += [f"javascript: URL {m.group(0)!r}" for m in JS_URL.finditer(text)]
    return problems


@pytest.mark.parametrize("snippet", [
    "<script>alert(1)</script>",
    '<script type="text/javascript">\n(function () {})();\n</script>',
    '<script src="/static/js/x.js">var y = 1;</script>',
    "<SCRIPT></SCRIPT>",
    """<button type="submit" onclick="return confirm('确认？')">提交</button>""",
    '<form method="post"\n      onsubmit="return false">',
    "<select name=x onchange=this.form.submit()>",
    '<a href="javascript:void(0)">x</a>',
])
def test_the_check_finds_what_the_policy_blocks(snippet):
    assert inline_script_problems(snippet)


@pytest.mark.parametrize("snippet", [
    """<script src="{% static 'js/confirm.js' %}" defer></script>""",
    '<script type="application/json" id="data">{"a": 1}</script>',
    '<button type="submit" data-confirm="确认提交？">提交</button>',
    "<p>onclick= 只是正文</p>",
    '<input name="online" value="1">',
])
def test_the_check_lets_static_scripts_and_data_attributes_pass(snippet):
    assert inline_script_problems(snippet) == []


def test_no_template_has_an_inline_script_or_handler():
    found = {}
    for path in sorted(TEMPLATES.rglob("*.html")):
        problems = inline_script_problems(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems
    assert found == {}


def test_every_script_a_template_loads_exists_under_static_js():
    loaded = set()
    for path in TEMPLATES.rglob("*.html"):
        loaded |= set(re.findall(r"""\{%\s*static\s+['"]js/([^'"]+)['"]\s*%\}""", path.read_text(encoding="utf-8")))
    assert {"confirm.js", "autosave.js"} <= loaded
    assert sorted(name for name in loaded if not (STATIC_JS / name).is_file()) == []


def test_the_policy_the_templates_rely_on_stays_strict():
    script_src = next(d for d in CSP_DEFAULT.split(";") if d.strip().startswith("script-src")).split()
    assert script_src == ["script-src", "'self'"]
