from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "核心"

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import pagecache, signals

        signals.connect()
        connection_created.connect(pagecache.install, dispatch_uid="core.pagecache.install")
