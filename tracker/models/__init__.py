from tracker.models.events import (
    AttendanceMode,
    Citation,
    Event,
    EventCountry,
    EventRelation,
    EventStatus,
    Participation,
    ParticipationRole,
    RelationKind,
)
from tracker.models.merges import MergedSlug
from tracker.models.organizations import Organization, OrganizationKind
from tracker.models.pages import Page
from tracker.models.people import Person, Role
from tracker.models.sources import Source
from tracker.models.versions import DataVersion, EventChange
from tracker.models.vocabulary import EventType, Topic

__all__ = [
    "AttendanceMode",
    "Citation",
    "DataVersion",
    "Event",
    "EventChange",
    "EventCountry",
    "EventRelation",
    "EventStatus",
    "EventType",
    "MergedSlug",
    "Organization",
    "OrganizationKind",
    "Page",
    "Participation",
    "ParticipationRole",
    "Person",
    "RelationKind",
    "Role",
    "Source",
    "Topic",
]
