"""Imports every feature's models so metadata, migrations and create_all see all tables."""

from portal.admin.models import FormDraft, Setting  # noqa: F401
from portal.api.models import ApiToken, WebhookAttempt, WebhookDelivery, WebhookEndpoint  # noqa: F401
from portal.applications.counts import ApplicationCount  # noqa: F401
from portal.applications.models import (  # noqa: F401
    Application,
    AuditEvent,
    CorrectionRequest,
    Document,
    ValidationEvent,
)
from portal.applications.rollup import DecisionDay, SubmissionDay  # noqa: F401
from portal.applications.waiting import WaitingCount  # noqa: F401
from portal.audit.models import AdminAuditEvent  # noqa: F401
from portal.auth.consent_models import PrivacyConsent  # noqa: F401
from portal.auth.models import AuthToken, LoginSession, Role, User, UserRole  # noqa: F401
from portal.auth.second_factor_models import RecoveryCode, SecondFactor  # noqa: F401
from portal.backoffice.models import InternalNote, ReviewFlag  # noqa: F401
from portal.business.models import Business, BusinessMember  # noqa: F401
from portal.calendar.models import Holiday  # noqa: F401
from portal.catalogue.models import (  # noqa: F401
    CategoryKeywords,
    FinderTree,
    FormVersion,
    PermitCategory,
    SearchTerm,
    Signpost,
    UnfoundSearch,
)
from portal.directory.models import Agency, AgencyService, OpeningHours  # noqa: F401
from portal.events.models import Event  # noqa: F401
from portal.helpdesk.models import AssistAttempt, AssistCode, AssistView, SupportNote  # noqa: F401
from portal.notifications.models import Notice, OutboxEmail  # noqa: F401
from portal.permits.models import Permit, PermitReminder, PermitRenewal, RegisterSetting  # noqa: F401
from portal.privacy.models import DataAccessEvent, DraftReminder  # noqa: F401
from portal.public.models import (  # noqa: F401
    Complaint,
    ComplaintAnswer,
    FaqEntry,
    News,
    PublicDocument,
    SurveyResponse,
)
from portal.sequences import SequenceCounter  # noqa: F401
from portal.site.models import CategoryIcon, Official, ProfilePage, SiteIdentity, SiteImage, SocialLink  # noqa: F401
from portal.tutorials.models import RecordingRequest, StageTutorial, Tutorial, TutorialView  # noqa: F401
from portal.tutorials.preferences import TutorialPanelPreference  # noqa: F401
from portal.vault.models import VaultDocument  # noqa: F401
from portal.visits.models import PageViewDay  # noqa: F401
