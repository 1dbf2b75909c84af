"""Progress: the managers' dashboard — KPIs against last term, funnel, trends, breakdowns, drill-downs,
bottlenecks and the queue's ageing, each a small cached aggregate.

Public API: `ProgressFilters`; `filter_options`, `kpis`, `funnel`, `timeline`, `breakdown`
(`DIMENSIONS`, `OTHERS`), `drilldown` (`Drilldown`), `export_frame`; `time_in_state`
(`Bottlenecks`); `queue_ageing` (`QueueAgeing`);
`UNKNOWN_APPROVER` (the name of a deleted approver); `forget_history`, which writers that change the
past (imports, section edits) call inside their transaction.
"""

from core.progress.bottlenecks import Bottlenecks, time_in_state
from core.progress.charts import DIMENSIONS, OTHERS, breakdown, drilldown, export_frame, funnel, timeline
from core.progress.frames import UNKNOWN as UNKNOWN_APPROVER
from core.progress.history import forget as forget_history
from core.progress.kpis import FilterOptions, Kpi, ProgressKpis, filter_options, kpis, opening_year
from core.progress.queue_ageing import QueueAgeing, queue_ageing
from core.progress.rows import Drilldown
from core.progress.scope import ProgressFilters

__all__ = [
    "DIMENSIONS",
    "OTHERS",
    "UNKNOWN_APPROVER",
    "Bottlenecks",
    "Drilldown",
    "FilterOptions",
    "Kpi",
    "ProgressFilters",
    "ProgressKpis",
    "QueueAgeing",
    "breakdown",
    "drilldown",
    "export_frame",
    "filter_options",
    "forget_history",
    "funnel",
    "kpis",
    "opening_year",
    "queue_ageing",
    "time_in_state",
    "timeline",
]
