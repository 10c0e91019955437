"""Demo data for `make run` (idempotent): one finished cycle of 兴安盟盟长质量奖 simulated through the real
services, and an open 塔城地区政府质量奖 cycle with a demo applicant whose draft awaits."""
import datetime as dt

from core import clock
from jurisdictions.demo import DEMO_PASSWORD, demo_totp_device, ensure_user
from jurisdictions.models import Award, Jurisdiction

from . import services
from .models import Applicant, Cycle
from .simulation import simulate_cycle

LOGINS = [
    ("demo-applicant", "applicant", "塔城市示范乳业有限公司（申报单位）"),
    ("sim-expert-152200-1", "reviewer", "兴安盟评审专家（演练届次的评分）"),
    ("sim-committee-152200-2", "committee", "兴安盟审议委员（演练届次的表决）"),
]


def seed(stdout=None):
    if not Cycle.objects.filter(award__slug="xam-leader").exists():
        result = simulate_cycle("xam-leader", applicants=8, seed=1)
        if stdout:
            stdout.write(f"演示：{result['award_name']} 第{result['cycle']['number']}届已模拟完成，获奖 {len(result['winners'])} 个。")
    from django.contrib.auth import get_user_model

    for username, _role, _label in LOGINS[1:]:  # the rehearsal's expert and committee logins become demo logins
        user = get_user_model().objects.filter(username=username).first()
        if user is not None and not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if user is not None:
            demo_totp_device(user)
    tacheng = Award.objects.get(slug="tacheng-prefecture")
    user = ensure_user("demo-applicant", "示范乳业申报联系人")
    applicant = Applicant.objects.filter(members__user=user).first()
    if applicant is None:
        applicant = _register_demo_applicant(user)
    if not tacheng.cycles.filter(status=Cycle.Status.OPEN).exists():
        office = ensure_user("tacheng-office", "塔城地区质量奖办公室")
        today = clock.today()
        services.cycle_open(award=tacheng, actor=office, year=today.year, filing_deadline=today + dt.timedelta(days=25),
                            override_reason="" if not tacheng.cycles.exists() else "演示")
    cycle = tacheng.cycles.filter(status=Cycle.Status.OPEN).first()
    if not cycle.applications.filter(applicant=applicant).exists():
        services.application_create(cycle=cycle, applicant=applicant, category="organization", actor=user)


def _register_demo_applicant(user):
    from .validators import credit_code_check_char

    first17 = "91654201MA7DEMX01"
    return services.applicant_register_organization(
        user=user, name="塔城市示范乳业有限公司", credit_code=first17 + credit_code_check_char(first17),
        county=Jurisdiction.objects.get(code="654201"), legal_form="legal_person", registration_date=dt.date(2012, 5, 18),
        industry="食品制造", address="塔城市示范路1号")
