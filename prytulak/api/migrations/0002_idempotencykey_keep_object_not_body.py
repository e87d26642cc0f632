from django.db import migrations, models


def keep_object_ids(apps, schema_editor):
    """Keep only the id of what each finished request created; the stored bodies (holding
    phones, e-mails and notes) go with the column. A finished key whose body names no object
    is dropped: a retry with it simply runs again."""
    IdempotencyKey = apps.get_model("api", "IdempotencyKey")
    finished = IdempotencyKey.objects.filter(status__isnull=False).order_by("pk")
    last = 0
    while True:
        batch = list(finished.filter(pk__gt=last).only("pk", "response")[:500])
        if not batch:
            break
        last = batch[-1].pk
        for record in batch:
            created = record.response.get("id") if isinstance(record.response, dict) else None
            if isinstance(created, int):
                IdempotencyKey.objects.filter(pk=record.pk).update(object_id=created)
            else:
                IdempotencyKey.objects.filter(pk=record.pk).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('api', '0001_tokens_and_idempotency_keys'),
    ]

    operations = [
        migrations.AddField(
            model_name='idempotencykey',
            name='object_id',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='idempotencykey',
            name='object_type',
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.RunPython(keep_object_ids, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='idempotencykey',
            name='response',
        ),
    ]
