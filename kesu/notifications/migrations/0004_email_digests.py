from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0003_delivery_sms'),
    ]

    operations = [
        migrations.AddField(
            model_name='notificationpreference',
            name='digest_sent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last digest sent at'),
        ),
        migrations.AddField(
            model_name='notificationpreference',
            name='email_mode',
            field=models.CharField(choices=[('each', 'Each notification at once'), ('hourly', 'An hourly digest'), ('daily', 'A daily digest (8:00)')], default='each', help_text='One e-mail per notification, or a digest of what happened: every hour, or every morning at 8.', max_length=10, verbose_name='e-mails'),
        ),
    ]
