"""Builds a national-scale award year on PostgreSQL with bulk inserts.

300 county jurisdictions (under 15 new prefectures of the seeded provinces, valid GB/T 2260-shaped codes),
each with its bodies, an award and a ruleset copied from one of the five seeds; 20,000 applications spread
over the stages; 1,000 experts; 200,000 item scores; 2,000 open notices that all fall due at one moment;
10,000 audit entries appended to the hash chain (computed here, bulk inserted, so verify_audit_log passes).

Two special cycles serve the benchmarks: a 500-application stage with stage results (ranking, composite,
certificates) and a 500-application stage with a 100-expert pool and conflicts (automatic assignment).

    python bench/generate.py [--scale 0.1]      # on the database in DATABASE_URL, after migrate
"""
from __future__ import annotations

import copy
import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "Bench-2026-zlj!"
INDUSTRIES = ["制造业", "服务业", "农牧业", "建筑业", "能源", "信息技术", "商贸物流", "文化旅游"]
SEED_CYCLE = ["nm-chairman", "xam-leader", "erenhot-mayor", "chanhe-head", "tacheng-prefecture"]
REVIEW_STAGES = ("material_review", "on_site_review", "defense")
GOOD_DECLARATION = {"quality_system_years": 4, "accident_dates": [], "violation_dates": [], "loss_years": [],
                    "policy_compliance": True, "licences": True, "tax_paid_locally": True, "good_credit": True,
                    "on_abnormal_list": False, "on_serious_violation_list": False, "contains_state_secrets": False}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def setup_django():
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


