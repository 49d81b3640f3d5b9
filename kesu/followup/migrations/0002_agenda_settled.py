from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('followup', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='agendaitem',
            name='status',
            field=models.CharField(choices=[('open', 'On the agenda'), ('decided', 'Decided'), ('settled', 'Settled before the meeting')], default='open', max_length=10, verbose_name='status'),
        ),
    ]
