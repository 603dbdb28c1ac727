"""Deputies get an unguessable public code for their public profile page (Deputies Law
Art 58): added nullable, filled row by row, then made unique."""

from django.db import migrations, models

import minqing.people.models


def fill(apps, schema_editor):
    from minqing.core import codes

    Deputy = apps.get_model("people", "Deputy")
    seen = set()
    for deputy in Deputy.objects.only("pk").iterator():
        code = codes.generate(10)
        while code in seen:
            code = codes.generate(10)
        seen.add(code)
        Deputy.objects.filter(pk=deputy.pk).update(public_code=code)


class Migration(migrations.Migration):
    dependencies = [("people", "0002_deputygrid")]

    operations = [
        migrations.AddField(
            model_name="deputy",
            name="public_code",
            field=models.CharField(max_length=12, null=True, editable=False, verbose_name="公开码"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="deputy",
            name="public_code",
            field=models.CharField(
                default=minqing.people.models._public_code,
                editable=False,
                max_length=12,
                unique=True,
                verbose_name="公开码",
            ),
        ),
    ]
