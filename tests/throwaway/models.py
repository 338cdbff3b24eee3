"""A model someone added without declaring it: the registry check must refuse it."""

from django.db import models


class PupilNote(models.Model):
    email = models.EmailField()
    note = models.TextField()

    class Meta:
        app_label = "throwaway"

    def __str__(self) -> str:
        return self.email
