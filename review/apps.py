from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = "专家评审"

    def ready(self):
        from . import receivers

        receivers.register_actions()
