"""Postings: companies and their internship postings, Thai/English search with facets, placement picks.

Public API:
- `search_postings`, `export_postings`, `posting_detail` (`SearchResult`, `FacetCount`,
  `PostingDetail`, `MAX_EXPORT`, `SORTS`, `EXPORT_HEADERS`): the search page and its export;
- `create_posting`, `update_posting`, `set_posting_status`, `list_programs` (`PostingForm`,
  `WORK_MODES`, `STATUSES` and their `*_LABELS`);
- `list_companies`, `create_company`, `update_company`, `delete_company`, `company_postings`
  (`CompanyForm`, `CompanyRow`);
- `placement_choices`, `intake_choices`: open postings matching a search, split by the placement
  rule, for a registration or for one being entered.
"""

from core.postings.companies import (
    CompanyForm,
    CompanyRow,
    company_postings,
    create_company,
    delete_company,
    list_companies,
    update_company,
)
from core.postings.placement import PlacementChoices, intake_choices, placement_choices
from core.postings.posting import (
    STATUS_LABELS,
    STATUSES,
    WORK_MODE_LABELS,
    WORK_MODES,
    PostingForm,
    PostingSaved,
    create_posting,
    list_programs,
    set_posting_status,
    update_posting,
)
from core.postings.search import (
    EXPORT_HEADERS,
    MAX_EXPORT,
    SORTS,
    FacetCount,
    PostingDetail,
    SearchResult,
    export_postings,
    posting_detail,
    search_postings,
)
from core.postings.search_query import PostingQuery

__all__ = [
    "EXPORT_HEADERS",
    "MAX_EXPORT",
    "SORTS",
    "STATUSES",
    "STATUS_LABELS",
    "WORK_MODES",
    "WORK_MODE_LABELS",
    "CompanyForm",
    "CompanyRow",
    "FacetCount",
    "PlacementChoices",
    "PostingDetail",
    "PostingForm",
    "PostingQuery",
    "PostingSaved",
    "SearchResult",
    "company_postings",
    "create_company",
    "create_posting",
    "delete_company",
    "export_postings",
    "intake_choices",
    "list_companies",
    "list_programs",
    "placement_choices",
    "posting_detail",
    "search_postings",
    "set_posting_status",
    "update_company",
    "update_posting",
]
