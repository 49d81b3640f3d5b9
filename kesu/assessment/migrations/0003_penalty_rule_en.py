"""The assessment entry's rule in English, for readers of the English ledger."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="penaltyentry",
            name="rule_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="rule in English"),
        ),
    ]
