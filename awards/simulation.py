"""A complete cycle of one award with generated applicants, through the same services the UI and API use.

Simulated time advances through the real working-day calendar; windows close only when the real sweep
task runs after their closing time. Used by `simulate_cycle` and as the demo data of `make run`.
"""
from __future__ import annotations

import datetime as dt
import math
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from core import clock
from core.errors import DomainError
from jurisdictions.calendar import add_working_days
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction, Membership
from jurisdictions.rules import REVIEW_STAGES, Rules
from jurisdictions.selectors import ruleset_in_force

from . import actions, selectors, services
from .enums import WORKING
from .models import Application
from .validators import CREDIT_CHARSET, credit_code_check_char, id_check_char

# The players of the parts of a cycle that other apps own: review plays the experts and the committee
# ("review_stage", "committee_vote"), publicity runs its deadline sweep ("sweep_deadlines"). They register
# here from their AppConfig.ready(), so the rehearsal drives them without awards importing them.
PLAYERS: dict = {}


SIM_PDF = b"%PDF-1.4\n% rehearsal\n%%EOF\n"

def register_player(name: str, play) -> None:
    PLAYERS[name] = play


def player(name: str):
    try:
        return PLAYERS[name]
    except KeyError:
        raise DomainError(f"演练缺少“{name}”环节的执行程序（其所属应用未安装）。") from None


SIM_PASSWORD = "Zlj-sim-2026!"
SURNAMES = "王李张刘陈杨赵黄周吴"
TRADES = [("乳业有限公司", "食品制造"), ("机械制造有限公司", "装备制造"), ("建设工程有限公司", "建筑业"), ("农牧科技有限公司", "农牧业"),
          ("商贸物流有限公司", "物流"), ("新能源有限公司", "能源"), ("医药有限公司", "医药"), ("信息技术有限公司", "信息技术")]


def _user(username: str, name: str, role: str | None = None, body: Body | None = None):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": name})
    if created:
        user.set_password(SIM_PASSWORD)
        user.save()
    if role:
        Membership.objects.get_or_create(user=user, body=body, role=role)
    return user


def issue_required_opinion(app: Application, rules: Rules, stage, actor_for) -> None:
    """In a rehearsal, the issuing body gives the document a stage cannot pass without (兴安盟 第十七条 推荐意见,
    塔城 第十四条 审核意见), as its staff would; `actor_for(role, app)` is the rehearsal's person for a role."""
    needed = stage.requires_opinion
    if not needed:
        return
    issued_at = needed.get("issued_at") or stage.code
    if app.opinions.filter(kind=needed["kind"], stage=issued_at).exists():
        return
    role = rules.stage(issued_at).actor
    body = app.route_body.name if role == "precheck" and app.route_body_id else app.cycle.award.office.name
    services.opinion_record(application=app, actor=actor_for(role, app), role=role, kind=needed["kind"], body_name=body,
                            text=f"经审核，符合申报条件，同意推荐。（{needed['name']}，演练）")


def _credit_code(rng: random.Random, county: Jurisdiction) -> str:
    body = "91" + county.code + "".join(rng.choice(CREDIT_CHARSET[:10] + "ABCDEFGH") for _ in range(9))
    return body + credit_code_check_char(body)


def _id_number(rng: random.Random, county: Jurisdiction) -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randint(0, 9000))
    first = county.code + birth.strftime("%Y%m%d") + f"{rng.randint(0, 999):03d}"
    return first + id_check_char(first)


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.SHANGHAI)


