"""Claims of records no account holds are requests (ClaimRequest), and a grant keeps the winner's name at the
time of the award (Grant.applicant_name), filled here for the grants made so far (issue #16 item 2)."""

import core.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def names_at_award_time(apps, schema_editor):
    """The applicant's current name, except where an earlier automatic take-over of an imported record
    (audit action applicant.claim, before this migration) renamed it after the award: then the name the
    audit log kept from before the take-over."""
    Grant = apps.get_model("awards", "Grant")
    AuditEntry = apps.get_model("core", "AuditEntry")
    takeovers = {}
    for entry in AuditEntry.objects.filter(action="applicant.claim", object_type="awards.Applicant").order_by("id"):
        before = (entry.data or {}).get("before", {}).get("name")
        if before:
            takeovers.setdefault(entry.object_id, (entry.created_at.date(), before))
    for grant in Grant.objects.select_related("applicant").iterator():
        name = grant.applicant.name
        taken = takeovers.get(str(grant.applicant_id))
        if taken and grant.awarded_on <= taken[0]:
            name = taken[1]
        grant.applicant_name = name[:120]
        grant.save(update_fields=["applicant_name"])


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0008_consultations'),
        ('core', '0002_audit_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='grant',
            name='applicant_name',
            field=models.CharField(default='', max_length=120, verbose_name='获奖时名称'),
            preserve_default=False,
        ),
        migrations.RunPython(names_at_award_time, migrations.RunPython.noop),
        migrations.CreateModel(
            name='ClaimRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('facts', models.JSONField(default=dict, verbose_name='申请人填写的信息')),
                ('state', models.CharField(choices=[('pending', '待办公室审核'), ('approved', '已核实通过'), ('refused', '未通过')], default='pending', max_length=12, verbose_name='状态')),
                ('evidence', models.FileField(blank=True, upload_to='claims/%Y/%m/', verbose_name='营业执照/身份证明')),
                ('evidence_name', models.CharField(blank=True, max_length=200)),
                ('evidence_type', models.CharField(blank=True, max_length=100)),
                ('evidence_size', models.PositiveBigIntegerField(default=0)),
                ('created_at', models.DateTimeField(default=core.clock.now, editable=False)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('basis', models.CharField(blank=True, choices=[('license', '核验上传的营业执照（身份证明）'), ('county', '所在县（市、区、旗）主管部门核实')], max_length=12, verbose_name='核实依据')),
                ('reason', models.TextField(blank=True, verbose_name='核实情况/不予通过的理由')),
                ('applicant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='awards.applicant', verbose_name='申报主体')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='applicant_claims', to=settings.AUTH_USER_MODEL, verbose_name='申请账户')),
            ],
            options={
                'verbose_name': '认领申请',
                'verbose_name_plural': '认领申请',
                'ordering': ['-created_at', '-pk'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'pending')), fields=('applicant', 'user'), name='one_pending_claim_per_user_and_record')],
            },
        ),
    ]
