from celery import shared_task


@shared_task(name="imports.run", ignore_result=True)
def import_run(job_id: int) -> None:
    """Run one uploaded import job (gonghui.imports.engine.run_job); safe to deliver twice."""
    from .engine import run_job

    run_job(job_id)
