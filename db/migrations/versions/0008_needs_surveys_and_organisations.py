"""needs surveys and organisations

Needs surveys (questions, options, one response per resident with its answers, the buildings
a survey is for), a proposal's link back to the survey it came from, and community
organisations and volunteer teams (an actor with a public page, members and coordinators,
activities, sign-ups, attendance and volunteer hours).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 03:17:45.124325
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('contact', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['actor.id'], ),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('actor_id')
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisation_created_at'), ['created_at'], unique=False)

    op.create_table('survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('intro', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('opens_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('closes_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['community_id'], ['community.id'], ),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_survey_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_created_by'), ['created_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_updated_at'), ['updated_at'], unique=False)

    op.create_table('organisationactivity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('place', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('starts_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ends_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cancelled_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('organisationactivity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisationactivity_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisationactivity_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisationactivity_starts_at'), ['starts_at'], unique=False)

    op.create_table('organisationmember',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('message', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('organisation_id', 'resident_id')
    )
    with op.batch_alter_table('organisationmember', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisationmember_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisationmember_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisationmember_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisationmember_user_id'), ['user_id'], unique=False)

    op.create_table('surveybuilding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], ),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_id', 'building_id')
    )
    with op.batch_alter_table('surveybuilding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveybuilding_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveybuilding_survey_id'), ['survey_id'], unique=False)

    op.create_table('surveyquestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('prompt', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_id', 'position')
    )
    with op.batch_alter_table('surveyquestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveyquestion_survey_id'), ['survey_id'], unique=False)

    op.create_table('surveyresponse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('survey_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('entered_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['survey_id'], ['survey.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('survey_id', 'resident_id')
    )
    with op.batch_alter_table('surveyresponse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveyresponse_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveyresponse_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveyresponse_survey_id'), ['survey_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveyresponse_updated_at'), ['updated_at'], unique=False)

    op.create_table('activitysignup',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['organisationactivity.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'resident_id')
    )
    with op.batch_alter_table('activitysignup', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activitysignup_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activitysignup_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_activitysignup_resident_id'), ['resident_id'], unique=False)

    op.create_table('surveyoption',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['surveyquestion.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('question_id', 'position')
    )
    with op.batch_alter_table('surveyoption', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveyoption_question_id'), ['question_id'], unique=False)

    op.create_table('volunteerrecord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['organisationactivity.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['resident_id'], ['resident.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id', 'resident_id')
    )
    with op.batch_alter_table('volunteerrecord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteerrecord_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteerrecord_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_volunteerrecord_resident_id'), ['resident_id'], unique=False)

    op.create_table('surveyanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.Integer(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['option_id'], ['surveyoption.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['surveyquestion.id'], ),
    sa.ForeignKeyConstraint(['response_id'], ['surveyresponse.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('surveyanswer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_surveyanswer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_surveyanswer_response_id'), ['response_id'], unique=False)

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('survey_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_proposal_survey_id'), ['survey_id'], unique=False)
        batch_op.create_foreign_key('fk_proposal_survey_id_survey', 'survey', ['survey_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint('fk_proposal_survey_id_survey', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_proposal_survey_id'))
        batch_op.drop_column('survey_id')

    with op.batch_alter_table('surveyanswer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveyanswer_response_id'))
        batch_op.drop_index(batch_op.f('ix_surveyanswer_question_id'))

    op.drop_table('surveyanswer')
    with op.batch_alter_table('volunteerrecord', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteerrecord_resident_id'))
        batch_op.drop_index(batch_op.f('ix_volunteerrecord_created_at'))
        batch_op.drop_index(batch_op.f('ix_volunteerrecord_activity_id'))

    op.drop_table('volunteerrecord')
    with op.batch_alter_table('surveyoption', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveyoption_question_id'))

    op.drop_table('surveyoption')
    with op.batch_alter_table('activitysignup', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activitysignup_resident_id'))
        batch_op.drop_index(batch_op.f('ix_activitysignup_created_at'))
        batch_op.drop_index(batch_op.f('ix_activitysignup_activity_id'))

    op.drop_table('activitysignup')
    with op.batch_alter_table('surveyresponse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveyresponse_updated_at'))
        batch_op.drop_index(batch_op.f('ix_surveyresponse_survey_id'))
        batch_op.drop_index(batch_op.f('ix_surveyresponse_resident_id'))
        batch_op.drop_index(batch_op.f('ix_surveyresponse_created_at'))

    op.drop_table('surveyresponse')
    with op.batch_alter_table('surveyquestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveyquestion_survey_id'))

    op.drop_table('surveyquestion')
    with op.batch_alter_table('surveybuilding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_surveybuilding_survey_id'))
        batch_op.drop_index(batch_op.f('ix_surveybuilding_building_id'))

    op.drop_table('surveybuilding')
    with op.batch_alter_table('organisationmember', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisationmember_user_id'))
        batch_op.drop_index(batch_op.f('ix_organisationmember_resident_id'))
        batch_op.drop_index(batch_op.f('ix_organisationmember_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_organisationmember_created_at'))

    op.drop_table('organisationmember')
    with op.batch_alter_table('organisationactivity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisationactivity_starts_at'))
        batch_op.drop_index(batch_op.f('ix_organisationactivity_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_organisationactivity_created_at'))

    op.drop_table('organisationactivity')
    with op.batch_alter_table('survey', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_updated_at'))
        batch_op.drop_index(batch_op.f('ix_survey_created_by'))
        batch_op.drop_index(batch_op.f('ix_survey_created_at'))
        batch_op.drop_index(batch_op.f('ix_survey_community_id'))

    op.drop_table('survey')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_created_at'))
        batch_op.drop_index(batch_op.f('ix_organisation_community_id'))

    op.drop_table('organisation')
