"""Encouraged applicants (内蒙古 第六、十五条; 塔城 第九条（七）; 瀍河 第十二条; 二连浩特 第六条): a filter, never a score."""
import pytest

from awards import encouraged, selectors, services
from awards.models import Application
from awards.simulation import simulate_cycle
from core.errors import DomainError
from review import selectors as review_selectors
from tests.awards.factories import START, open_cycle, org

from .helpers import at

pytestmark = pytest.mark.django_db


def test_applicant_chooses_listed_kinds_with_evidence_and_the_office_filters(make_user):
    cycle, office = open_cycle("chanhe-head")
    a, a_user = org("enc-a", "410304")
    b, b_user = org("enc-b", "410304")
    with at(START.date()):
        app_a = services.application_create(cycle=cycle, applicant=a, category="organization", actor=a_user)
        app_b = services.application_create(cycle=cycle, applicant=b, category="organization", actor=b_user)
        with pytest.raises(DomainError, match="未列出这些鼓励申报类型：unicorn"):
            encouraged.encouraged_choose(application=app_a, actor=a_user, codes=["unicorn"])
        encouraged.encouraged_choose(application=app_a, actor=a_user, codes=["specialized_sme"])
        ev = encouraged.encouraged_evidence_add(application=app_b, actor=b_user, code="sme", note="工信部门中小企业认定 洛工信〔2025〕3号")
    assert ev.code == "sme" and Application.objects.get(pk=app_b.pk).encouraged == ["sme"]
    assert [x.reference for x in selectors.applications_filtered(cycle, encouraged="specialized_sme")] == [app_a.reference]
    assert [x.reference for x in selectors.applications_filtered(cycle, encouraged="sme")] == [app_b.reference]
    assert {x.reference for x in selectors.applications_filtered(cycle)} == {app_a.reference, app_b.reference}


def test_encouraged_changes_no_score():
    out = simulate_cycle("chanhe-head", applicants=6, seed=4)
    cycle = out["cycle"]["id"]
    from awards.models import Cycle

    cycle = Cycle.objects.get(pk=cycle)
    before = [(r.application.pk, r.total, r.rank) for r in review_selectors.stage_ranking(cycle, "material_review")]
    composite_before = [(c.application.pk, c.composite) for c in review_selectors.composite_ranking(cycle)]
    assert before, "the simulation scored the material review"
    Application.objects.filter(cycle=cycle).update(encouraged=["sme", "specialized_sme"])
    after = [(r.application.pk, r.total, r.rank) for r in review_selectors.stage_ranking(cycle, "material_review")]
    assert after == before
    assert [(c.application.pk, c.composite) for c in review_selectors.composite_ranking(cycle)] == composite_before
    assert len(selectors.applications_filtered(cycle, encouraged="sme")) == 6 - len([r for r in out["rejected"] if r["stage"] == "filing"])
