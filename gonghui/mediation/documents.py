"""The mediation agreement (调解协议书) as a DOCX document, built with python-docx.

It is a legal document handed to both parties, so it carries the parties' full names, but never a
resident ID number or a mobile number: anything in the free text that looks like one is blanked.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.privacy import mask_numbers


def scrub(text: str) -> str:
    """Blank out resident ID numbers and mobile numbers in free text."""
    return mask_numbers(text, blank="***")


def agreement_docx(case) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(_("Labour dispute mediation agreement"), level=0)
    doc.add_paragraph(_("Case number: %(no)s") % {"no": case.number})
    doc.add_paragraph(_("Mediation committee: %(name)s") % {"name": case.committee.name})
    doc.add_paragraph(_("Worker side: %(name)s") % {"name": scrub(case.worker_name)})
    doc.add_paragraph(_("Employer side: %(name)s") % {"name": scrub(case.employer_name)})
    if case.mediator_id:
        doc.add_paragraph(_("Mediator: %(name)s") % {"name": case.mediator.name})
    doc.add_heading(_("Matters in dispute"), level=1)
    doc.add_paragraph(scrub(case.claim_summary))
    doc.add_heading(_("Terms agreed"), level=1)
    for line in scrub(case.agreement_terms).splitlines():
        if line.strip():
            doc.add_paragraph(line.strip())
    doc.add_paragraph(_("Amount to be paid: %(amount)s yuan") % {"amount": f"{case.agreement_amount:,.2f}"})
    doc.add_paragraph(_("This agreement binds both parties once signed by them and sealed by the committee."))
    today = timezone.localdate()
    doc.add_paragraph(_("Worker side (signature): ____________    Employer side (signature): ____________"))
    doc.add_paragraph(_("Mediator (signature): ____________    Committee (seal)"))
    doc.add_paragraph(_("Date: %(date)s") % {"date": today.isoformat()})
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_text(data: bytes) -> str:
    """All the paragraph text of a DOCX document (for checks and tests)."""
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
