"""schema.org JSON-LD for record pages, so search engines and citation tools read them."""

from tracker.models import AttendanceMode, EventStatus, ParticipationRole

STATUS = {
    EventStatus.SCHEDULED: "https://schema.org/EventScheduled",
    EventStatus.HELD: "https://schema.org/EventScheduled",
    EventStatus.POSTPONED: "https://schema.org/EventPostponed",
    EventStatus.CANCELLED: "https://schema.org/EventCancelled",
}
MODE = {
    AttendanceMode.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
    AttendanceMode.VIRTUAL: "https://schema.org/OnlineEventAttendanceMode",
    AttendanceMode.HYBRID: "https://schema.org/MixedEventAttendanceMode",
}
HOSTS = {ParticipationRole.HOST, ParticipationRole.CO_HOST}


def party(participation, request):
    if participation.person_id:
        data = {
            "@type": "Person",
            "name": participation.person.name,
            "url": request.build_absolute_uri(participation.person.get_absolute_url()),
        }
        if participation.title:
            data["jobTitle"] = participation.title
        if participation.organization_id:
            data["affiliation"] = {"@type": "Organization", "name": participation.organization.name}
        return data
    return {
        "@type": "Organization",
        "name": participation.organization.name,
        "url": request.build_absolute_uri(participation.organization.get_absolute_url()),
    }


def event_json_ld(event, canonical_url, request):
    """A schema.org Event. Dates keep their precision: ISO 8601 allows "2023-12"."""
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "@id": canonical_url,
        "url": canonical_url,
        "name": event.title,
        "startDate": event.start.isoformat(),
        "eventStatus": STATUS[event.status],
        "eventAttendanceMode": MODE[event.attendance_mode],
    }
    if event.end:
        data["endDate"] = event.end.isoformat()
    if event.summary or event.description:
        data["description"] = event.summary or event.description
    if event.attendance_mode == AttendanceMode.VIRTUAL:
        data["location"] = {"@type": "VirtualLocation", "name": event.venue or "Online"}
    else:
        place = {"@type": "Place", "name": event.venue or event.city or event.country.name}
        address = {}
        if event.city:
            address["addressLocality"] = event.city
        if event.country:
            address["addressCountry"] = event.country.code
        if address:
            place["address"] = {"@type": "PostalAddress", **address}
        data["location"] = place
    hosts = [party(p, request) for p in event.participant_list if p.role in HOSTS]
    others = [party(p, request) for p in event.participant_list if p.role not in HOSTS]
    if hosts:
        data["organizer"] = hosts
    if others:
        data["attendee"] = others
    if event.topic_list:
        data["about"] = [{"@type": "Thing", "name": topic.name} for topic in event.topic_list]
    if event.wikidata_id:
        data["sameAs"] = f"https://www.wikidata.org/wiki/{event.wikidata_id}"
    if event.parent_id and event.parent.published:
        data["superEvent"] = {
            "@type": "Event",
            "name": event.parent.title,
            "url": request.build_absolute_uri(event.parent.get_absolute_url()),
        }
    if event.sub_event_list:
        data["subEvent"] = [
            {
                "@type": "Event",
                "name": sub.title,
                "startDate": sub.start.isoformat(),
                "url": request.build_absolute_uri(sub.get_absolute_url()),
            }
            for sub in event.sub_event_list
        ]
    return data
