"""Review agencies move here from awards (awards/migrations/0005_agencies_to_review).

The model is taken over in the state only, on its existing table awards_agencycontract with its rows, then
the table is renamed review_agencycontract. The content types move with the models (awards → review), so
the permissions attached to them, and any object permission naming them, keep working."""
import core.clock
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = ('agencycontract', 'reviewagency')


def content_types_to_review(apps, schema_editor):
    _move_content_types(apps, 'awards', 'review')


def content_types_to_awards(apps, schema_editor):
    _move_content_types(apps, 'review', 'awards')


def _move_content_types(apps, old: str, new: str):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    for model in MOVED:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0005_agencies_to_review'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('jurisdictions', '0002_clock_timestamps'),
        ('review', '0003_clock_timestamps'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ReviewAgency',
                    fields=[
                    ],
                    options={
                        'verbose_name': '第三方评审机构',
                        'verbose_name_plural': '第三方评审机构',
                        'proxy': True,
                        'indexes': [],
                        'constraints': [],
                    },
                    bases=('jurisdictions.body',),
                ),
                migrations.CreateModel(
                    name='AgencyContract',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('procurement_document', models.CharField(blank=True, max_length=80, verbose_name='政府采购文件编号')),
                        ('signed_on', models.DateField(verbose_name='签订日期')),
                        ('starts_on', models.DateField(verbose_name='服务开始日期')),
                        ('ends_on', models.DateField(verbose_name='服务结束日期')),
                        ('terminated_on', models.DateField(blank=True, null=True, verbose_name='提前终止日期')),
                        ('created_at', models.DateTimeField(default=core.clock.now, editable=False)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agency_contracts', to='jurisdictions.body', verbose_name='评审机构')),
                        ('award', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agency_contracts', to='jurisdictions.award', verbose_name='奖项')),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('cycle', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='agency_contracts', to='awards.cycle', verbose_name='届次')),
                    ],
                    options={
                        'verbose_name': '评审机构委托合同',
                        'verbose_name_plural': '评审机构委托合同',
                        'ordering': ['-starts_on'],
                        'db_table': 'awards_agencycontract',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='agencycontract', table=None),
        migrations.RunPython(content_types_to_review, content_types_to_awards),
    ]
