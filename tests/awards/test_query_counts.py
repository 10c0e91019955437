"""Application pages cost the same, small number of queries at two sizes (bench target: at most 12 per
page, equal at 10 and 100 rows): the applicant's application page and timeline, the pre-check and office
review pages, the office's stage lists. Data is built through the real services."""
import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards import services
from awards.pipeline import move
from core import clock
from jurisdictions.models import Body, BodyKind

from .factories import GOOD_DECLARATION, START, open_cycle, org, staff

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("computed_pages")]

PDF = b"%PDF-1.4\n%%EOF\n"


def at(day: str, hour=10):
    return clock.frozen_at(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=clock.SHANGHAI))


def filed_with_materials(cycle, username, county, *, materials, seed=0):
    """An application declared in full with `materials` uploads (the first a trade secret), then submitted."""
    applicant, user = org(username, county, seed=seed)
    with clock.frozen_at(START):
        app = services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)
        services.application_update(application=app, actor=user, declaration=dict(GOOD_DECLARATION), self_evaluation="自评报告",
                                    recommendation="同意推荐", internal_publicity_from=dt.date(2025, 9, 1),
                                    internal_publicity_to=dt.date(2025, 9, 5))
        for i in range(materials):
            services.material_add(application=app, actor=user, uploaded_file=SimpleUploadedFile(f"m{i}.pdf", PDF),
                                  title=f"证明材料{i}", trade_secret=i == 0)
    with clock.frozen_at(START + dt.timedelta(days=7)):
        app = services.application_submit(application=app, actor=user)
    return app, user


def tacheng(n):
    """塔城: an application at pre-check with n materials, n opinions of the checker and one answered
    supplement request of n items."""
    cycle, office = open_cycle("tacheng-prefecture")
    app, user = filed_with_materials(cycle, f"qc-tc-{n}", "654201", materials=n)
    checker = staff(f"qc-tc-checker-{n}", "precheck", Body.objects.get(jurisdiction__code="654201", kind=BodyKind.MARKET_REGULATION))
    with at("2025-09-09"):
        for i in range(n):
            services.opinion_record(application=app, actor=checker, role="precheck", kind="opinion", body_name="塔城市市场监督管理局",
                                    text=f"意见{i}")
        services.supplement_request(application=app, actor=checker, role="precheck", items=[f"补正事项{i}" for i in range(n)])
        app = services.supplement_answer(application=app, actor=user, answer="已补正")
    return app, user, checker, office


def erenhot(n):
    """二连浩特: n applications at the office's qualification review, the first with n materials."""
    cycle, office = open_cycle("erenhot-mayor")
    apps = [filed_with_materials(cycle, f"qc-er-{n}-{i}", "152501", materials=n if i == 0 else 1, seed=n * 100 + i)[0]
            for i in range(n)]
    return cycle, office, apps


@pytest.mark.parametrize("n", [3, 10])
def test_applicant_application_page_and_timeline(client, django_assert_max_num_queries, n):
    app, user, checker, office = tacheng(n)
    client.force_login(user)
    with at("2025-09-10"):
        client.get(f"/apply/{app.pk}/")  # warm the session
        for url in (f"/apply/{app.pk}/", f"/apply/{app.pk}/?step=status", f"/apply/{app.pk}/?step=materials",
                    f"/apply/{app.pk}/?step=basic"):
            with django_assert_max_num_queries(12):
                r = client.get(url)
            assert r.status_code == 200, url
            html = r.content.decode()
            assert [s["code"] for s in r.context["steps"] if not s["done"]] == ["encouraged"], url  # materials counted as done
            if "step=materials" in url:
                assert html.count("证明材料") == n and html.count("<td>是</td>") == 1
            elif "step=basic" not in url:
                assert "撤回申报" in html and "当前环节" in html and 'id="timeline"' in html


@pytest.mark.parametrize("n", [3, 10])
def test_precheck_review_page(client, django_assert_max_num_queries, n):
    app, user, checker, office = tacheng(n)
    client.force_login(checker)
    with at("2025-09-10"):
        client.get(f"/precheck/{app.pk}/")
        with django_assert_max_num_queries(12):
            r = client.get(f"/precheck/{app.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.count("证明材料") == n and html.count("含商业秘密") == 1
    assert all(f"意见{i}</td>" in html for i in range(n))
    assert f"补正事项{n - 1}" in html and "已补正" in html
    assert 'value="approve"' in html and 'value="reject"' in html and 'value="withdraw"' not in html
    assert 'value="塔城市市场监督管理局"' in html  # the opinion form names the checker's body
    assert "所在地</dt><dd>塔城市" in html


@pytest.mark.parametrize("n", [3, 10])
def test_office_review_page(client, django_assert_max_num_queries, n):
    cycle, office, apps = erenhot(n)
    app = apps[0]
    client.force_login(office)
    with at("2025-09-10"):
        for i in range(n):
            services.opinion_record(application=app, actor=office, role="office", kind="opinion", body_name="办公室", text=f"审查意见{i}")
        client.get(f"/office/applications/{app.pk}/")
        with django_assert_max_num_queries(12):
            r = client.get(f"/office/applications/{app.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    assert html.count("证明材料") == n and all(f"审查意见{i}</td>" in html for i in range(n))
    assert [a[0] for a in r.context["actions"]] == ["approve", "reject", "request_supplement", "advance", "not_advance"]
    assert f'value="{cycle.award.office.name}"' in html
    assert r.context["results"] and not any(x.outcome == "fail" for x in r.context["results"])


@pytest.mark.parametrize("n", [3, 10])
def test_office_stage_lists(client, django_assert_max_num_queries, n):
    cycle, office, apps = erenhot(n)
    client.force_login(office)
    with at("2025-09-10"):
        client.get(f"/office/cycles/{cycle.pk}/stage/qualification_review/")
        with django_assert_max_num_queries(12):
            r = client.get(f"/office/cycles/{cycle.pk}/stage/qualification_review/")
        assert r.status_code == 200 and len(r.context["rows"]) == n
        assert all([a[0] for a in row["actions"]] == ["approve", "reject", "request_supplement", "advance", "not_advance"]
                   for row in r.context["rows"])
        for a in apps:
            move(a, action="advance", actor=office, role="office")
        with django_assert_max_num_queries(12):
            r = client.get(f"/office/cycles/{cycle.pk}/stage/material_review/?cut=2")
    assert r.status_code == 200 and len(r.context["rows"]) == n
    assert [row["checked"] for row in r.context["selection"]] == [True, True] + [False] * (n - 2)
