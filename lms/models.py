"""Import every model so metadata (migrations, create_all in tests) sees all tables."""

from lms.audit import AuditEvent  # noqa: F401
from lms.auth.models import User  # noqa: F401
from lms.certificates.models import Certificate  # noqa: F401
from lms.courses.models import (  # noqa: F401
    LearningPath,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    ModuleImage,
)
from lms.org.models import Commune, Membership, Province, Team, Village  # noqa: F401
from lms.quizzes.models import Attempt, Question, Quiz, QuizVersion  # noqa: F401
from lms.training.models import Attendance, ComplianceRule, TrainingSession  # noqa: F401
