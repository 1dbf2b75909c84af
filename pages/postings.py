"""Postings & companies (staff): create and edit postings and companies; delete unused postings."""

import streamlit as st

from core import postings
from core.access import Permission
from core.postings import STATUS_LABELS, STATUSES, WORK_MODE_LABELS, WORK_MODES, CompanyForm, PostingForm
from pages._ui import _, confirm, context, flash, formatted, guard, ngettext, run_action, show_flash

actor = guard(Permission.MANAGE_POSTINGS)
ctx = context()
st.title(_("Postings & companies"))
show_flash()
NEW = 0
DATE_FORMAT = "DD/MM/YYYY"
PENDING = "pp_next_picks"  # picker values for the next run: a drawn widget's state cannot change


def _saved(pick_key: str, saved_id: int, message: str) -> None:
    """After a save: show the saved item in its form (a second click edits it, never duplicates it)."""
    st.session_state.setdefault(PENDING, {})[pick_key] = saved_id
    flash(message)
    st.rerun()


def _posting_label(posting_id: int, title: str, company: str, province: str, status: str) -> str:
    return _(
        "#{id} {title} — {company} · {province} · {status}",
        id=posting_id,
        title=title,
        company=company,
        province=province,
        status=_(STATUS_LABELS[status]),
    )


def _ask_delete(company: postings.CompanyRow) -> None:
    """Name the company and every posting that goes with it; delete only when confirmed."""
    attached = run_action(lambda: postings.company_postings(ctx, actor=actor, company_id=company.id))
    if attached is None:
        return
    lines = [
        ngettext(
            "{name} and its {n} posting are deleted for good:",
            "{name} and its {n} postings are deleted for good:",
            len(attached),
            name=company.name_th,
        )
        if attached
        else _("{name} is deleted for good. It has no postings.", name=company.name_th),
        *(f"#{i} {title}" for i, title in attached),
    ]

    def delete() -> None:
        postings.delete_company(ctx, actor=actor, company_id=company.id)
        st.session_state.setdefault(PENDING, {})["company_pick"] = NEW

    confirm(
        "company_confirm_delete",
        _("Delete {name}?", name=company.name_th),
        lines,
        delete,
        ngettext(
            "Deleted {name} and its {n} posting.",
            "Deleted {name} and its {n} postings.",
            len(attached),
            name=company.name_th,
        ),
        label=_("Delete company"),
    )


for _key, _value in st.session_state.pop(PENDING, {}).items():
    st.session_state[_key] = _value


all_companies = run_action(lambda: postings.list_companies(ctx, actor=actor)) or []
by_id = {c.id: c for c in all_companies}
programs = dict(run_action(lambda: postings.list_programs(ctx, actor=actor)) or [])
posting_tab, company_tab = st.tabs([_("Postings"), _("Companies")])

