from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    """The business calendar: Chinese public holidays, make-up working days (调休) and working hours.

    No models and no user-visible strings; deadlines are computed by the pure functions in
    `gonghui.workcalendar.calendar`.
    """

    name = "gonghui.workcalendar"
