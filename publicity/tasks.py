from celery import shared_task


@shared_task(acks_late=True, name="publicity.tasks.sweep_deadlines")
def sweep_deadlines():
    """The periodic deadline sweep: closes due windows (advancing or holding their applications) and
    counts overdue staff work. Safe to run concurrently and repeatedly (rows are locked with skip_locked
    and each application advances only from in_publicity), so no lock that a killed worker could leave
    behind is needed."""
    from publicity import sweep

    return sweep.run_sweep()


@shared_task(acks_late=True, name="publicity.tasks.remind_objections_due")
def remind_objections_due():
    """Daily reminder for the offices: open objections whose review deadline (第二十四条) is today or past.
    Idempotent and read-only apart from one audit entry per jurisdiction with work due."""
    from collections import Counter

    from core import clock
    from core.audit import log_action
    from publicity.models import Objection

    today = clock.today()
    due = Objection.objects.filter(state__in=Objection.OPEN_STATES, review_due__lte=today).values_list(
        "notice__award__jurisdiction__code", "review_due")
    per_jurisdiction = Counter()
    overdue = Counter()
    for code, review_due in due:
        per_jurisdiction[code] += 1
        overdue[code] += review_due < today
    for code, n in per_jurisdiction.items():
        log_action("objection.reminder", role="system", jurisdiction_code=code, actor_label="system",
                   data={"due_or_overdue": n, "overdue": overdue[code], "on": today.isoformat()})
    return dict(per_jurisdiction)


@shared_task(acks_late=True, name="publicity.tasks.run_rule_cases")
def run_rule_cases(run_id: int):
    """Every rule case of an award on the version in force (about a second a case), for its cases page."""
    from publicity.rulecases.library import rule_case_run_execute

    run = rule_case_run_execute(run_id=run_id)
    return run.state if run is not None else None
