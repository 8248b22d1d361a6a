import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.audit.models import AuditEvent
from gonghui.needs.models import Need, NeedStatus
from gonghui.needs.services import need_create
from gonghui.testing import snapshot

pytestmark = pytest.mark.django_db

GOOD = {"title": "骑手午间歇脚点", "source": "visit", "category": "rest", "headcount": 40,
        "worker_group": "delivery_rider", "place": "东街道商圈"}


def test_a_street_cadre_records_a_need_in_their_union(district):
    need = need_create(actor=district.street1_user, org=district.street1, **GOOD)
    assert need.status == NeedStatus.OPEN and need.headcount == 40 and need.created_by == district.street1_user
    assert AuditEvent.objects.filter(action="need.create", target_id=str(need.pk)).exists()


@pytest.mark.parametrize(("field", "value"), [
    ("title", "  "), ("source", "rumour"), ("category", "x"), ("headcount", 0), ("headcount", "40"),
    ("worker_group", "astronaut"),
])
def test_bad_input_names_the_field_and_changes_nothing(district, field, value):
    before = snapshot(Need, AuditEvent)
    with pytest.raises(ValidationError) as caught:
        need_create(actor=district.street1_user, org=district.street1, **{**GOOD, field: value})
    assert field in caught.value.message_dict
    assert snapshot(Need, AuditEvent) == before


def test_a_cadre_outside_the_subtree_is_refused_and_nothing_changes(district):
    before = snapshot(Need, AuditEvent)
    with pytest.raises(PermissionDenied):
        need_create(actor=district.street2_user, org=district.street1, **GOOD)
    assert snapshot(Need, AuditEvent) == before


def test_the_same_origin_is_recorded_once(district):
    need_create(actor=district.street1_user, org=district.street1, source_ref="questionnaire:1:q2:a", **GOOD)
    before = snapshot(Need, AuditEvent)
    with pytest.raises(ValidationError) as caught:
        need_create(actor=district.street1_user, org=district.street1, source_ref="questionnaire:1:q2:a", **GOOD)
    assert "source_ref" in caught.value.message_dict
    assert snapshot(Need, AuditEvent) == before
