from django.apps import AppConfig


def _check_ruleset_candidate(*, award, data):
    """The ruleset editor's check before saving a version: the award's rule cases it breaks."""
    from .rulecases.library import check_candidate

    return check_candidate(award=award, data=data)


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "公示、异议与证书"

    def ready(self):
        from jurisdictions.rule_checks import register_ruleset_checker

        from . import receivers

        receivers.register_actions()
        register_ruleset_checker(_check_ruleset_candidate)
