"""The bank file of a payment batch: the one place a full bank account leaves the system (audited).

Cells are written with write_string / write_number, never write(), so no value becomes a formula.
The resident ID and mobile are not in the file: the bank pays by account holder and account.
"""

import io

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.audit.services import audit_record
from gonghui.core.privacy import decrypt
from gonghui.core.scoping import EXPORT, can

from .models import PaymentBatch
from .selectors import payments_of


def _workbook(batch: PaymentBatch) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet(_("Payments"))
    bold = book.add_format({"bold": True, "bg_color": "#F0F2F4"})
    money = book.add_format({"num_format": "0.00"})
    headers = [_("No."), _("Account holder"), _("Bank"), _("Bank account"), _("Amount (yuan)"), _("Reference")]
    for col, text in enumerate(headers):
        sheet.write_string(0, col, str(text), bold)
    total = 0
    for row, payment in enumerate(payments_of(batch), start=1):
        application = payment.application
        sheet.write_number(row, 0, row)
        sheet.write_string(row, 1, application.account_holder)
        sheet.write_string(row, 2, application.bank_name)
        sheet.write_string(row, 3, decrypt(application.bank_account_cipher))
        sheet.write_number(row, 4, float(payment.amount), money)
        sheet.write_string(row, 5, payment.idempotency_key)
        total += payment.amount
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 2, 18)
    sheet.set_column(3, 3, 26)
    sheet.set_column(4, 5, 16)
    book.close()
    return buf.getvalue()


@transaction.atomic
def batch_export(*, actor, batch: PaymentBatch, request=None) -> bytes:
    """The .xlsx for the bank, with full accounts; needs the export right on the campaign's org."""
    if not can(actor, EXPORT, batch.campaign.org):
        raise PermissionDenied
    content = _workbook(batch)
    batch.exported_at = timezone.now()
    batch.save(update_fields=["exported_at"])
    audit_record(actor=actor, action="campaigns.bank_export", target=batch, request=request,
                 reason=_("Bank file of a payment batch"), detail={"payments": batch.payments.count()})
    return content
