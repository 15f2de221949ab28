from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from components.page import label, open_page, run_command, show_error, show_flash
from core.admin import (
    MAX_DISCLOSURE_K,
    MIN_DISCLOSURE_K,
    add_actor,
    add_building,
    backups_here,
    database_backup,
    list_users,
    set_active,
    set_disclosure_k,
    set_dominance_alert,
    set_role,
)
from core.community import list_actors, list_buildings
from core.errors import DomainError
from core.roster import MAX_BYTES, import_roster
from core.vocabulary import ACTOR_KINDS, ROLES

page = open_page("page.admin", "admin.title", "admin.caption")
t, principal, community = page.t, page.principal, page.community
show_flash(t)


def run(command, success_key: str, **params) -> None:
    run_command(t, command, success_key, **params)


users_tab, buildings_tab, actors_tab, roster_tab, alerts_tab, backups_tab = st.tabs(
    [
        t("admin.users"),
        t("admin.buildings"),
        t("admin.actors"),
        t("admin.roster"),
        t("admin.alerts"),
        t("admin.backups"),
    ]
)

with users_tab:
    search = st.text_input(t("admin.search_users"), max_chars=40)
    users = list_users(actor=principal, search=search)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("field_name.username"): u.username,
                    t("field_name.display_name"): u.display_name,
                    t("field_name.role"): t(f"role.{u.role}"),
                    t("field_name.building"): u.building or "—",
                    t("admin.active"): u.active,
                }
                for u in users
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("role"):
        st.markdown(f"#### {t('admin.change_role')}")
        user = st.selectbox(
            t("field_name.username"),
            users,
            index=None,
            format_func=lambda u: f"{u.username} ({u.display_name})",
            placeholder=t("common.choose"),
        )
        role = st.selectbox(t("field_name.role"), ROLES, format_func=lambda r: t(f"role.{r}"))
        c1, c2 = st.columns(2)
        if c1.form_submit_button(t("admin.set_role"), type="primary") and user:
            run(
                lambda: set_role(actor=principal, user_id=user.id, role=role),
                "admin.role_set",
                username=user.username,
            )
        if c2.form_submit_button(t("admin.toggle_active")) and user:
            run(
                lambda: set_active(actor=principal, user_id=user.id, active=not user.active),
                "admin.active_set",
                username=user.username,
            )

with buildings_tab:
    buildings = list_buildings(community.id)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("field_name.building_code"): b.code,
                    t("field_name.building_name"): b.name,
                    t("admin.residents"): b.residents,
                }
                for b in buildings
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("building", clear_on_submit=True):
        st.markdown(f"#### {t('admin.add_building')}")
        code = st.text_input(t("field_name.building_code"), max_chars=20)
        name = st.text_input(t("field_name.building_name"), max_chars=100)
        if st.form_submit_button(t("common.add"), type="primary"):
            run(lambda: add_building(actor=principal, code=code, name=name), "admin.building_added")

with actors_tab:
    actors = list_actors(community.id, include_inactive=True)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("field_name.actor_name"): a.name,
                    t("field_name.actor_kind"): label(t, "actor_kind", a.kind),
                    t("admin.active"): a.active,
                }
                for a in actors
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    with st.form("actor", clear_on_submit=True):
        st.markdown(f"#### {t('admin.add_actor')}")
        name = st.text_input(t("field_name.actor_name"), max_chars=100)
        kind = st.selectbox(
            t("field_name.actor_kind"), ACTOR_KINDS, format_func=lambda k: t(f"actor_kind.{k}")
        )
        if st.form_submit_button(t("common.add"), type="primary"):
            run(lambda: add_actor(actor=principal, name=name, kind=kind), "admin.actor_added")

with roster_tab:
    st.write(t("admin.roster_help"))
    st.code(
        "full_name,building,unit,age_band,gender,education,occupation,residency_status,"
        "years_in_community,research_consent\n张伟,B01,301,60-74,male,secondary,retired,"
        "local_registered,25,yes",
        language="text",
    )
    upload = st.file_uploader(
        t("admin.roster_file"), type=["csv"], max_upload_size=MAX_BYTES // (1024 * 1024)
    )
    if upload is not None and st.button(t("admin.import"), type="primary"):
        bar = st.progress(0.0, text=t("admin.importing"))

        def show_progress(fraction: float) -> None:
            bar.progress(fraction, text=t("admin.importing"))

        try:
            result = import_roster(actor=principal, data=upload.getvalue(), progress=show_progress)
        except DomainError as error:
            bar.empty()
            show_error(t, error)
        else:
            bar.progress(1.0, text=t("admin.imported", n=result.imported))
            st.success(t("admin.imported", n=result.imported))
            if result.already_listed:
                st.info(t("admin.already_listed", n=result.already_listed))

with alerts_tab:
    st.caption(t("admin.alerts_help"))
    with st.form("alert_level"):
        level = st.number_input(
            t("admin.alert_level"),
            min_value=20,
            max_value=95,
            step=5,
            value=round(community.dominance_alert * 100),
            key="alert_level",
            help=t("admin.alert_level_help"),
        )
        if st.form_submit_button(t("common.save"), type="primary"):
            run(
                lambda: set_dominance_alert(actor=principal, share=level / 100), "admin.alert_saved"
            )
    with st.form("disclosure_k"):
        k = st.number_input(
            t("admin.disclosure_k"),
            min_value=MIN_DISCLOSURE_K,
            max_value=MAX_DISCLOSURE_K,
            step=1,
            value=community.disclosure_k,
            key="disclosure_k",
            help=t("admin.disclosure_k_help"),
        )
        if st.form_submit_button(t("common.save"), type="primary", key="disclosure_k_save"):
            run(lambda: set_disclosure_k(actor=principal, k=int(k)), "admin.disclosure_k_saved")

with backups_tab:
    st.caption(t("admin.backups_help"))
    if backups_here():
        st.download_button(
            t("admin.backup_download"),
            lambda: database_backup(actor=principal),
            file_name=f"yishiting-{datetime.now(UTC):%Y%m%d-%H%M%S}.db",
            mime="application/vnd.sqlite3",
            icon=":material/backup:",
            key="backup_download",
        )
    else:
        st.info(t("admin.backup_sqlite_only"), icon=":material/info:")
