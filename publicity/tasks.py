from celery import shared_task


@shared_task(acks_late=True, name="publicity.tasks.sweep_deadlines")
def sweep_deadlines():
    """The periodic deadline sweep (filled in by the publicity work: closes windows, flags overdue work)."""
    from publicity import sweep

    return sweep.run_sweep()
