"""Demo users for every role (only `make run` loads them: no default accounts elsewhere)."""
from django.contrib.auth import get_user_model

from .models import Award, Body, BodyKind, Jurisdiction, Membership

DEMO_PASSWORD = "Zlj-demo-2026"

# username, display name, role, how to find the body
DEMO_STAFF = [
    ("xam-office", "兴安盟质量奖办公室", "office", ("award", "xam-leader", "office")),
    ("xam-committee", "兴安盟审议委员", "committee", ("award", "xam-leader", "committee")),
    ("xam-precheck", "乌兰浩特市市场监管局", "precheck", ("market", "152201")),
    ("xam-precheck-2", "阿尔山市市场监管局", "precheck", ("market", "152202")),
    ("nm-office", "自治区质量奖办公室", "office", ("award", "nm-chairman", "office")),
    ("nm-precheck", "兴安盟市场监管局（盟市初审）", "precheck", ("market", "152200")),
    ("nm-committee", "自治区领导小组成员", "committee", ("award", "nm-chairman", "committee")),
    ("erenhot-office", "二连浩特市专项工作协调办公室", "office", ("award", "erenhot-mayor", "office")),
    ("erenhot-committee", "二连浩特市专项工作组成员", "committee", ("award", "erenhot-mayor", "committee")),
    ("chanhe-office", "瀍河区评委会秘书处", "office", ("award", "chanhe-head", "office")),
    ("chanhe-committee", "瀍河区评委会委员", "committee", ("award", "chanhe-head", "committee")),
    ("tacheng-office", "塔城地区质量奖办公室", "office", ("award", "tacheng-prefecture", "office")),
    ("tacheng-precheck", "塔城市市场监管局", "precheck", ("market", "654201")),
    ("tacheng-committee", "塔城地区领导小组成员单位", "committee", ("award", "tacheng-prefecture", "committee")),
    ("xam-supervisor", "兴安盟纪检监察（只读）", "supervisor", ("award", "xam-leader", "office")),
    ("xam-admin", "兴安盟辖区管理员", "admin", ("award", "xam-leader", "office")),
]


def _body(spec) -> Body:
    if spec[0] == "award":
        award = Award.objects.get(slug=spec[1])
        return award.office if spec[2] == "office" else award.committee
    jurisdiction = Jurisdiction.objects.get(code=spec[1])
    return Body.objects.get(jurisdiction=jurisdiction, kind=BodyKind.MARKET_REGULATION)


def ensure_user(username: str, display: str, *, staff=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": display, "is_staff": staff})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def demo_totp_device(user):
    """Staff must use a second factor (TOTP). Demo staff get a confirmed device with a key derived from the
    username, so `python manage.py demo_otp USER` can print the current code (demo data only)."""
    import hashlib

    from django_otp.plugins.otp_totp.models import TOTPDevice

    key = hashlib.sha256(f"zlj-demo-totp:{user.get_username()}".encode()).hexdigest()[:40]
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="演示设备", defaults={"key": key, "confirmed": True})
    return device


def seed_staff() -> list[tuple[str, str, str]]:
    rows = []
    for username, display, role, spec in DEMO_STAFF:
        user = ensure_user(username, display)
        body = _body(spec)
        Membership.objects.get_or_create(user=user, body=body, role=role)
        demo_totp_device(user)
        rows.append((username, role, body.name))
    admin = ensure_user("platform-admin", "平台运维管理员", staff=True)
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    demo_totp_device(admin)
    rows.append(("platform-admin", "superuser", "平台（/admin/）"))
    return rows
