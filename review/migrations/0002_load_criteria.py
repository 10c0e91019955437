"""Loads the built-in criteria sets (GB/T 19580-2012, 二连浩特 individual sheet, defense sheet)."""
from django.db import migrations


def load(apps, schema_editor):
    from review.criteria_data import load_builtin

    load_builtin(apps.get_model("review", "CriteriaSet"), apps.get_model("review", "CriteriaCategory"),
                 apps.get_model("review", "Criterion"))


class Migration(migrations.Migration):
    dependencies = [("review", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