class Gen:
    def __init__(self, *, scale: float = 1.0, seed: int = 2026, log=print):
        self.scale = scale
        self.rng = random.Random(seed)
        self.log = log
        self.t0 = time.monotonic()
        self.n_counties = max(10, int(300 * scale))
        self.n_applications = max(1200, int(20_000 * scale))
        self.n_experts = max(150, int(1_000 * scale))
        self.n_scores = int(200_000 * scale)
        self.n_notices = max(40, int(2_000 * scale))
        self.n_audit = int(10_000 * scale)
        self.out: dict = {}

    def step(self, what):
        self.log(f"  [{time.monotonic() - self.t0:6.1f}s] {what}")

    # ------------------------------------------------------------------ helpers
    def bulk(self, model, rows, batch=5000):
        return model.objects.bulk_create(rows, batch_size=batch)

    def users(self, names):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        User = get_user_model()
        if not hasattr(self, "_hash"):
            self._hash = make_password(PASSWORD)
        return self.bulk(User, [User(username=n, password=self._hash, is_active=True) for n in names])

    # ------------------------------------------------------------------ build
    def run(self) -> dict:
        from django.db import connection, transaction

        from jurisdictions.services import load_all_seeds

        load_all_seeds()
        self.step("seeds loaded")
        with transaction.atomic():
            self.jurisdictions()
            self.awards()
            self.people()
            self.applications()
            self.special_cycles()
            self.experts_and_scores()
            self.notices()
            self.grants_and_objections()
            self.permissions()
        self.audit()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        self.step("analyzed")
        self.out["seconds"] = round(time.monotonic() - self.t0, 1)
        return self.out

    def jurisdictions(self):
        from jurisdictions.models import Body, BodyKind, Jurisdiction, Level

        provinces = list(Jurisdiction.objects.filter(level=Level.PROVINCE).order_by("code"))
        existing = set(Jurisdiction.objects.values_list("code", flat=True))
        n_pref = -(-self.n_counties // 20)
        prefs = []
        for i in range(n_pref):
            prov = provinces[i % len(provinces)]
            k = 70 + i // len(provinces)
            code = f"{prov.code[:2]}{k:02d}00"
            assert code not in existing, code
            prefs.append(Jurisdiction(code=code, name=f"测评{prov.name[:2]}第{k}地区", level=Level.PREFECTURE, parent=prov))
        prefs = self.bulk(Jurisdiction, prefs)
        counties = []
        for i in range(self.n_counties):
            p = prefs[i // 20]
            code = f"{p.code[:4]}{i % 20 + 1:02d}"
            counties.append(Jurisdiction(code=code, name=f"{p.name}第{i % 20 + 1}县", level=Level.COUNTY, parent=p))
        counties = self.bulk(Jurisdiction, counties)
        self.prefs, self.counties = prefs, counties
        bodies = []
        for j in prefs + counties:
            bodies.append(Body(jurisdiction=j, kind=BodyKind.MARKET_REGULATION, name=f"{j.name}市场监督管理局"))
        for j in counties:
            bodies.append(Body(jurisdiction=j, kind=BodyKind.AWARD_OFFICE, name=f"{j.name}质量奖办公室"))
            bodies.append(Body(jurisdiction=j, kind=BodyKind.COMMITTEE, name=f"{j.name}质量奖评审委员会"))
            bodies.append(Body(jurisdiction=j, kind=BodyKind.SUPERVISION, name=f"{j.name}纪委监委派驻纪检监察组"))
        bodies = self.bulk(Body, bodies)
        self.body = {(b.jurisdiction_id, b.kind): b for b in bodies}
        self.step(f"{len(prefs)} prefectures, {len(counties)} counties, {len(bodies)} bodies")

    def awards(self):
        from awards.models import Cycle
        from jurisdictions.models import Award, BodyKind, Ruleset
        from jurisdictions.rules import Rules
        from jurisdictions.services import seed_ruleset_data

        seeds = {s: seed_ruleset_data(s) for s in SEED_CYCLE}
        awards, rulesets = [], []
        for i, j in enumerate(self.counties):
            awards.append(Award(jurisdiction=j, slug=f"bench-{j.code}", name=f"{j.name}县长质量奖",
                                office=self.body[(j.pk, BodyKind.AWARD_OFFICE)], committee=self.body[(j.pk, BodyKind.COMMITTEE)]))
        awards = self.bulk(Award, awards)
        for i, a in enumerate(awards):
            data = copy.deepcopy(seeds[SEED_CYCLE[i % 5]])
            data["award"].update({"slug": a.slug, "name": a.name, "jurisdiction": a.jurisdiction.code,
                                  "office": a.office.name, "committee": a.committee.name})
            doc = data["document"]
            rulesets.append(Ruleset(award=a, version=1, document_number=doc["number"],
                                    issued=dt.date.fromisoformat(doc["issued"]) if doc.get("issued") else None,
                                    effective_from=dt.date(2021, 1, 1), effective_until=None, data=data, note="测评数据"))
        rulesets = self.bulk(Ruleset, rulesets)
        cycles = self.bulk(Cycle, [Cycle(award=a, ruleset=r, year=2026, number=1, opened_on=dt.date(2026, 9, 1),
                                         filing_deadline=dt.date(2026, 12, 31), plan_approval_document="测评〔2026〕1号")
                                   for a, r in zip(awards, rulesets)])
        self.award_list, self.cycles = awards, cycles
        self.rules = {r.award_id: Rules(r.data) for r in rulesets}
        self.step(f"{len(awards)} awards, rulesets, cycles")

    def people(self):
        from jurisdictions.models import BodyKind, Membership, Role

        n = len(self.award_list)
        offices = self.users([f"office-{a.jurisdiction.code}" for a in self.award_list])
        prechecks = self.users([f"precheck-{a.jurisdiction.code}" for a in self.award_list])
        supers = self.users([f"supervisor-{a.jurisdiction.code}" for a in self.award_list])
        rows = []
        for a, o, p, s in zip(self.award_list, offices, prechecks, supers):
            j = a.jurisdiction
            rows.append(Membership(user=o, body=a.office, role=Role.OFFICE))
            rows.append(Membership(user=p, body=self.body[(j.pk, BodyKind.MARKET_REGULATION)], role=Role.PRECHECK))
            rows.append(Membership(user=s, body=self.body[(j.pk, BodyKind.SUPERVISION)], role=Role.SUPERVISOR))
        self.bulk(Membership, rows)
        self.office_user = {a.pk: o for a, o in zip(self.award_list, offices)}
        self.out["office_user"] = offices[0].username
        self.out["precheck_user"] = prechecks[0].username
        self.out["supervisor_user"] = supers[0].username
        self.step(f"{3 * n} staff users with memberships")

    def _stage_plan(self, rules):
        """(stage, status) choices for one award, weighted toward the review stages."""
        plan = []
        for st in rules.application_stages():
            if st.actor == "applicant":
                plan += [(st.code, "draft")] * 2
            elif st.publicity or st.public_comment:
                plan += [(st.code, "pending"), (st.code, "approved"), (st.code, "in_publicity"), (st.code, "in_publicity")]
            elif st.code in REVIEW_STAGES:
                plan += [(st.code, "pending")] * 4 + [(st.code, "not_advanced")]
            else:
                plan += [(st.code, "pending"), (st.code, "returned")]
        return plan

    def applications(self):
        from awards.models import Applicant, ApplicantMember, Application, StageEvent
        from jurisdictions.models import BodyKind

        total = self.n_applications - 1000  # the two special cycles hold the other 1,000
        per_award, extra = divmod(total, len(self.award_list))
        applicants, meta = [], []
        for i, a in enumerate(self.award_list):
            for k in range(per_award + (i < extra)):
                applicants.append(Applicant(kind="organization", name=f"{a.jurisdiction.name}测评企业{k + 1:03d}有限公司",
                                            county=a.jurisdiction, industry=self.rng.choice(INDUSTRIES), legal_form="legal_person",
                                            registration_date=dt.date(2012, 5, 1), address=f"{a.jurisdiction.name}工业园区{k + 1}号"))
                meta.append(a)
        applicants = self.bulk(Applicant, applicants)
        users = self.users([f"applicant-{i:05d}" for i in range(len(applicants))])
        self.bulk(ApplicantMember, [ApplicantMember(applicant=ap, user=u) for ap, u in zip(applicants, users)])
        self.step(f"{len(applicants)} applicants with logins")
        cycle_of = {c.award_id: c for c in self.cycles}
        now = dt.datetime(2026, 11, 2, 9, tzinfo=dt.timezone.utc)
        apps = []
        plans = {a.pk: self._stage_plan(self.rules[a.pk]) for a in self.award_list}
        counters = {}
        for ap, a in zip(applicants, meta):
            stage, status = self.rng.choice(plans[a.pk])
            n = counters[a.pk] = counters.get(a.pk, 0) + 1
            route = self.body[(a.jurisdiction_id, BodyKind.MARKET_REGULATION)]
            apps.append(Application(cycle=cycle_of[a.pk], applicant=ap, category="organization", reference=f"{a.slug.upper()}-2026-{n:04d}",
                                    stage=stage, status=status, stage_entered_at=now, stage_due=dt.date(2026, 12, 18),
                                    route_body=route, declaration=GOOD_DECLARATION, self_evaluation="测评自评报告。" * 20,
                                    recommendation="同意推荐", submitted_at=None if status == "draft" else now,
                                    received_on=None if status == "draft" else now.date()))
        apps = self.bulk(Application, apps)
        self.apps = apps
        self.applicant_user = {ap.pk: u for ap, u in zip(applicants, users)}
        events = [StageEvent(application=x, action="submit", from_stage="filing", from_status="draft", to_stage=x.stage,
                             to_status=x.status, actor=None, role="applicant", reason="", at=now) for x in apps if x.status != "draft"]
        self.bulk(StageEvent, events)
        # the applicant whose dashboard the load test opens
        sample = next(x for x in apps if x.status == "pending")
        self.out["applicant_user"] = self.applicant_user[sample.applicant_id].username
        self.step(f"{len(apps)} applications, {len(events)} stage events")

    def special_cycles(self):
        """Two 500-application cycles: `rank` (stage results for ranking, composite and 100 grants) and
        `assign` (a 100-expert pool with conflicts for automatic assignment)."""
        from awards.models import Applicant, Application, Cycle
        from jurisdictions.models import BodyKind
        from review.models import CriteriaSet, StageResult

        gbt = CriteriaSet.objects.get(code="gbt19580-2012")
        defense = CriteriaSet.objects.get(code="defense-sheet")
        self.cs = {"gbt": gbt, "defense": defense}
        out = {}
        for key, a in (("rank", self.award_list[0]), ("assign", self.award_list[1])):
            ruleset = a.rulesets.first()
            c = Cycle.objects.create(award=a, ruleset=ruleset, year=2024, number=0, opened_on=dt.date(2024, 3, 1),
                                     filing_deadline=dt.date(2024, 5, 31), status=Cycle.Status.OPEN)
            aps = self.bulk(Applicant, [Applicant(kind="organization", name=f"{a.jurisdiction.name}{key}测评单位{i:03d}有限公司",
                                                  county=a.jurisdiction, industry=INDUSTRIES[i % len(INDUSTRIES)], legal_form="legal_person",
                                                  registration_date=dt.date(2010, 1, 1)) for i in range(500)])
            stage = "material_review"
            apps = self.bulk(Application, [Application(cycle=c, applicant=ap, category="organization", reference=f"{a.slug.upper()}-{key.upper()}-{i:04d}",
                                                       stage=stage, status="pending", route_body=self.body[(a.jurisdiction_id, BodyKind.MARKET_REGULATION)],
                                                       declaration=GOOD_DECLARATION, stage_entered_at=c.created_at)
                                           for i, ap in enumerate(aps)])
            out[key] = {"cycle": c, "apps": apps, "applicants": aps, "award": a}
        rank = out["rank"]
        weights = [s for s in self.rules[rank["award"].pk].composite_weights if s in ("on_site_review", "defense", "material_review")]
        rows = []
        for app in rank["apps"]:
            for st in sorted(set(weights) | {"material_review"}):
                cs = defense if st == "defense" else gbt
                rows.append(StageResult(application=app, stage=st, criteria_set=cs, total=Decimal(self.rng.randint(400, 950)) * cs.total_points / 1000,
                                        max_points=cs.total_points, decided_at=rank["cycle"].created_at))
        self.bulk(StageResult, rows)
        self.special = out
        self.out.update({"rank_cycle": rank["cycle"].pk, "rank_stage": "material_review", "assign_cycle": out["assign"]["cycle"].pk,
                         "assign_stage": "material_review", "assign_award": out["assign"]["award"].slug})
        self.step(f"special cycles: ranking ({len(rows)} stage results), assignment")

    def experts_and_scores(self):
        from django.utils import timezone

        from review.models import Assignment, ConflictDeclaration, ConflictRelation, Expert, Score

        assign = self.special["assign"]
        pool_award = assign["award"]
        n_pool = 100
        others = [a for a in self.award_list if a.pk != pool_award.pk]
        users = self.users([f"expert-{i:04d}" for i in range(self.n_experts)])
        experts = []
        for i, u in enumerate(users):
            a = pool_award if i < n_pool else others[(i - n_pool) % len(others)]
            if i < 15:  # 15 pool experts work for an applicant of the assignment cycle: automatic conflicts
                employer = assign["applicants"][self.rng.randrange(500)].name
            else:
                employer = f"{a.jurisdiction.name}{self.rng.choice(['大学', '质量研究院', '标准化协会', '检验检测中心'])}"
            experts.append(Expert(jurisdiction=a.jurisdiction, user=u, name=f"{SURNAMES[i % 20]}专家{i:04d}", employer=employer,
                                  title="高级工程师", industries=self.rng.sample(INDUSTRIES, 2)))
        experts = self.bulk(Expert, experts)
        pool = experts[:n_pool]
        now = timezone.now()
        self.bulk(ConflictDeclaration, [ConflictDeclaration(expert=pool[self.rng.randrange(n_pool)], applicant=assign["applicants"][self.rng.randrange(500)],
                                                            relation=ConflictRelation.CONSULTANCY, declared_at=now) for _ in range(150)])
        by_j = {}
        for e in experts[n_pool:]:
            by_j.setdefault(e.jurisdiction_id, []).append(e)
        # reviews in progress: three reviewers per application at a review stage, scored until 200,000 items
        gbt, defense = self.cs["gbt"], self.cs["defense"]
        crit = {cs.pk: list(cs.criteria.order_by("position")) for cs in (gbt, defense)}
        review_apps = [x for x in self.apps if x.stage in REVIEW_STAGES and x.status == "pending"]
        rank_apps = self.special["rank"]["apps"]
        rank_pool = by_j[self.special["rank"]["award"].jurisdiction_id]
        assignments = []
        for x in review_apps:
            cands = by_j.get(x.cycle.award.jurisdiction_id, [])
            for e in self.rng.sample(cands, min(3, len(cands))):
                assignments.append(Assignment(application=x, expert=e, stage=x.stage, criteria_set=defense if x.stage == "defense" else gbt,
                                              assigned_at=now))
        # the ranking cycle: its pool's first expert reviews 100 applications, the second 10 (query-count probes)
        for n, e in ((100, rank_pool[0]), (10, rank_pool[1])):
            for x in rank_apps[:n]:
                assignments.append(Assignment(application=x, expert=e, stage="material_review", criteria_set=gbt, assigned_at=now))
        self.rng.shuffle(assignments)
        assignments = self.bulk(Assignment, assignments)
        scores, sheets = [], 0
        for asg in assignments:
            items = crit[asg.criteria_set_id]
            if len(scores) + len(items) > self.n_scores:
                break
            sheets += 1
            for c in items:
                scores.append(Score(assignment=asg, criterion=c, percent=Decimal(self.rng.randrange(30, 95)), updated_at=now,
                                    strengths="体系完善，过程受控。" if c.position % 5 == 0 else "", opportunities=""))
        submitted = [a.pk for a in assignments[:sheets]]
        Assignment.objects.filter(pk__in=submitted).update(submitted_at=now)
        self.copy_scores(scores)
        self.assignments = assignments
        self.experts = experts
        reviewer = max(by_j.items(), key=lambda kv: len(kv[1]))[1][0]
        loads = {}
        for asg in assignments:
            loads[asg.expert_id] = loads.get(asg.expert_id, 0) + 1
        typical = sorted((e for e in experts[n_pool:] if loads.get(e.pk)), key=lambda e: loads[e.pk])
        reviewer = typical[len(typical) // 2]
        self.out["reviewer_user"] = reviewer.user.username
        self.out["reviewer_assignments"] = loads[reviewer.pk]
        self.out["probe_reviewers"] = {"10": rank_pool[1].user.username, "100": rank_pool[0].user.username}
        self.step(f"{len(experts)} experts, {len(assignments)} assignments, {len(scores)} item scores ({sheets} sheets)")

    def copy_scores(self, scores):
        """200,000 rows: COPY is several times faster than INSERT batches."""
        import io

        from django.db import connection

        from review.models import Score

        buf = io.StringIO()
        for s in scores:
            buf.write(f"{s.assignment_id}\t{s.criterion_id}\t{s.percent}\t{s.strengths}\t{s.opportunities}\t{s.updated_at.isoformat()}\n")
        buf.seek(0)
        table = Score._meta.db_table
        with connection.cursor() as cur:
            cur.cursor.copy_expert(f"COPY {table} (assignment_id, criterion_id, percent, strengths, opportunities, updated_at) FROM STDIN", buf)
        self.out["scores"] = len(scores)

    def notices(self):
        """Every award publishes its publicity lists; all 2,000 notices close at the same moment."""
        from django.utils import timezone

        from awards.models import Application
        from publicity.models import STAGE_NOTICE_KIND, Notice

        due = timezone.now().replace(microsecond=0) + dt.timedelta(days=2)
        self.out["notices_due_at"] = due.isoformat()
        in_pub = {}
        for x in self.apps:
            if x.status == "in_publicity":
                in_pub.setdefault((x.cycle_id, x.stage), []).append(x)
        groups = sorted(in_pub.items(), key=lambda kv: (kv[0][0], kv[0][1]))
        # split each (cycle, stage) group into notices (pre-check lists are per body, corrections, batches)
        per_group = max(1, -(-self.n_notices // len(groups)))
        notices, links = [], []
        cycles = {c.pk: c for c in self.cycles}
        for (cycle_id, stage), apps in groups:
            c = cycles[cycle_id]
            parts = [apps[i::per_group] for i in range(per_group)]
            for k, part in enumerate(parts):
                if len(notices) >= self.n_notices or not part:
                    continue
                notices.append(Notice(award=c.award, cycle=c, kind=STAGE_NOTICE_KIND.get(stage, "accepted_list"), stage=stage,
                                      title=f"{c.award.name}2026年度{stage}名单公示（第{k + 1}批）",
                                      body="依据管理办法，现将结果予以公示。对公示对象有异议的，请在公示期内书面提出。",
                                      issuer=c.award.office.name, published_at=due - dt.timedelta(days=7), role="office",
                                      opened_on=(due - dt.timedelta(days=7)).date(), first_day=(due - dt.timedelta(days=6)).date(),
                                      last_day=(due - dt.timedelta(days=1)).date(), closes_at=due, length=5, unit="working_days",
                                      article="第十条", state=Notice.State.OPEN))
                links.append(part)
        notices = self.bulk(Notice, notices)
        Through = Notice.applications.through
        rows = [Through(notice_id=n.pk, application_id=x.pk) for n, part in zip(notices, links) for x in part]
        self.bulk(Through, rows)
        listed = {x.pk for part in links for x in part}
        # applications in publicity that ended up on no notice (notice cap) stay pending instead
        Application.objects.filter(pk__in=[x.pk for x in self.apps if x.status == "in_publicity" and x.pk not in listed]).update(status="pending")
        self.notices_ = notices
        self.out["notices"] = len(notices)
        self.out["notice_listed_applications"] = len(listed)
        self.step(f"{len(notices)} notices listing {len(listed)} applications, due {due:%Y-%m-%d %H:%M}Z")

    def grants_and_objections(self):
        from django.utils import timezone

        from awards.models import Application, Grant
        from publicity.models import Objection

        rank = self.special["rank"]
        a = rank["award"]
        winners = rank["apps"][400:500]
        grants = self.bulk(Grant, [Grant(application=x, applicant=x.applicant, applicant_name=x.applicant.name, award=a, cycle=rank["cycle"], category="organization",
                                         year=2024, cycle_number=0, decision_document="测评〔2024〕8号", awarded_on=dt.date(2024, 12, 20),
                                         valid_until=dt.date(2027, 12, 20), prize_amount=Decimal("100000.00"),
                                         serial=f"{a.jurisdiction.code}-2024-00-{i + 1:03d}") for i, x in enumerate(winners)])
        self.out["grants"] = [g.pk for g in grants]
        now = timezone.now()
        objections = []
        for i, n in enumerate(self.notices_[:60]):
            x = n.applications.first()
            objections.append(Objection(notice=n, application=x, receipt_no=f"YY-BENCH-{i:05d}", objector_kind="individual",
                                        objector_name=f"{SURNAMES[i % 20]}某", objector_phone="13800000000", objector_address="某市某路1号",
                                        identity_proof="objections/2026/id.pdf", facts="该单位申报材料中的获奖情况与事实不符。",
                                        received_at=now, review_due=dt.date(2026, 12, 10)))
        self.bulk(Objection, objections)
        self.step(f"{len(grants)} grants, {len(objections)} objections")

    def permissions(self):
        """Object permissions as the services grant them: applicants on their applications, reviewers on assigned ones."""
        from django.contrib.auth.models import Permission

        from review.models import ApplicationUserObjectPermission

        change = Permission.objects.get(content_type__app_label="awards", codename="change_application")
        view = Permission.objects.get(content_type__app_label="awards", codename="view_application")
        rows = [ApplicationUserObjectPermission(user_id=self.applicant_user[x.applicant_id].pk, permission=change, content_object=x)
                for x in self.apps]
        expert_user = {e.pk: e.user_id for e in self.experts}
        seen = set()
        for asg in self.assignments:
            key = (expert_user[asg.expert_id], asg.application_id)
            if key not in seen:
                seen.add(key)
                rows.append(ApplicationUserObjectPermission(user_id=key[0], permission=view, content_object_id=key[1]))
        self.bulk(ApplicationUserObjectPermission, rows)
        self.step(f"{len(rows)} object permissions")

    def audit(self):
        """10,000 entries chained after the last existing one: hashes computed here, rows bulk inserted."""
        from django.db import connection, transaction
        from django.utils import timezone

        from core.audit import GENESIS, entry_digest
        from core.models import AuditEntry

        actions = ["application.update", "material.add", "application.submit", "review.scores_save", "notice.publish", "auth.login"]
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [7_202_611])
            prev = AuditEntry.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
            base = timezone.now().replace(microsecond=0)
            rows = []
            for i in range(self.n_audit):
                x = self.apps[i % len(self.apps)]
                e = AuditEntry(created_at=base, actor=None, actor_label=f"applicant-{i % 20000:05d}",
                               role="applicant", jurisdiction_code="", action=actions[i % len(actions)], object_type="awards.Application",
                               object_id=str(x.pk), object_repr=x.reference, outcome="success", source_ip="10.0.0.1",
                               data={"fields": ["declaration"], "n": i}, prev_hash=prev)
                e.hash = entry_digest(e)
                prev = e.hash
                rows.append(e)
            self.bulk(AuditEntry, rows)
        self.out["audit_entries"] = len(rows)
        self.step(f"{len(rows)} audit entries chained")


def generate(*, scale: float = 1.0, log=print) -> dict:
    return Gen(scale=scale, log=log).run()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    setup_django()
    print(json.dumps(generate(scale=args.scale), ensure_ascii=False, indent=1, default=str))
