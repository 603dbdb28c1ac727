"""The daily pruning of finished task results (they hold SMS numbers)."""

import pytest


def test_prune_task_results_skips_other_backends(settings):
    from minqing.notify.tasks import prune_task_results

    assert prune_task_results.call() == "skipped"


@pytest.mark.django_db
def test_prune_task_results_deletes_old_results(settings):
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from minqing.notify.tasks import prune_task_results, send_sms_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    result = send_sms_task.enqueue("13812345678", "测试")
    DBTaskResult.objects.filter(id=result.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=2)
    )
    prune_task_results.call()
    assert not DBTaskResult.objects.filter(id=result.id).exists()
