"""Choice lists shared by several apps (members, enterprises, orgs)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmploymentForm(models.TextChoices):
    REGULAR = "regular", _("Regular employee")
    DISPATCHED = "dispatched", _("Dispatched worker")
    FLEXIBLE = "flexible", _("Flexible employment")
    DELIVERY_RIDER = "delivery_rider", _("Delivery rider")
    COURIER = "courier", _("Courier")
    RIDE_HAILING = "ride_hailing", _("Ride-hailing driver")
    TRUCK_DRIVER = "truck_driver", _("Truck driver")
    DOMESTIC = "domestic", _("Domestic worker")
    STREAMER = "streamer", _("Online streamer")
    OTHER = "other", _("Other")


# The new employment forms (新就业形态) that unions miss today.
NEW_FORMS = frozenset({
    EmploymentForm.DELIVERY_RIDER, EmploymentForm.COURIER, EmploymentForm.RIDE_HAILING,
    EmploymentForm.TRUCK_DRIVER, EmploymentForm.DOMESTIC, EmploymentForm.STREAMER,
})


class Industry(models.TextChoices):
    """Sections of GB/T 4754-2017."""

    A = "A", _("Agriculture, forestry, animal husbandry and fishery")
    B = "B", _("Mining")
    C = "C", _("Manufacturing")
    D = "D", _("Electricity, heat, gas and water")
    E = "E", _("Construction")
    F = "F", _("Wholesale and retail")
    G = "G", _("Transport, storage and postal services")
    H = "H", _("Accommodation and catering")
    I = "I", _("Information transmission, software and IT services")  # noqa: E741
    J = "J", _("Finance")
    K = "K", _("Real estate")
    L = "L", _("Leasing and business services")
    M = "M", _("Scientific research and technical services")
    N = "N", _("Water conservancy, environment and public facilities")
    O = "O", _("Residential and other services")  # noqa: E741
    P = "P", _("Education")
    Q = "Q", _("Health and social work")
    R = "R", _("Culture, sports and entertainment")
    S = "S", _("Public administration and social organisations")
    T = "T", _("International organisations")
