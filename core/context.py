"""Who is acting and from where, for the audit log, without threading the request everywhere."""
import contextvars

request_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_ip", default=None)
