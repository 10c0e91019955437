"""ReviewAgency and AgencyContract now belong to the review app (review/migrations/0004_agencies_from_awards).
State only: the table awards_agencycontract stays, review takes it over (and renames it) in its migration."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('awards', '0004_clock_timestamps'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='ReviewAgency'),
                migrations.DeleteModel(name='AgencyContract'),
            ],
            database_operations=[],
        ),
    ]
