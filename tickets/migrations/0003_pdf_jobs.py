# The selection PDF's background jobs (tickets/pdf_jobs.py).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import tickets.pdf_jobs


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0002_list_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PdfJob",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("scope", models.CharField(max_length=10)),
                ("query", models.CharField(blank=True, max_length=2000)),
                ("ticket_ids", models.JSONField(default=list)),
                ("financial_ids", models.JSONField(default=list)),
                ("language", models.CharField(default="pt-br", max_length=10)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting"),
                            ("running", "In progress"),
                            ("done", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0)),
                ("done", models.PositiveIntegerField(default=0)),
                ("file", models.FileField(blank=True, max_length=300, upload_to=tickets.pdf_jobs.job_path)),
                ("error", models.CharField(blank=True, max_length=300)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "indexes": [
                    models.Index(fields=["owner", "-created_at"], name="pdfjob_owner_recent"),
                    models.Index(fields=["status", "created_at"], name="pdfjob_status"),
                ],
            },
        ),
    ]
