"""After placement: placement details, supervision visits with photos, evaluations as data, and the
lists and aggregates built on them. The completion rule itself is the state machine's
(core.registrations.states); completing goes through `registrations.transition`.

Public API:
- `rules`: labels (visit modes and statuses, evaluation states, evaluator kinds, languages), limits
  (MAX_PHOTOS), due dates and `evaluation_state` (overdue);
- `save_placement`: the supervisor, job, dates (term window + PLACEMENT_MARGIN_DAYS) and documents'
  language; creates the placement's evaluations;
- `plan_visit`, `reschedule_visit`, `cancel_visit`, `record_visit`, `add_visit_photos`,
  `remove_visit_photo`, `visit_photo`: visits and their photos (`clean_photo`: the checks);
- `propose_visits`, `save_visit_plan`: a section's visits planned in one action;
- `current_forms`, `form_view`, `save_form`, `weighted_total`: evaluation forms kept as versioned data;
- `save_evaluation` (`store_scores` for callers that own the transaction): scores, draft or submitted;
- `my_students`, `list_placements`, `export_placements` (`PlacementFilters`), `placement_workspace`;
- `stats_years`, `visit_coverage`, `evaluation_completeness`, `score_distribution`, `score_drilldown`
  (`StatsFilters`): the managers' read-only aggregates.
"""

from core.placements import rules
from core.placements.details import save_placement
from core.placements.evaluations import EvaluationView, save_evaluation, store_scores
from core.placements.forms import (
    Criterion,
    FormView,
    SavedForm,
    current_forms,
    form_view,
    save_form,
    weighted_total,
)
from core.placements.overview import (
    HEADERS,
    MAX_ROWS,
    PlacementFilters,
    PlacementView,
    export_placements,
    list_placements,
    my_students,
    placement_workspace,
)
from core.placements.photos import MAX_BYTES, CleanPhoto, clean_photo
from core.placements.planning import propose_visits, save_visit_plan
from core.placements.stats import (
    GROUPS,
    StatsFilters,
    evaluation_completeness,
    score_distribution,
    score_drilldown,
    stats_years,
    visit_coverage,
)
from core.placements.visits import (
    PhotoBytes,
    PhotoInfo,
    VisitView,
    add_visit_photos,
    cancel_visit,
    plan_visit,
    record_visit,
    remove_visit_photo,
    reschedule_visit,
    visit_photo,
)

__all__ = [
    "GROUPS",
    "HEADERS",
    "MAX_BYTES",
    "MAX_ROWS",
    "CleanPhoto",
    "Criterion",
    "EvaluationView",
    "FormView",
    "PhotoBytes",
    "PhotoInfo",
    "PlacementFilters",
    "PlacementView",
    "SavedForm",
    "StatsFilters",
    "VisitView",
    "add_visit_photos",
    "cancel_visit",
    "clean_photo",
    "current_forms",
    "evaluation_completeness",
    "export_placements",
    "form_view",
    "list_placements",
    "my_students",
    "placement_workspace",
    "plan_visit",
    "propose_visits",
    "record_visit",
    "remove_visit_photo",
    "reschedule_visit",
    "rules",
    "save_evaluation",
    "save_form",
    "save_placement",
    "save_visit_plan",
    "score_distribution",
    "score_drilldown",
    "stats_years",
    "store_scores",
    "visit_coverage",
    "visit_photo",
    "weighted_total",
]
