"""Each of our apps runs with its own configuration, the class in its apps.py: that class
registers the app's signals, checks and schedules in `ready()`. A second AppConfig in the same
module makes Django fall back to a bare configuration, silently."""

from django.apps import AppConfig, apps


def test_every_app_of_ours_runs_with_the_configuration_of_its_apps_module():
    ours = [config for config in apps.get_app_configs() if config.name.startswith("charte.")]

    assert len(ours) > 20
    bare = [c.name for c in ours if type(c) is AppConfig]
    assert bare == []
    elsewhere = [c.name for c in ours if type(c).__module__ != f"{c.name}.apps"]
    assert elsewhere == []
