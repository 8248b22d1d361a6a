"""/api/v1/familycare: open summer classes, the caller's own enrolments (enrol, cancel), and the public list of
nursing rooms. Enrolment rules live in the services; a refusal answers 422 naming the field, nothing changed."""

from ninja import Router, Status

from . import selectors, services
from .schemas import EnrolIn, EnrolmentOut, NursingRoomOut, SummerClassOut

router = Router(tags=["family care"])


@router.get("/summer-classes", response=list[SummerClassOut])
def classes_open_api(request):
    """Classes still taking enrolments, soonest first."""
    return list(selectors.classes_open())


@router.post("/summer-classes/{int:class_id}/enrolments", response={201: EnrolmentOut})
def enrol_api(request, class_id: int, payload: EnrolIn):
    """Enrol a child (members only): a place while there is one, else the waiting list."""
    summer_class = selectors.class_open_get(class_id)
    enrolment = services.enrol(actor=request.auth, summer_class=summer_class, child_name=payload.child_name,
                               child_birth_date=payload.child_birth_date, request=request)
    return Status(201, enrolment)


@router.get("/summer-enrolments", response=list[EnrolmentOut])
def my_enrolments_api(request):
    enrolments = list(selectors.my_enrolments(request.auth))
    positions = selectors.waiting_positions(enrolments)  # one query for the list, not one per row
    for enrolment in enrolments:
        enrolment.queue_position = positions.get(enrolment.pk)
    return enrolments


@router.post("/summer-enrolments/{int:enrolment_id}/cancel", response=EnrolmentOut)
def cancel_api(request, enrolment_id: int):
    """Cancel one of the caller's enrolments; a freed place goes to the first on the waiting list."""
    enrolment = selectors.my_enrolment_get(request.auth, enrolment_id)
    services.enrolment_cancel(actor=request.auth, enrolment=enrolment, request=request)
    return selectors.my_enrolment_get(request.auth, enrolment_id)


@router.get("/nursing-rooms", response=list[NursingRoomOut], auth=None)
def rooms_api(request):
    """Public: every registered nursing room, with whether it meets the standard."""
    return list(selectors.rooms_public())
