"""The job queue's records, the outbox of events, notifications, and each rental's next due mark

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 00:00:00.000000

"""
import os
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('periodic_checks',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('last_started_at', sa.DateTime(), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(), nullable=True),
    sa.Column('last_result', sa.JSON(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('worker_heartbeats',
    sa.Column('id', sa.String(length=150), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('worker_heartbeats', schema=None) as batch_op:
        batch_op.create_index('ix_worker_heartbeats_last_seen_at', ['last_seen_at'], unique=False)
    op.create_table('running_jobs',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('task', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('message', sa.LargeBinary(), nullable=False),
    sa.Column('worker_id', sa.String(length=150), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('task_id')
    )
    with op.batch_alter_table('running_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_running_jobs_worker_id', ['worker_id'], unique=False)
    op.create_table('failed_jobs',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('task', sa.String(length=200), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('traceback', sa.Text(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('failed_at', sa.DateTime(), nullable=False),
    sa.Column('retried_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('failed_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_failed_jobs_failed_at', ['failed_at'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('type', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.String(length=24), nullable=True),
    sa.Column('user_id', sa.String(length=24), nullable=False),
    sa.Column('pool_id', sa.String(length=24), nullable=True),
    sa.Column('subject_type', sa.String(length=24), nullable=True),
    sa.Column('subject_id', sa.String(length=24), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_undispatched', ['created_at', 'id'], unique=False,
                              sqlite_where=sa.text('dispatched_at IS NULL'),
                              postgresql_where=sa.text('dispatched_at IS NULL'))

    op.create_table('notifications',
    sa.Column('id', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.String(length=24), nullable=True),
    sa.Column('event_id', sa.String(length=24), nullable=True),
    sa.Column('event', sa.String(length=64), nullable=True),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('severity', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('link', sa.String(length=500), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('is_public', sa.Boolean(), nullable=False),
    sa.Column('is_global', sa.Boolean(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("severity IN ('INFO', 'WARNING', 'ERROR', 'SUCCESS')", name='ck_notifications_severity'),
    sa.CheckConstraint("type IN ('MAINTENANCE', 'ANNOUNCEMENT', 'STATUS_UPDATE')", name='ck_notifications_type'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_notifications_event_user')
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)
    op.create_table('announcement_reads',
    sa.Column('notification_id', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.String(length=24), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=True),
    sa.Column('dismissed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('notification_id', 'user_id')
    )
    with op.batch_alter_table('announcement_reads', schema=None) as batch_op:
        batch_op.create_index('ix_announcement_reads_user_id', ['user_id'], unique=False)

    with op.batch_alter_table('rentals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_event_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_rentals_next_event', ['next_event_at'], unique=False,
                              sqlite_where=sa.text('next_event_at IS NOT NULL'),
                              postgresql_where=sa.text('next_event_at IS NOT NULL'))
    _schedule_rentals_not_ended()


def _schedule_rentals_not_ended():
    """Each rental still running or held gets its next mark after now, as renting would have set it
    (services.rental_lifecycle.next_event_at, copied here as it stands in this revision): marks that
    passed before this upgrade are not sent late."""
    hours = sorted({int(part) for part in os.environ.get('REMINDER_HOURS', '72,24').split(',') if part.strip()},
                   reverse=True)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    connection = op.get_bind()
    rentals = sa.table('rentals', sa.column('id', sa.String), sa.column('rental_end', sa.DateTime),
                       sa.column('hold_until', sa.DateTime), sa.column('next_event_at', sa.DateTime))
    rows = connection.execute(
        sa.select(rentals.c.id, rentals.c.rental_end, rentals.c.hold_until).where(rentals.c.hold_until > now)
    ).all()
    updates = []
    for rental_id, rental_end, hold_until in rows:
        marks = sorted([rental_end - timedelta(hours=h) for h in hours] + [rental_end, hold_until])
        updates.append({'rental_id': rental_id, 'next': next(mark for mark in marks if mark > now)})
    if updates:
        connection.execute(
            rentals.update().where(rentals.c.id == sa.bindparam('rental_id')).values(next_event_at=sa.bindparam('next')),
            updates,
        )


def downgrade():
    with op.batch_alter_table('rentals', schema=None) as batch_op:
        batch_op.drop_index('ix_rentals_next_event', sqlite_where=sa.text('next_event_at IS NOT NULL'),
                            postgresql_where=sa.text('next_event_at IS NOT NULL'))
        batch_op.drop_column('next_event_at')
    op.drop_table('announcement_reads')
    op.drop_table('notifications')
    op.drop_table('events')
    op.drop_table('failed_jobs')
    op.drop_table('running_jobs')
    op.drop_table('worker_heartbeats')
    op.drop_table('periodic_checks')
