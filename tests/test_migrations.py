"""Migrations are the only way the schema changes: on a fresh database, ``upgrade head`` must
match the models exactly, every step must go down and up again, and downgrading to base must
leave nothing behind. Runs on SQLite (a temporary file) and on PostgreSQL (a scratch database
next to TEST_DATABASE_URL's)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from portal import create_app
from portal.db import include_object
from portal.extensions import db
from tests.dbutil import scratch_name


@pytest.fixture
def real_commits():
    """Named so conftest's per-test transaction stays out of the way: this test owns its
    own database."""
    return True


@pytest.fixture
def keep_loggers() -> Iterator[None]:
    """Alembic's env.py calls logging.config.fileConfig, which disables every logger it does not
    name; put them back so later tests still see the app's log lines."""
    manager = logging.root.manager
    before = {name: getattr(logger, "disabled", False) for name, logger in manager.loggerDict.items()}
    root_level, root_handlers = logging.root.level, list(logging.root.handlers)
    yield
    for name, logger in manager.loggerDict.items():
        if isinstance(logger, logging.Logger):
            logger.disabled = before.get(name, False)
    logging.root.setLevel(root_level)
    logging.root.handlers[:] = root_handlers


@pytest.fixture
def scratch_url(tmp_path, real_commits, keep_loggers) -> Iterator[str]:
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url or not server_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    scratch_db = scratch_name(make_url(server_url).database, "migrations")
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{scratch_db}"')
    try:
        yield make_url(server_url).set(database=scratch_db).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{scratch_db}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def migration_app(scratch_url, tmp_path):
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=scratch_url, INSTANCE_DIR=tmp_path, MAIL_DIR=tmp_path / "mail"
    )
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def _differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}
        )
        return compare_metadata(context, db.metadata)


def _describe(diff) -> str:
    """One short line per difference: ('add_table', 'holidays'), ('modify_type', 'users.phone')."""
    if isinstance(diff, list):  # column modifications come grouped
        return "; ".join(_describe(tuple(d)) for d in diff)
    kind, obj = diff[0], diff[1] if len(diff) > 1 else None
    if kind.startswith("modify_"):
        return f"{kind} {diff[2]}.{diff[3]}"
    if kind.endswith("_column"):
        return f"{kind} {diff[2]}.{diff[3].name}"
    name = getattr(obj, "name", obj)
    table = getattr(getattr(obj, "table", None), "name", "")
    return f"{kind} {table + '.' if table else ''}{name}"


def _tables_of(diff) -> set[str]:
    if isinstance(diff, list):
        return set().union(*(_tables_of(tuple(d)) for d in diff))
    kind, obj = diff[0], diff[1] if len(diff) > 1 else None
    if kind.startswith("modify_") or kind.endswith("_column"):
        return {diff[2]}
    if kind.endswith("_table"):
        return {obj.name}
    table = getattr(obj, "table", None)
    return {table.name} if table is not None else set()


def _tables() -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _revisions_in_order(app) -> list[str]:
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    script = ScriptDirectory.from_config(config)
    return [rev.revision for rev in reversed(list(script.walk_revisions("base", "heads")))]


def test_upgrade_head_matches_the_models_and_downgrades_cleanly(migration_app):
    assert _tables() == set()
    upgrade(revision="head")
    differences = _differences()
    if differences:
        pytest.fail(
            "the migrations do not match the models (run `flask db migrate`, then review "
            "it):\n  " + "\n  ".join(_describe(d) for d in differences),
            pytrace=False,
        )
    assert set(db.metadata.tables) <= _tables()

    downgrade(revision="base")
    assert _tables() == {"alembic_version"}

    upgrade(revision="head")
    assert _differences() == []


def test_downgrade_to_base_leaves_nothing_and_upgrade_works_again(migration_app):
    upgrade(revision="head")
    at_head = _tables()
    downgrade(revision="base")
    assert _tables() == {"alembic_version"}
    upgrade(revision="head")
    assert _tables() == at_head


ACCOUNT_TABLES = {"users", "user_roles", "login_sessions", "auth_tokens"}


def test_account_tables_match_their_migration(migration_app):
    """The accounts part on its own, so it stays checked while other features wait for their
    migrations."""
    upgrade(revision="head")
    mine = [d for d in _differences() if _tables_of(d) & ACCOUNT_TABLES]
    if mine:
        pytest.fail("\n".join(_describe(d) for d in mine), pytrace=False)
    assert _tables() >= ACCOUNT_TABLES


def test_each_migration_goes_down_and_up_again(migration_app):
    revisions = _revisions_in_order(migration_app)
    assert revisions, "no migrations found"
    previous = "base"
    for revision in revisions:
        upgrade(revision=revision)
        after_up = _tables()
        downgrade(revision=previous)
        upgrade(revision=revision)
        assert _tables() == after_up, revision
        previous = revision
