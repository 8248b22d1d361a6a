"""Per-org tallies behind the leaders' cockpit (R5.2), kept current by database triggers.

One row per (org, metric) holds a count for that org alone, not its subtree: a subtree figure is
the SUM over the orgs whose materialized path starts with the subtree's path, one indexed prefix
query over the org table whatever the number of members. The rows are written only by triggers on
members_membership, members_worker, enterprises_enterprise and outreach_establishmentplan
(migration 0002), so the bulk paths that bypass the ORM (`gonghui.core.bulk.fast_insert`:
executemany on SQLite, COPY on PostgreSQL) keep them current too. `manage.py cockpit_rebuild`
recomputes every row from scratch (`gonghui.cockpit.services.tallies_rebuild`).

Metrics (the org a row belongs to in brackets):
- members [the membership's union]: active memberships (one per person);
- new_form_members [the membership's union]: active memberships of workers in a new employment form;
- enterprises, covered, headcount [the enterprise's street]: census enterprises, those with a
  covering union, and the sum of their headcounts;
- plan:<stage> [the enterprise's street]: establishment plans at each stage.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

MEMBERS = "members"
NEW_FORM_MEMBERS = "new_form_members"
ENTERPRISES = "enterprises"
COVERED = "covered"
HEADCOUNT = "headcount"
PLAN_PREFIX = "plan:"


def plan_metric(stage: str) -> str:
    return f"{PLAN_PREFIX}{stage}"


class OrgTally(models.Model):
    org = models.ForeignKey("orgs.Org", verbose_name=_("organisation"), related_name="+",
                            on_delete=models.CASCADE, db_index=False)  # the indexes below lead with org
    metric = models.CharField(_("metric"), max_length=32)
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("org tally")
        verbose_name_plural = _("org tallies")
        constraints = [models.UniqueConstraint(fields=["org", "metric"], name="cockpit_tally_org_metric")]
        # Covering: a subtree's sum reads the values from the index alone (measured on SQLite: 8.8 -> 4.5 ms
        # for the whole district's ~12,000 rows).
        indexes = [models.Index(fields=["org", "metric", "value"], name="cockpit_tally_covering")]

    def __str__(self):
        return f"{self.org_id} {self.metric}={self.value}"


class MonthlySnapshot(models.Model):
    """An org's subtree figure at a month end, for the cockpit's growth and trend.

    Written once a month from the tallies (`gonghui.cockpit.snapshots.snapshots_take`, run by Celery beat
    just after midnight on the 1st), so a trend is one indexed read of twelve rows per figure whatever the
    size of the subtree. Months before the first snapshot are backfilled from the records
    (`snapshots_backfill`, `manage.py cockpit_snapshots --backfill 12`).
    """

    org = models.ForeignKey("orgs.Org", verbose_name=_("organisation"), related_name="+", on_delete=models.CASCADE,
                            db_index=False)  # the unique constraint leads with org
    metric = models.CharField(_("metric"), max_length=32)
    month_end = models.DateField(_("month end"))
    value = models.BigIntegerField(_("value"), default=0)

    class Meta:
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        constraints = [models.UniqueConstraint(fields=["org", "metric", "month_end"], name="cockpit_snapshot_unique")]

    def __str__(self):
        return f"{self.org_id} {self.metric}@{self.month_end}={self.value}"
