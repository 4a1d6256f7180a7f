"""Import every model so metadata (migrations, create_all in tests) sees all tables."""

from lms.audit import AuditEvent  # noqa: F401
from lms.auth.models import User, UserSession  # noqa: F401
from lms.certificates.models import Certificate  # noqa: F401
from lms.courses.models import (  # noqa: F401
    CourseBookmark,
    LearningPath,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    ModuleImage,
)
from lms.imports import ImportBatch  # noqa: F401
from lms.org.models import (  # noqa: F401
    Commune,
    Membership,
    MembershipRequest,
    Province,
    Team,
    Village,
)
from lms.quizzes.models import Attempt, Question, Quiz, QuizVersion  # noqa: F401
from lms.training.models import (  # noqa: F401
    Attendance,
    CheckinTicket,
    ComplianceRule,
    TrainingSession,
)
