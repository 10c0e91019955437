from django.apps import AppConfig


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = "公示、异议与证书"

    def ready(self):
        from . import receivers

        receivers.register_actions()
