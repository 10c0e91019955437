"""One action layer: every action of the transition table either completes through `awards.actions` or is
refused with a message saying where it is done; only the domain functions that own an action call the raw
move (`awards.pipeline.move`)."""
import ast
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from awards import actions, pipeline
from awards.models import Application, StageEvent, Status
from jurisdictions.models import Body, BodyKind

from .factories import filed, open_cycle, org, staff

ROOT = Path(__file__).resolve().parents[2]
APPS = ["awards", "review", "publicity", "jurisdictions", "core", "config"]
# (module, function) allowed to call the raw move: each owns the whole action it moves for.
OWNERS = {
    ("awards/actions.py", "_move"), ("awards/actions.py", "perform"),  # the plain moves need nothing more
    ("awards/services.py", "application_submit"), ("awards/services.py", "supplement_request"),
    ("awards/services.py", "supplement_answer"), ("awards/services.py", "stage_select"),
    ("awards/services.py", "approval_record"), ("awards/services.py", "commend"),
    ("awards/services.py", "withdraw"), ("awards/services.py", "revoke"),
    ("awards/services.py", "application_refuse"),
    ("publicity/windows.py", "publish_stage_list"), ("publicity/windows.py", "close_notices"),
    ("publicity/services.py", "objection_decide"), ("publicity/services.py", "_release_if_clear"),
    ("review/services.py", "vote_apply"),
}
RAW = {"move", "transition_system_bulk"}


def _callers():
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT).as_posix()
            if "/migrations/" in rel or rel == "awards/pipeline.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for outer in ast.walk(tree):
                if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(outer):
                    if isinstance(node, ast.Call):
                        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                        if name in RAW:
                            found.add((rel, outer.name))
    return found


def test_only_the_owning_domain_functions_call_the_raw_move():
    callers = _callers()
    strays = callers - OWNERS
    assert not strays, f"these call awards.pipeline.move directly instead of dispatching through awards.actions: {sorted(strays)}"
    assert callers, "the walk found no caller at all: it is not looking at the code"


def test_every_action_of_the_table_is_registered_complete_or_with_its_place():
    assert set(actions.REGISTRY) == set(pipeline.TABLE)
    for name, spec in pipeline.TABLE.items():
        action = actions.REGISTRY[name]
        if spec.per_application and spec.roles != frozenset({"system"}):
            assert action.perform is not None, name
        else:
            assert action.perform is None and action.elsewhere, name


@pytest.fixture
def world():
    cycle, office = open_cycle("tacheng-prefecture")
    applicant, user = org("al-co", "654201")
    app = filed(cycle, applicant, user)
    checker = staff("al-checker", "precheck", Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION))
    return {"app": app, "office": office, "applicant": user, "precheck": checker}


def _put(app, stage, status):
    # test set-up only: place the application where the action under test starts
    Application.objects.filter(pk=app.pk).update(stage=stage, status=status)
    return Application.objects.get(pk=app.pk)


# Where each action starts; the applications get there through set-up, not through the product.
START = {
    "approve": ("pre_check", Status.PENDING), "reject": ("pre_check", Status.PENDING),
    "request_supplement": ("pre_check", Status.PENDING), "resubmit": ("pre_check", Status.RETURNED),
    "publish": ("pre_check", Status.APPROVED), "close_publicity": ("pre_check", Status.IN_PUBLICITY),
    "hold": ("pre_check", Status.IN_PUBLICITY), "release": ("pre_check", Status.HELD), "remove": ("pre_check", Status.HELD),
    "advance": ("material_review", Status.PENDING), "not_advance": ("material_review", Status.PENDING),
    "award": ("commendation", Status.PENDING), "withdraw": ("pre_check", Status.PENDING), "revoke": ("commendation", Status.AWARDED),
}


def _completed_with_its_effects(name, after, stage, status):
    assert pipeline.TABLE[name].per_application and actions.REGISTRY[name].perform is not None
    assert (after.stage, after.status) != (stage, status)
    if name == "request_supplement":
        assert after.supplement_requests.get().items == ["理由一", "理由二"]
    if name == "resubmit":
        assert after.materials_version == 2
    if name == "withdraw":
        assert after.withdrawn_reason


