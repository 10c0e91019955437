from celery import shared_task


@shared_task(acks_late=True, name="core.tasks.heartbeat")
def heartbeat(token: str) -> str:
    """Writes an audit entry: proves a worker is consuming from the broker and writing to the database."""
    from core.audit import log_action

    log_action("worker.heartbeat", data={"nonce": token}, actor_label="system")
    return token
