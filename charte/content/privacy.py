from charte.content.models import Competency, Exercise, Lesson, Question
from charte.privacy.registry import registry

CATALOGUE = "The publisher's catalogue, the same for everyone; names no person."

registry.not_personal(Competency, reason=CATALOGUE)
registry.not_personal(Lesson, reason=CATALOGUE)
registry.not_personal(Exercise, reason=CATALOGUE)
registry.not_personal(Question, reason=CATALOGUE)
