"""One domain error hierarchy. Messages are for people (Chinese); a rule's error carries its article."""


class DomainError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, article: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.article = article
        self.field = field

    def as_dict(self) -> dict:
        out = {"detail": self.message, "code": self.code}
        if self.article:
            out["article"] = self.article
        if self.field:
            out["field"] = self.field
        return out


def add_domain_error(form, exc: DomainError, aliases: dict | None = None) -> None:
    """Shows a service's error beside the form field it names (`aliases` maps the service's argument to the
    form's field), or above the form when the form has no such field; a rule's article is cited with it."""
    field = (aliases or {}).get(exc.field, exc.field)
    message = exc.message + (f"（{exc.article}）" if exc.article and exc.article not in exc.message else "")
    form.add_error(field if field and field in form.fields else None, message)


class NotPermitted(DomainError):
    code = "forbidden"
    status = 403


class InvalidTransition(DomainError):
    code = "invalid_transition"


class CalendarUnknownYear(DomainError):
    code = "calendar_unknown_year"
