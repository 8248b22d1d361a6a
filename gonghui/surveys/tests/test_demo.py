"""The demo district's questionnaires: an open riders' survey with answers, a closed named one."""

from io import StringIO

import pytest
from django.core.management import call_command

from gonghui.surveys.models import Questionnaire, Status
from gonghui.surveys.selectors import results


@pytest.mark.django_db
def test_demo_district_has_questionnaires_with_answers():
    call_command("demo_district", "--scale", "tiny", stdout=StringIO())
    riders = Questionnaire.objects.get(status=Status.PUBLISHED)
    closed = Questionnaire.objects.get(status=Status.CLOSED)
    assert riders.worker_groups == ["delivery_rider"] and riders.anonymous and riders.is_open()
    assert riders.questions.count() == 6 and len({q.kind for q in riders.questions.all()}) == 5
    figures = results(riders)
    assert 1 <= figures["responses"] <= min(40, figures["eligible"])  # tiny has only a few riders
    assert not riders.responses.exclude(worker=None).exists()
    assert closed.phase() == "ended" and not closed.anonymous and closed.responses.exclude(worker=None).exists()
