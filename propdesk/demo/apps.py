from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company and its ``propdesk demo`` command: an app only so that Django finds the
    command; it has no models. It sits above every domain it fills."""

    name = "propdesk.demo"
    label = "demo"
