from django.urls import path

from hrmonitor.monitoring import views, views_calendar, views_feedback, views_report

app_name = "monitoring"
urlpatterns = [
    # The workplan (the Secretariat's) and the events (staff, focal points of the country).
    path("", views.overview, name="overview"),
    path("workplan/", views.workplan, name="workplan"),
    path("workplan/new/", views.workplan_edit, name="workplan_new"),
    path("workplan/<int:pk>/", views.workplan_item, name="workplan_item"),
    path("workplan/<int:pk>/edit/", views.workplan_edit, name="workplan_edit"),
    path("workplan/<int:pk>/status/", views.workplan_status, name="workplan_status"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_edit, name="event_new"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/participants/", views.event_participants, name="event_participants"),
    path(
        "participants-template.<str:fmt>",
        views.participants_template,
        name="participants_template",
    ),
    path("events/<int:pk>/documents/", views.event_document_add, name="event_document_add"),
    path("documents/<int:pk>/", views.event_document, name="event_document"),
    path("events.<str:fmt>", views.events_export, name="events_export"),
    # Feedback from participants (no account: the link's key) and experts' reflections.
    path("feedback/<str:key>/", views_feedback.feedback, name="feedback"),
    path("feedback/<str:key>/thanks/", views_feedback.feedback_thanks, name="feedback_thanks"),
    path("events/<int:pk>/reflections/", views_feedback.reflection_add, name="reflection_add"),
    # The calendar (public events for everyone) and its iCal feed.
    path("calendar/", views_calendar.calendar, name="calendar"),
    path("calendar.ics", views_calendar.calendar_ics, name="calendar_ics"),
    path("calendar/<int:pk>/", views_calendar.public_event, name="public_event"),
    # The Secretariat's progress report (DOCX/PDF, a job).
    path("report/", views_report.report, name="report"),
]