with posting_tab:
    find = st.text_input(_("Find a posting to edit (Thai or English)"), max_chars=200)
    found = run_action(
        lambda: postings.search_postings(
            ctx, actor=actor, query=find, open_only=False, sort="newest", page_size=50
        )
    )
    rows = found.rows if found is not None else None
    choices = {NEW: _("New posting")} | (
        {} if rows is None else {
            int(r.id): _posting_label(r.id, r.title, r.company, r.province, r.status)
            for r in rows.itertuples(index=False)
        }
    )  # fmt: skip
    kept = st.session_state.get("posting_pick")
    d = run_action(lambda: postings.posting_detail(ctx, actor=actor, posting_id=kept)) if kept else None
    if d is not None and d.id not in choices:  # the one just saved, whatever the search says
        choices[d.id] = _posting_label(d.id, d.title, d.company_name_th, d.province, d.status)
    chosen = st.selectbox(_("Posting"), list(choices), format_func=lambda i: choices[i], key="posting_pick")
    if chosen != kept:
        d = (
            run_action(lambda: postings.posting_detail(ctx, actor=actor, posting_id=chosen))
            if chosen
            else None
        )
    if not all_companies:
        st.info(_("Add a company first (Companies tab)."))
    else:
        with st.form("posting_form"):
            company_ids = list(by_id)
            company_id = st.selectbox(
                _("Company"),
                company_ids,
                index=company_ids.index(d.company_id) if d and d.company_id in by_id else 0,
                format_func=lambda i: f"{by_id[i].name_th} ({by_id[i].name_en})",
            )
            title = st.text_input(_("Title (3–200 characters)"), value=d.title if d else "")
            description = st.text_area(_("Description"), value=d.description if d else "")
            skills = st.text_input(_("Skills"), value=d.skills if d else "")
            c1, c2, c3 = st.columns(3)
            province = c1.text_input(_("Province"), value=d.province if d else "")
            work_mode = c2.selectbox(
                _("Work mode"),
                WORK_MODES,
                index=WORK_MODES.index(d.work_mode) if d else 0,
                format_func=formatted(WORK_MODES, lambda m: _(WORK_MODE_LABELS[m])),
            )
            status = c3.selectbox(
                _("Status"),
                STATUSES,
                index=STATUSES.index(d.status) if d else 0,
                format_func=formatted(STATUSES, lambda v: _(STATUS_LABELS[v])),
            )
            stipend = c1.number_input(
                _("Stipend, THB/month (empty = unpaid)"),
                min_value=0,
                step=500,
                value=d.stipend if d else None,
            )
            slots = c2.number_input(_("Slots (1–500)"), min_value=1, max_value=500, value=d.slots if d else 1)
            start = c1.date_input(_("Period start"), format=DATE_FORMAT, value=d.period_start if d else None)
            end = c2.date_input(_("Period end"), format=DATE_FORMAT, value=d.period_end if d else None)
            open_to = st.multiselect(
                _("Open to programs (none = every program)"),
                list(programs),
                default=list(d.program_ids) if d else [],
                format_func=lambda p: programs[p],
                placeholder=_("Every program"),
            )
            if st.form_submit_button(_("Save posting")):
                form = PostingForm(
                    company_id=company_id, title=title, province=province, work_mode=work_mode,
                    description=description, skills=skills, stipend=None if stipend is None else int(stipend),
                    slots=int(slots), period_start=start, period_end=end, status=status,
                    program_ids=tuple(open_to),
                )  # fmt: skip
                if d:
                    saved = run_action(
                        lambda: postings.update_posting(ctx, actor=actor, posting_id=d.id, form=form)
                    )
                else:
                    saved = run_action(lambda: postings.create_posting(ctx, actor=actor, form=form))
                if saved:
                    _saved(
                        "posting_pick",
                        saved.id,
                        _("Saved posting #{id}: {title}", id=saved.id, title=saved.title),
                    )

with company_tab:
    names = {NEW: _("New company")} | {
        c.id: f"{c.name_th} ({c.name_en}) · {c.registration_no} · {c.province}" for c in all_companies
    }
    picked = st.selectbox(_("Company"), list(names), format_func=lambda i: names[i], key="company_pick")
    c = by_id.get(picked)
    with st.form("company_form"):
        registration_no = st.text_input(
            _("Registration number (13-digit Thai juristic id, or 5–20 letters and digits)"),
            value=c.registration_no if c else "",
        )
        name_th = st.text_input(_("Name (Thai)"), value=c.name_th if c else "")
        name_en = st.text_input(_("Name (English)"), value=c.name_en if c else "")
        company_province = st.text_input(_("Province of the company"), value=c.province if c else "")
        address = st.text_area(_("Address"), value=c.address if c else "")
        k1, k2, k3 = st.columns(3)
        contact_name = k1.text_input(_("Contact name"), value=c.contact_name if c else "")
        contact_email = k2.text_input(_("Contact email"), value=c.contact_email if c else "")
        contact_phone = k3.text_input(_("Contact phone"), value=c.contact_phone if c else "")
        if st.form_submit_button(_("Save company")):
            company_form = CompanyForm(
                registration_no=registration_no, name_th=name_th, name_en=name_en, province=company_province,
                address=address, contact_name=contact_name, contact_email=contact_email,
                contact_phone=contact_phone,
            )  # fmt: skip
            if c:
                row = run_action(
                    lambda: postings.update_company(ctx, actor=actor, company_id=c.id, form=company_form)
                )
            else:
                row = run_action(lambda: postings.create_company(ctx, actor=actor, form=company_form))
            if row:
                _saved(
                    "company_pick",
                    row.id,
                    _("Saved {name} ({number}).", name=row.name_th, number=row.registration_no),
                )
    if c is not None and st.button(_("Delete this company"), type="secondary", key="company_delete"):
        _ask_delete(c)
