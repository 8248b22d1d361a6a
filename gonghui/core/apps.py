from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces every domain app uses: validators, scoping, privacy, bulk writes, the API root."""

    name = "gonghui.core"
