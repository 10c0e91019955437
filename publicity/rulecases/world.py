"""The world one rule case runs in: its own copy of the award, its people, its applicants and its clock.

A case runs against a copy of the award made for it inside the case's transaction (same jurisdiction,
same ruleset versions, an office and a committee of its own), so that no cycle, winner, ban or committee
member already in the database — the demo data of `make run`, another office's real history — decides
the outcome, and nothing the case does can be seen by another case: the runner rolls the whole world back
when the case ends. Everything that happens in the world after it is built happens through the product's
own services (`verbs.py`); building it (the award's copy, logins and their posts) is the only setup done
on the tables directly, as test fixtures do.
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth import get_user_model

from awards import services as award_services
from awards.models import Applicant, ApplicantKind, Application, Cycle
from awards.history_import import HISTORY_MARK
from awards.validators import CREDIT_CHARSET, credit_code_check_char, id_check_char
from core import clock
from core.crypto import blind_index
from jurisdictions import services as jurisdiction_services
from jurisdictions.calendar import is_working_day
from jurisdictions.models import Award, Body, BodyKind, Jurisdiction, Level, Membership, Role, Ruleset
from jurisdictions.rules import Rules
from jurisdictions.selectors import ruleset_in_force

from .schema import Case, Malformed

DEFAULT_REGISTERED_ON = dt.date(2010, 1, 1)
DEFAULT_QUALITY_WORK_YEARS = 10
DEFAULT_QUALITY_SYSTEM_YEARS = 5
CALENDAR_SOURCE = "规则用例录入的工作日历（仅在本用例中有效）"


class World:
    def __init__(self, case: Case, *, ruleset_data: dict | None = None):
        self.case = case
        self.token = secrets.token_hex(4)
        self.source = Award.objects.select_related("jurisdiction", "office", "committee").get(slug=case.award)
        self._users: dict[str, object] = {}
        self.applicants: dict[str, Applicant] = {}
        self.applicant_users: dict[str, object] = {}
        self.stored_files: list = []  # files the case stored (objection uploads), deleted before the rollback
        self._member_names: list[str] = []
        self.award = self._copy_award(ruleset_data)

    # ---- the award's copy -----------------------------------------------------------------------------
    def _copy_award(self, ruleset_data: dict | None) -> Award:
        source, j = self.source, self.source.jurisdiction
        office = Body.objects.create(jurisdiction=j, kind=BodyKind.AWARD_OFFICE, name=f"{source.office.name}（规则用例 {self.token}）")
        committee_name = source.committee.name if source.committee_id else "评审委员会"
        committee = Body.objects.create(jurisdiction=j, kind=BodyKind.COMMITTEE, name=f"{committee_name}（规则用例 {self.token}）")
        # short: the slug is part of every application's reference (40 characters at most)
        award = Award.objects.create(jurisdiction=j, slug=f"{source.slug.split('-')[0]}-rc{self.token}", name=source.name,
                                     office=office, committee=committee)
        versions = list(source.rulesets.order_by("version"))
        if self.case.ruleset_version is not None:
            versions = [r for r in versions if r.version == self.case.ruleset_version]
            if not versions:
                raise Malformed(self.case.file, self.case.name, "ruleset_version", f"{source.name}没有第 {self.case.ruleset_version} 版规则")
        for r in versions:
            Ruleset.objects.create(award=award, version=r.version, document_number=r.document_number, issued=r.issued,
                                   effective_from=r.effective_from, effective_until=r.effective_until, data=r.data, note=r.note)
        if ruleset_data is not None:  # a version being edited, checked against the cases before it is saved
            doc = ruleset_data["document"]
            Ruleset.objects.create(award=award, version=(versions[-1].version + 1 if versions else 1), document_number=doc["number"],
                                   issued=_date(doc.get("issued")), effective_from=_date(doc.get("effective_from")),
                                   effective_until=_date(doc.get("effective_until")), data=ruleset_data, note="待保存的新版本")
        return award

    # ---- people ---------------------------------------------------------------------------------------
    def _user(self, key: str, label: str):
        if key not in self._users:
            user = get_user_model().objects.create(username=f"rc{self.token}-{key}"[:150], first_name=label[:150])
            user.set_unusable_password()
            user.save(update_fields=["password"])
            self._users[key] = user
        return self._users[key]

    def _post(self, user, body: Body, role: str):
        Membership.objects.get_or_create(user=user, body=body, role=role, defaults={"active": True})
        return user

    def office(self):
        return self._post(self._user("office", f"{self.award.office.name}工作人员"), self.award.office, Role.OFFICE)

    def checker(self, body: Body):
        return self._post(self._user(f"precheck{body.pk}", f"{body.name}工作人员"), body, Role.PRECHECK)

    def committee_member(self, name: str):
        if name not in self._member_names:
            self._member_names.append(name)
        index = self._member_names.index(name) + 1
        return self._post(self._user(f"member{index}", name), self.award.committee, Role.COMMITTEE)

    def committee_roster(self, names: list[str]) -> list:
        """The committee is exactly these members: the case's other members of its committee leave it."""
        members = [self.committee_member(n) for n in names]
        Membership.objects.filter(body=self.award.committee, role=Role.COMMITTEE).exclude(
            user__in=members).update(active=False)
        Membership.objects.filter(body=self.award.committee, role=Role.COMMITTEE, user__in=members).update(active=True)
        return members

    def actor_for(self, role: str, application: Application | None = None):
        if role == "office":
            return self.office()
        if role == "precheck":
            if application is None or application.route_body_id is None:
                raise RuntimeError("该申报没有受理/初审机构，无法以初审机构身份办理。")
            return self.checker(application.route_body)
        if role == "committee":
            existing = (Membership.objects.filter(body=self.award.committee, role=Role.COMMITTEE, active=True)
                        .select_related("user").order_by("pk").first())
            return existing.user if existing else self.committee_member("委员甲")
        if role == "applicant":
            if application is None:
                raise RuntimeError("没有申报，无法以申报单位身份办理。")
            return self.applicant_users[self.name_of(application.applicant)]
        raise RuntimeError(f"未知角色：{role}")

    # ---- applicants -----------------------------------------------------------------------------------
    def default_county(self) -> Jurisdiction:
        """The first county-level division inside the award's jurisdiction, in code order."""
        j = self.award.jurisdiction
        for county in Jurisdiction.objects.filter(level=Level.COUNTY).select_related("parent__parent__parent").order_by("code"):
            if county.is_within(j):
                return county
        return j

    def applicant(self, name: str) -> Applicant:
        """The applicant named by the case, registered through the applicants' own service on first use."""
        if name in self.applicants:
            return self.applicants[name]
        spec = self.case.applicants[name]
        parent = self.applicant(spec["parent"]) if spec.get("parent") else None
        if "county" in spec:
            county = Jurisdiction.objects.filter(code=spec["county"]).first()
            if county is None:
                raise Malformed(self.case.file, self.case.name, f"applicants.{name}.county", f"没有代码为 {spec['county']} 的行政区划")
        else:
            county = self.default_county()
        user = self._user(f"applicant{list(self.case.applicants).index(name) + 1}", f"{name}（申报联系人）")
        if spec["kind"] == ApplicantKind.ORGANIZATION:
            applicant = award_services.applicant_register_organization(
                user=user, name=name, credit_code=self._credit_code(county), county=county,
                legal_form=spec.get("legal_form", "legal_person"), registration_date=spec.get("registered_on", DEFAULT_REGISTERED_ON),
                industry=spec.get("industry", ""), parent=parent)
        else:
            applicant = award_services.applicant_register_individual(
                user=user, name=name, id_number=self._id_number(county), county=county, employer=f"{county.name}某单位",
                quality_work_years=spec.get("quality_work_years", DEFAULT_QUALITY_WORK_YEARS))
        self.applicants[name] = applicant
        self.applicant_users[name] = user
        return applicant

    def forget_rolled_back(self) -> None:
        """After a step that was refused or failed: its savepoint took back what it created, so logins and
        applicants registered during it are registered again when next needed."""
        users = set(get_user_model().objects.filter(pk__in=[u.pk for u in self._users.values()]).values_list("pk", flat=True))
        self._users = {key: u for key, u in self._users.items() if u.pk in users}
        applicants = set(Applicant.objects.filter(pk__in=[a.pk for a in self.applicants.values()]).values_list("pk", flat=True))
        for name in [n for n, a in self.applicants.items() if a.pk not in applicants]:
            del self.applicants[name]
            self.applicant_users.pop(name, None)

    def name_of(self, applicant: Applicant) -> str:
        for name, known in self.applicants.items():
            if known.pk == applicant.pk:
                return name
        return applicant.name

    @staticmethod
    def _credit_code(county: Jurisdiction) -> str:
        while True:
            first = "91" + county.code + "".join(secrets.choice(CREDIT_CHARSET) for _ in range(9))
            code = first + credit_code_check_char(first)
            if not Applicant.objects.filter(credit_code=code).exists():
                return code

    @staticmethod
    def _id_number(county: Jurisdiction) -> str:
        while True:
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=secrets.randbelow(9000))
            first = county.code + birth.strftime("%Y%m%d") + f"{secrets.randbelow(1000):03d}"
            number = first + id_check_char(first)
            if not Applicant.objects.filter(id_number_index=blind_index(number)).exists():
                return number

    # ---- cycles and applications ------------------------------------------------------------------------
    def cycles(self):
        return Cycle.objects.filter(award=self.award).exclude(override_reason=HISTORY_MARK)

    def open_cycle(self) -> Cycle | None:
        return self.cycles().filter(status=Cycle.Status.OPEN).select_related("ruleset", "award__jurisdiction").order_by("-number").first()

    def require_open_cycle(self) -> Cycle:
        cycle = self.open_cycle()
        if cycle is None:
            raise RuntimeError("用例中没有进行中的评选届次（请先 open_cycle）。")
        return cycle

    def rules(self) -> Rules:
        cycle = self.open_cycle() or self.cycles().order_by("-number").first()
        if cycle is not None:
            return Rules(cycle.ruleset.data)
        ruleset = ruleset_in_force(self.award, clock.today()) or self.award.rulesets.order_by("-version").first()
        return Rules(ruleset.data)

    def application(self, name: str) -> Application | None:
        """The named applicant's latest application to the award (by cycle), or None."""
        if name not in self.applicants:
            return None
        return (Application.objects.filter(applicant=self.applicants[name], cycle__award=self.award)
                .select_related("cycle__ruleset", "cycle__award__jurisdiction", "applicant", "route_body")
                .order_by("-cycle__number", "-pk").first())

    def require_application(self, name: str) -> Application:
        app = self.application(name)
        if app is None:
            raise RuntimeError(f"{name} 在用例中还没有申报。")
        return app

    # ---- the calendar -----------------------------------------------------------------------------------
    def enter_calendar(self) -> None:
        """The case's `calendar`: entered as staff would at /calendar/, day by day, then the year declared."""
        for year, days in (self.case.calendar or {}).items():
            actor = self.office()
            for day in days["holidays"]:
                jurisdiction_services.calendar_override_set(day=day, is_working=False, name="节假日", source=CALENDAR_SOURCE, actor=actor)
            for day in days["workdays"]:
                jurisdiction_services.calendar_override_set(day=day, is_working=True, name="调休上班", source=CALENDAR_SOURCE, actor=actor)
            if not days["holidays"] and not days["workdays"]:
                # "weekends only": the declaration needs one entered day; the year's first Saturday is a rest day anyway
                saturday = dt.date(year, 1, 1) + dt.timedelta(days=(5 - dt.date(year, 1, 1).weekday()) % 7)
                jurisdiction_services.calendar_override_set(day=saturday, is_working=False, name="周末", source=CALENDAR_SOURCE, actor=actor)
            jurisdiction_services.calendar_year_declare(year=year, source=CALENDAR_SOURCE, actor=actor)

    # ---- what an applicant declares -------------------------------------------------------------------
    def declaration(self, name: str, facts: dict, previous: dict | None = None) -> dict:
        """A complete declaration that passes every declared rule, with the step's facts in it: the dates of
        accidents, violations and findings as the facts step takes them (*_dates), the loss fiscal years."""
        spec = self.case.applicants[name]
        out = dict(previous or {})
        out.update({"quality_system_years": DEFAULT_QUALITY_SYSTEM_YEARS, "policy_compliance": True, "licences": True,
                    "tax_paid_locally": True, "good_credit": True, "on_abnormal_list": False, "on_serious_violation_list": False,
                    "contains_state_secrets": False, "is_top_manager": False, "new_economy": bool(spec.get("new_economy")),
                    "non_profit": bool(spec.get("non_profit"))})
        for fact, key in (("accidents", "accident_dates"), ("violations", "violation_dates"),
                          ("tax_violations", "tax_violation_dates"), ("fraud_in_awards", "award_fraud_dates")):
            out[key] = sorted(d.isoformat() for d in facts.get(fact, []))
        out["employer_accident_dates"] = list(out["accident_dates"])
        out["complaint_dates"] = []
        out["loss_years"] = sorted(set(facts.get("loss_years", [])))
        if facts.get("abnormal_list"):
            out["on_abnormal_list"] = True
        if "new_achievements" in facts:
            out["new_achievements"] = facts["new_achievements"]
        return out

    def internal_publicity(self, rules: Rules, facts: dict, on: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """The declared internal publicity: the case's own dates, or the ruleset's full window ending the
        working day before the submission."""
        if "internal_publicity" in facts:
            return facts["internal_publicity"]["from"], facts["internal_publicity"]["to"]
        if not rules.has_stage("internal_publicity"):
            return None, None
        window = rules.stage("internal_publicity").publicity
        length = window.length if window else 5
        if window is not None and window.unit == "calendar_days":
            end = on - dt.timedelta(days=1)
            return end - dt.timedelta(days=length - 1), end
        end = on - dt.timedelta(days=1)
        while not is_working_day(end):
            end -= dt.timedelta(days=1)
        start, counted = end, 1
        while counted < length:
            start -= dt.timedelta(days=1)
            if is_working_day(start):
                counted += 1
        return start, end


def _date(value):
    return dt.date.fromisoformat(value) if value else None