def default_start(award: Award) -> dt.date:
    """A Monday inside the ruleset's force and inside years the calendar knows (the run spans ~6 months)."""
    from jurisdictions.calendar import known_years

    today = clock.today()
    known = set(known_years())
    candidates = [r for r in award.rulesets.all()]
    for ruleset in sorted(candidates, key=lambda r: -r.version):
        start = max(ruleset.effective_from or dt.date(2025, 1, 6), dt.date(2025, 1, 6))
        # this year's run only when the calendar knows every day of it (a year whose holidays nobody has
        # entered yet would stop the rehearsal at its first working-day window)
        if ruleset.in_force_on(today) and today.month <= 3 and {today.year, (today + dt.timedelta(days=200)).year} <= known:
            start = max(start, today)
        while start.weekday() != 0:
            start += dt.timedelta(days=1)
        if ruleset.in_force_on(start):
            return start
    raise DomainError("没有可用于演练的规则版本。")


class Simulation:
    def __init__(self, slug: str, *, applicants: int = 10, seed: int = 1, start: dt.date | None = None):
        self.award = Award.objects.select_related("jurisdiction", "office").get(slug=slug)
        self.rng = random.Random(seed)
        self.n = applicants
        self.start = start or default_start(self.award)
        self.timeline: list[dict] = []
        self.rejected: list[dict] = []
        self.not_advanced: list[dict] = []
        self.tag = f"{slug}-{seed}"

    # clock
    def at(self, day: dt.date, hour: int = 9):
        clock.set_now(_at(day, hour))
        self.day = day

    def sweep_after(self, closes_at: dt.datetime):
        moment = closes_at + dt.timedelta(minutes=1)
        clock.set_now(moment)
        self.day = moment.astimezone(clock.SHANGHAI).date()
        player("sweep_deadlines")()  # the real deadline task, run in-process at the simulated time
        self.at(add_working_days(self.day - dt.timedelta(days=1), 1))

    def next_day(self, n: int = 1):
        self.at(add_working_days(self.day, n))

    def run(self) -> dict:
        token = clock._override.set(None)
        try:
            self.at(self.start)
            self.ruleset = ruleset_in_force(self.award, self.start)
            if self.ruleset is None:
                raise DomainError(f"{self.start} 没有现行有效的规则。")
            self.rules = Rules(self.ruleset.data)
            self._people()
            self._open_cycle()
            self._file()
            for stage in self.rules.stages:
                if stage.code in ("announcement", "internal_publicity", "filing"):
                    continue
                self._run_stage(stage)
            return self._result()
        finally:
            clock._override.reset(token)

    def _people(self):
        j = self.award.jurisdiction
        self.office = _user(f"sim-{self.award.slug}-office", f"{j.name}办公室（演练）", "office", self.award.office)
        counties, frontier = [], [j]
        while frontier:  # every county-level unit within the award's jurisdiction
            children = list(Jurisdiction.objects.filter(parent__in=frontier))
            counties += [c for c in children if c.level == "county"]
            frontier = [c for c in children if c.level != "county"]
        self.counties = counties or [j]

    def _open_cycle(self):
        call = self.rules.stage("announcement").publicity if self.rules.has_stage("announcement") else None
        last = self.award.cycles.order_by("-year").first()
        year = self.start.year
        ok, _why = services.cycle_year_allowed(self.award, self.rules, year)
        filing_deadline = add_working_days(self.start, (call.length if call else 0) + 15)
        self.cycle = services.cycle_open(
            award=self.award, actor=self.office, year=year, filing_deadline=filing_deadline,
            plan_approval_body="上级评比表彰工作主管部门（演练）", plan_approval_document=f"演练批复〔{year}〕1号",
            plan_approval_date=self.start - dt.timedelta(days=7),
            override_reason="" if ok and not last else "演练：同一年度再次启动")
        if not self.rules.has_stage("announcement"):
            return
        notice = self.cycle.notices.order_by("pk").first()
        entry = {"stage": "announcement", "opened": self.start.isoformat(), "closed": (notice.last_day or self.start).isoformat()}
        if notice.closes_at:
            entry["notice"] = self._notice_dict(notice)
        self.timeline.append(entry)

    def _notice_dict(self, notice):
        return {"id": notice.pk, "first_day": notice.first_day.isoformat(), "last_day": notice.last_day.isoformat(),
                "length": notice.length, "unit": notice.unit, "article": notice.article}

    def _make_applicant(self, i: int, category: str):
        county = self.rng.choice(self.counties)
        user = _user(f"sim-{self.tag}-app{i}", f"申报联系人{i}")
        if category == "individual":
            name = self.rng.choice(SURNAMES) + self.rng.choice(["建国", "秀兰", "志强", "海燕", "立新"]) + str(i)
            return services.applicant_register_individual(user=user, name=name, id_number=_id_number(self.rng, county), county=county,
                                                          employer=f"{county.name}示例企业", quality_work_years=self.rng.randint(3, 20),
                                                          phone=f"139{self.rng.randint(10000000, 99999999)}"), user
        suffix, industry = self.rng.choice(TRADES)
        years = self.rng.choice([2, 4, 6, 8, 10, 12, 15, 20])
        applicant = services.applicant_register_organization(
            user=user, name=f"{county.name}示例{suffix.replace('有限公司', '')}{i}号有限公司", credit_code=_credit_code(self.rng, county),
            county=county, legal_form="legal_person", registration_date=self.start.replace(year=self.start.year - years),
            industry=industry, address=f"{county.name}示例路{i}号", phone=f"0482{self.rng.randint(1000000, 9999999)}")
        return applicant, user

    def _file(self):
        self.apps: list[Application] = []
        categories = self.rules.categories
        internal = self.rules.stage("internal_publicity") if self.rules.has_stage("internal_publicity") else None
        first_day = self.day
        industry_bodies = list(Body.objects.filter(jurisdiction=self.award.jurisdiction, kind=BodyKind.INDUSTRY_DEPARTMENT))
        pending = []
        for i in range(1, self.n + 1):
            category = categories[i % len(categories)] if len(categories) > 1 else categories[0]
            applicant, user = self._make_applicant(i, category)
            app = services.application_create(cycle=self.cycle, applicant=applicant, category=category, actor=user)
            # every 7th declares an accident half a year back: inside every "近N年" window, so it is refused
            accidents = [(self.start - dt.timedelta(days=180)).isoformat()] if i % 7 == 0 else []
            decl = {"quality_system_years": self.rng.randint(1, 8), "accident_dates": accidents, "violation_dates": [], "loss_years": [],
                    "policy_compliance": True, "licences": True, "tax_paid_locally": True, "good_credit": True,
                    "on_abnormal_list": False, "on_serious_violation_list": False, "contains_state_secrets": False}
            if self.rules.routing["first"] == "industry_department_or_market_regulation" and industry_bodies and i % 2 == 0:
                decl["route_body_id"] = industry_bodies[i % len(industry_bodies)].pk
            fields = {"declaration": decl, "self_evaluation": f"{applicant.name}对照评审标准的自我评价报告（演练）。", "encouraged": []}
            if internal:
                fields["internal_publicity_from"] = first_day
                fields["internal_publicity_to"] = add_working_days(first_day, internal.publicity.length - 1)
            services.application_update(application=app, actor=user, **fields)
            if selectors.applicant_recommendation(app, self.rules):  # signed by the recommending body, then scanned
                services.material_add(application=app, actor=user, kind="recommendation", issuer="推荐单位（演练）", title="",
                                      uploaded_file=SimpleUploadedFile("推荐意见.pdf", SIM_PDF, content_type="application/pdf"))
            pending.append((app, user))
        if internal:
            end = max(a.internal_publicity_to for a, _ in pending)
            self.timeline.append({"stage": "internal_publicity", "opened": first_day.isoformat(), "closed": end.isoformat(),
                                  "notice": {"first_day": first_day.isoformat(), "last_day": end.isoformat(),
                                             "length": internal.publicity.length, "unit": internal.publicity.unit,
                                             "article": internal.publicity.article}})
            self.at(add_working_days(end, 1))
        opened = self.day
        for app, user in pending:
            try:
                self.apps.append(services.application_submit(application=app, actor=user))
            except DomainError as exc:
                self.rejected.append({"name": app.applicant.name, "stage": "filing", "reason": exc.message})
        self.timeline.append({"stage": "filing", "opened": opened.isoformat(), "closed": self.cycle.filing_deadline.isoformat()})
        self.at(add_working_days(self.cycle.filing_deadline, 1))

    def _actor_for(self, app, stage):
        return self._person(stage.actor, app), ("precheck" if stage.actor == "precheck" else "office")

    def _person(self, role, app):
        if role == "precheck":
            return _user(f"sim-{self.award.slug}-precheck-{app.route_body_id}", f"{app.route_body.name}（演练）", "precheck", app.route_body)
        return self.office

    def _live(self, stage_code):
        return list(Application.objects.filter(cycle=self.cycle, stage=stage_code, status__in=WORKING)
                    .select_related("applicant", "route_body").order_by("reference"))

    def _run_stage(self, stage):
        opened = self.day
        apps = self._live(stage.code)
        entry = {"stage": stage.code, "opened": opened.isoformat()}
        if stage.code in ("pre_check", "qualification_review"):
            for k, app in enumerate(apps):
                actor, role = self._actor_for(app, stage)
                if k == 0 and len(apps) > 3:  # one incomplete file: 一次性告知, then the applicant supplements
                    services.supplement_request(application=app, actor=actor, role=role, items=["补充近三年财务报表", "补充质量管理体系认证证书"])
                    member = app.applicant.members.first().user
                    app = services.supplement_answer(application=app, actor=member, answer="已补充上述材料。")
                if k == 1 and len(apps) > 4 and stage.code == "qualification_review":
                    actions.perform(application=app, name="reject", actor=actor, role=role, reason="申报材料不完整且未按期补正，退回申报材料并书面说明理由。")
                    self.rejected.append({"name": app.applicant.name, "stage": stage.code, "reason": "申报材料不完整且未按期补正"})
                    continue
                has_window = bool(stage.publicity or stage.public_comment)
                issue_required_opinion(app, self.rules, stage, self._person)
                actions.perform(application=app, name="approve" if has_window else "advance", actor=actor, role=role, reason="材料完整，符合申报条件")
        elif stage.code in REVIEW_STAGES or stage.code == "composite_evaluation":
            ranking = self._rank(stage.code, apps)
            keep = self._keep_count(stage.code, ranking)
            chosen = self._choose(ranking, keep)
            for app in apps:
                if app.pk in chosen:
                    actions.perform(application=app, name="approve" if (stage.publicity or stage.public_comment) else "advance", actor=self.office,
                               role="office", reason="按好中选优原则入选")
                else:
                    actions.perform(application=app, name="not_advance", actor=self.office, role="office", reason="综合排名未进入下一环节，反馈评审报告")
                    self.not_advanced.append({"name": app.applicant.name, "stage": stage.code, "reason": "排名未进入下一环节"})
            if stage.code == [s for s in self.rules.stage_codes if s in REVIEW_STAGES][-1]:
                services.cycle_review_close(cycle=self.cycle, actor=self.office)  # panels dissolve (第九条)
        elif stage.code == "deliberation":
            passed = self._vote(apps)
            for app in apps:
                if passed.get(app.pk, True):
                    actions.perform(application=app, name="advance", actor=self.office, role="office", reason="审议表决通过")
                else:
                    actions.perform(application=app, name="not_advance", actor=self.office, role="office", reason="审议表决未获通过")
                    self.not_advanced.append({"name": app.applicant.name, "stage": stage.code, "reason": "审议表决未获通过"})
        elif stage.code == "award_publicity":
            for app in apps:
                actions.perform(application=app, name="approve", actor=self.office, role="office", reason="审议通过，列入拟授奖名单")
        elif stage.code == "approval":
            self.next_day(2)
            services.approval_record(cycle=self.cycle, actor=self.office, body="人民政府", document=f"演练批复〔{self.cycle.year}〕9号", date=self.day)
        elif stage.code == "commendation":
            self.next_day(3)
            self.grants = services.commend(cycle=self.cycle, actor=self.office, decision_document=f"演练表彰〔{self.cycle.year}〕1号", date=self.day)
        window = stage.publicity or stage.public_comment
        if window and self._live(stage.code) and stage.code != "commendation":
            publish = actions.cycle_action("publish_list")
            bodies = {a.route_body for a in self._live(stage.code)} if stage.actor == "precheck" else {None}
            notices = []
            for body in bodies:
                actor, role = (self._actor_for(next(a for a in self._live(stage.code) if a.route_body == body), stage)
                               if body is not None else (self.office, "office"))
                self.next_day(1)
                notices.append(publish.perform(cycle=self.cycle, stage_code=stage.code, actor=actor, role=role, body=body))
            entry["notice"] = self._notice_dict(notices[0])
            if len(notices) > 1:
                entry["notices"] = [self._notice_dict(n) for n in notices]
            self.sweep_after(max(n.closes_at for n in notices))
        else:
            self.next_day(3 if stage.code in REVIEW_STAGES else 1)
        entry["closed"] = self.day.isoformat()
        self.timeline.append(entry)

    def _rank(self, stage_code, apps):
        if stage_code in REVIEW_STAGES:
            rows = player("review_stage")(self.cycle, stage_code, rng=self.rng, actor_office=self.office)
            return [(row.application, row.total) for row in rows]
        return sorted(((a, self.rng.randint(450, 900)) for a in apps), key=lambda t: -t[1])

    def _keep_count(self, stage_code, ranking) -> int:
        quota = self.rules.quota_total or sum(self.rules.quota(c) for c in self.rules.categories)
        if stage_code == "composite_evaluation" or stage_code == [s for s in self.rules.stage_codes if s in REVIEW_STAGES][-1]:
            return quota + (1 if stage_code != "composite_evaluation" else 0)
        return max(quota + 1, math.ceil(len(ranking) * 0.7))

    def _choose(self, ranking, keep) -> set[int]:
        chosen, per_cat = set(), {}
        for app, _total in ranking:
            cap = self.rules.quota(app.category) + 1 if self.rules.quota_total is None else keep
            if len(chosen) < keep and per_cat.get(app.category, 0) < cap:
                chosen.add(app.pk)
                per_cat[app.category] = per_cat.get(app.category, 0) + 1
        if any(True for _ in ranking) and keep <= (self.rules.quota_total or 99):
            # final cut: never more than each category's quota
            trimmed, per_cat = set(), {}
            for app, _total in ranking:
                if app.pk in chosen and per_cat.get(app.category, 0) < self.rules.quota(app.category):
                    trimmed.add(app.pk)
                    per_cat[app.category] = per_cat.get(app.category, 0) + 1
            chosen = trimmed
        return chosen

    def _vote(self, apps) -> dict[int, bool]:
        return player("committee_vote")(self.cycle, apps, rng=self.rng)

    def _result(self) -> dict:
        grants = getattr(self, "grants", [])
        return {
            "award": self.award.slug,
            "award_name": self.award.name,
            "ruleset_version": self.ruleset.version,
            "cycle": {"id": self.cycle.pk, "year": self.cycle.year, "number": self.cycle.number},
            "timeline": self.timeline,
            "winners": [{"name": g.applicant.name, "category": g.category, "serial": g.serial,
                         "prize": str(g.prize_amount) if g.prize_amount is not None else None} for g in grants],
            "not_advanced": self.not_advanced,
            "rejected": self.rejected,
        }


def simulate_cycle(slug: str, *, applicants: int = 10, seed: int = 1, start: dt.date | None = None) -> dict:
    return Simulation(slug, applicants=applicants, seed=seed, start=start).run()