def _unchanged(after, stage, status, events):
    assert (after.stage, after.status) == (stage, status)
    assert StageEvent.objects.filter(application=after).count() == events


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["applicant", "precheck", "office"])
@pytest.mark.parametrize("name", sorted(set(pipeline.TABLE) - {"submit"}))
def test_every_action_through_the_api_completes_or_is_refused_unchanged(world, name, role):
    stage, status = START[name]
    app = _put(world["app"], stage, status)
    events = StageEvent.objects.filter(application=app).count()
    api = APIClient()
    api.force_authenticate(world[role])
    r = api.post(f"/api/v1/applications/{app.pk}/transition/", {"action": name, "reason": "理由一\n理由二", "role": role},
                 format="json")
    after = Application.objects.get(pk=app.pk)
    if r.status_code == 200:
        assert StageEvent.objects.filter(application=app, action=name).exists()
        _completed_with_its_effects(name, after, stage, status)
    else:
        assert r.status_code in (400, 403, 404), r.status_code
        assert r.json().get("detail"), r.json()
        _unchanged(after, stage, status, events)
    if not pipeline.TABLE[name].per_application or pipeline.TABLE[name].roles == frozenset({"system"}):
        assert r.status_code != 200, "an action that cannot be completed from one application was done there"


@pytest.mark.django_db
def test_award_through_the_api_is_refused_with_where_it_is_done(world):
    app = _put(world["app"], "commendation", Status.PENDING)
    api = APIClient()
    api.force_authenticate(world["office"])
    r = api.post(f"/api/v1/applications/{app.pk}/transition/", {"action": "award"}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "not_here"
    assert "表彰决定" in r.json()["detail"]
    assert Application.objects.get(pk=app.pk).status == Status.PENDING


# The pages each role acts from: the checker's review page (pre-check and office) and the applicant's own
# withdraw and supplement pages. What a page posts is what its buttons and forms post.
def _page_post(client, role, app, name):
    if role == "precheck":
        return client.post(f"/precheck/{app.pk}/", {"action": name, "reason": "理由一\n理由二"})
    if role == "office":
        return client.post(f"/office/applications/{app.pk}/", {"action": name, "reason": "理由一\n理由二"})
    if name == "withdraw":
        return client.post(f"/apply/{app.pk}/withdraw/", {"reason": "理由一"})
    if name == "resubmit":
        return client.post(f"/apply/{app.pk}/supplement/", {"answer": "已补正"})
    return client.post(f"/apply/{app.pk}/", {"action": name, "reason": "理由一"})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["applicant", "precheck", "office"])
@pytest.mark.parametrize("name", sorted(set(pipeline.TABLE) - {"submit"}))
def test_every_action_through_the_pages_completes_or_is_refused_unchanged(client, world, name, role):
    """As through the API: the action is done with its effects, or the page refuses it (a message, a 4xx or
    a redirect back) and nothing changed. Actions that cannot be done from one application never are."""
    stage, status = START[name]
    app = _put(world["app"], stage, status)
    events = StageEvent.objects.filter(application=app).count()
    client.force_login(world[role])
    r = _page_post(client, role, app, name)
    after = Application.objects.get(pk=app.pk)
    assert r.status_code in (200, 302, 400, 403, 404, 405), r.status_code
    done = StageEvent.objects.filter(application=app, action=name).exists()
    if done:
        _completed_with_its_effects(name, after, stage, status)
    else:
        _unchanged(after, stage, status, events)
    if not pipeline.TABLE[name].per_application or pipeline.TABLE[name].roles == frozenset({"system"}):
        assert not done, "an action that cannot be completed from one application was done from a page"


@pytest.mark.django_db
@pytest.mark.parametrize("role,url", [("precheck", "/precheck/{pk}/"), ("office", "/office/applications/{pk}/")])
def test_a_review_page_offers_only_actions_it_can_complete(client, world, role, url):
    """列入公示 is not a button on the review page: the list is published for the stage (the defect that left
    an application in publicity with no notice)."""
    app = _put(world["app"], "pre_check", Status.APPROVED)
    client.force_login(world[role])
    html = client.get(url.format(pk=app.pk)).content.decode()
    assert 'value="publish"' not in html
    for name in ("award", "revoke", "release", "remove", "close_publicity", "hold"):
        assert f'name="action" value="{name}"' not in html
