"""Census import (R2.2): enterprises of the cadre's streets from an .xlsx or CSV file.

The credit code is the key: a known code updates that enterprise, a new one creates it, so the
same file can be imported again. An enterprise already registered under a street outside the
cadre's scope is never moved or changed by their file. Run chunk by chunk by gonghui.imports.engine.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.choices import Industry
from gonghui.core.scoping import IMPORT, can, restrict
from gonghui.core.validators import check_credit_code
from gonghui.imports.engine import Checked, ChunkResult
from gonghui.imports.parsing import Column, cell_text, english
from gonghui.orgs.models import Org, OrgKind

from .models import Enterprise, Ownership

COLUMNS = (
    Column("credit_code", "统一社会信用代码", ("信用代码", "credit code", "unified social credit code", "uscc")),
    Column("name", "企业名称", ("单位名称", "名称", "name", "enterprise name", "enterprise")),
    Column("industry", "行业门类", ("行业", "所属行业", "industry")),
    Column("ownership", "经济类型", ("登记注册类型", "所有制类型", "ownership", "economic type")),
    Column("headcount", "从业人数", ("职工人数", "员工人数", "headcount", "employees"), required=False),
    Column("street", "所属街道", ("街道", "所属街道乡镇", "街道乡镇", "street", "town", "street/town")),
    Column("address", "地址", ("企业地址", "注册地址", "经营地址", "address"), required=False),
)

# GB/T 4754-2017 section names as printed in the standard.
INDUSTRY_LABELS = {
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业",
    "E": "建筑业", "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业",
    "I": "信息传输、软件和信息技术服务业", "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业",
    "M": "科学研究和技术服务业", "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业",
    "P": "教育", "Q": "卫生和社会工作", "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织",
    "T": "国际组织",
}
OWNERSHIP_LABELS = {
    Ownership.STATE: ("国有", "国有企业", "国有控股"),
    Ownership.COLLECTIVE: ("集体", "集体企业"),
    Ownership.PRIVATE: ("私营", "私营企业", "民营", "民营企业"),
    Ownership.FOREIGN: ("外商投资", "外商投资企业", "外资", "外资企业"),
    Ownership.HMT: ("港澳台投资", "港澳台商投资企业", "港澳台"),
    Ownership.JOINT_STOCK: ("股份制", "股份制企业", "股份有限公司", "有限责任公司"),
    Ownership.SOCIAL_ORG: ("社会组织",),
    Ownership.INDIVIDUAL: ("个体工商户", "个体"),
    Ownership.OTHER: ("其他",),
}


def _key(text: str) -> str:
    return re.sub(r"[\s、，,]+", "", text).lower()


INDUSTRIES = {
    _key(text): letter
    for letter, label in INDUSTRY_LABELS.items()
    for text in (letter, label, f"{letter}{label}", english(Industry(letter).label))
}
OWNERSHIPS = {_key(label): value for value, labels in OWNERSHIP_LABELS.items() for label in labels}
OWNERSHIPS.update({_key(v): v for v in Ownership.values})
OWNERSHIPS.update({_key(english(Ownership(v).label)): v for v in Ownership.values})

TEXT_FIELDS = frozenset({"credit_code"})
CHOICES = {"ownership": [labels[0] for labels in OWNERSHIP_LABELS.values()]}
NOTES = {
    "credit_code": gettext_lazy("18 characters (GB 32100). An enterprise already in the census is updated."),
    "name": gettext_lazy("The registered name."),
    "industry": gettext_lazy("The GB/T 4754 section: a letter A to T, or its name such as 制造业."),
    "ownership": gettext_lazy("One of the values in the drop-down list."),
    "headcount": gettext_lazy("Optional. The number of people employed, a whole number."),
    "street": gettext_lazy("The street or town, as named in the organisation tree, within your scope."),
    "address": gettext_lazy("Optional. Up to 200 characters."),
}
UPDATABLE = ("name", "industry", "ownership", "headcount", "street_id", "address")


def check_target(*, org: Org) -> None:
    if org.kind not in (OrgKind.DISTRICT, OrgKind.STREET):
        raise ValidationError({"org_id": _("Choose the street/town or the district whose enterprises the census "
                                           "file lists.")})


def masked_row(table, cells: list) -> list[str]:
    """Census rows hold no personal data; the values go into the report as typed."""
    values = [cell_text(c) for c in cells] + [""] * (len(table.headers) - len(cells))
    return values[:len(table.headers)]


def _street_names(org: Org, user, *, system: bool = False) -> dict[str, Org]:
    """Street names (with and without the '总工会' of the union's name) -> street, in scope (every street
    under `org` for a system import, which has no user: the weekly partner-department file)."""
    streets = Org.objects.filter(kind=OrgKind.STREET, path__startswith=org.path)
    if not system:
        streets = restrict(streets, user, IMPORT)
    names: dict[str, Org] = {}
    for street in streets:
        base = street.name.removesuffix("总工会").removesuffix("工会")
        for name in {street.name, base}:
            names.setdefault(_key(name), street)
    return names


class Batch:
    """The census import of one job, chunk by chunk (see gonghui.members.importers.Batch)."""

    def __init__(self, *, job, table):
        self.user = job.created_by
        self.columns = table.columns
        self.streets = _street_names(job.org, self.user, system=getattr(job, "system", False))
        self.seen: dict[str, int] = {}  # credit code -> row of its first occurrence

    def remember(self, state: dict) -> None:
        self.seen.update(state)

    def _text(self, cells, name) -> str:
        index = self.columns.get(name)
        return cell_text(cells[index]) if index is not None and index < len(cells) else ""

    def _validate(self, row, cells, chunk_seen):
        problems, values = [], {}
        text = self._text
        try:
            values["credit_code"] = code = check_credit_code(text(cells, "credit_code"))
        except ValidationError as exc:
            problems.append((row, "credit_code", exc.messages[0]))
            code = None
        if code:
            first = self.seen.get(code) or chunk_seen.get(code)
            if first:
                problems.append((row, "credit_code", _(
                    "This credit code already appears in row %(row)d of this file.") % {"row": first}))
            else:
                chunk_seen[code] = row
        values["name"] = text(cells, "name")
        if not values["name"] or len(values["name"]) > 200:
            problems.append((row, "name", _("Please enter the enterprise name (1 to 200 characters).")))
        raw = text(cells, "industry")
        values["industry"] = INDUSTRIES.get(_key(raw))
        if values["industry"] is None:
            problems.append((row, "industry", _(
                "Unknown industry “%(value)s”; use a GB/T 4754 section letter A to T or its name.") % {"value": raw}))
        raw = text(cells, "ownership")
        values["ownership"] = OWNERSHIPS.get(_key(raw))
        if values["ownership"] is None:
            problems.append((row, "ownership", _("Unknown economic type “%(value)s”; use one of: %(choices)s.")
                             % {"value": raw, "choices": "、".join(CHOICES["ownership"])}))
        if "headcount" in self.columns:
            raw = text(cells, "headcount")
            values["headcount"] = int(raw) if raw.isdigit() else None
            if values["headcount"] is None and raw:
                problems.append((row, "headcount", _("The headcount must be a whole number of 0 or more.")))
            values["headcount"] = values["headcount"] or 0
        raw = text(cells, "street")
        street = self.streets.get(_key(raw)) if raw else None
        if street is None:
            problems.append((row, "street", _("“%(value)s” is not a street or town within your scope.")
                             % {"value": raw} if raw else _("Please enter the street or town.")))
        else:
            values["street_id"] = street.pk
        if "address" in self.columns:
            values["address"] = text(cells, "address")
            if len(values["address"]) > 200:
                problems.append((row, "address", _("The address is longer than 200 characters.")))
        return problems, values

    def check(self, rows) -> Checked:
        chunk_seen: dict[str, int] = {}
        passed, errors = [], []
        for row, cells in rows:
            problems, values = self._validate(row, cells, chunk_seen)
            if problems:
                errors.extend(problems)
            else:
                passed.append((row, values))
        return Checked(passed=passed, errors=errors, state=chunk_seen)

    def save(self, checked: Checked) -> ChunkResult:
        result = ChunkResult(errors=list(checked.errors))
        passed = checked.passed
        existing = {e.credit_code: e for e in Enterprise.objects.select_related("street").filter(
            credit_code__in=[v["credit_code"] for _row, v in passed])}
        now = timezone.now()
        create, update = [], []
        for row, values in passed:
            enterprise = existing.get(values["credit_code"])
            if enterprise is None:
                create.append(Enterprise(**values))  # a fresh object each attempt: a retry may run this again
                continue
            if not can(self.user, IMPORT, enterprise.street):
                result.errors.append((row, "credit_code", _(
                    "This enterprise is registered under a street outside your scope; ask that street's union "
                    "to update it.")))
                continue
            changed = [f for f in UPDATABLE if f in values and getattr(enterprise, f) != values[f]]
            if not changed:
                result.unchanged += 1
                continue
            for name in changed:
                setattr(enterprise, name, values[name])
            enterprise.updated_at = now
            update.append(enterprise)
        Enterprise.objects.bulk_create(create, batch_size=500)
        if update:
            Enterprise.objects.bulk_update(update, [*UPDATABLE, "updated_at"], batch_size=500)
        result.created, result.updated = len(create), len(update)
        return result
