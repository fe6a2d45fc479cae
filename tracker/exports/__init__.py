"""The timeline's view as files: CSV, an iCalendar feed and an Atom feed. Each takes the
timeline's query string through the same EventFilterSet (see ``tracker.exports.views``)."""
