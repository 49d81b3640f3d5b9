# Indexes for the read paths at a million complaints (bench/read_paths.py).

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("complaints", "0007_complaint_legacy_no"),
        ("rules", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="complaint",
            name="complaint_received_idx",
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["severity", "-id"], name="complaint_severity_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["priority", "-id"], name="complaint_priority_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["category", "-id"], name="complaint_category_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["-received_at", "-id"], name="complaint_received_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["status", "-received_at", "-id"], name="complaint_status_received_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["department", "-received_at", "-id"], name="complaint_dept_received_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["owner", "-received_at", "-id"], name="complaint_owner_received_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["product_code", "received_at"], name="complaint_product_code_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["batch_no", "received_at"], name="complaint_batch_idx"),
        ),
        migrations.AddIndex(
            model_name="complaint",
            index=models.Index(fields=["order_no", "received_at"], name="complaint_order_idx"),
        ),
    ]
