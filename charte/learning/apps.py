from django.apps import AppConfig


class LearningConfig(AppConfig):
    """Learning events: what pupils did, in the vocabulary of xAPI, under a yearly pseudonym.

    Holds one event per exercise answered, lesson opened, work handed in or coach suggestion
    followed (verb from the ADL registry, object, result, context: school and class). The
    actor of an event is never the account: it is a keyed pseudonym (an HMAC of the account's
    public id under a key drawn each school year from the secret PSEUDONYM_SECRET), and the table
    of pseudonyms, which alone links one to a person, is what erasure and retention reach
    first. Purpose: statistics (the aggregates of charte.statistics are computed from these
    events). A person who objects to statistics, or whose processing is restricted, is marked
    excluded and left out of every aggregate.
    """

    name = "charte.learning"
    label = "learning"
    verbose_name = "Learning events"

    def ready(self) -> None:
        from django.core import checks as django_checks

        from charte.core import activity
        from charte.learning import actions, checks

        activity.set_sink(actions.record_from_activity)
        django_checks.register(checks.pseudonym_secret, "security", deploy=True)
