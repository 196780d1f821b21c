-- fazhi on PostgreSQL with two roles, so that the running app cannot alter or
-- drop the audit log's triggers.
--
--   fazhi_owner  owns the database, every table and the audit log's append-only
--                triggers; `fazhi migrate` and `fazhi backup restore` run as it
--                (DATABASE_URL=postgres://fazhi_owner@…), by an operator, never
--                by the web server.
--   fazhi_app    what gunicorn and `fazhi db_worker` log in as
--                (DATABASE_URL=postgres://fazhi_app@…). It reads and writes the
--                business tables, but on audit_auditentry it may only SELECT and
--                INSERT. Owning nothing, it cannot ALTER TABLE … DISABLE TRIGGER,
--                DROP TRIGGER, replace the trigger function or set
--                session_replication_role; UPDATE, DELETE and TRUNCATE of the
--                audit log are refused by privileges and, for the owner, by the
--                triggers.
--
-- Even the owner (or a superuser) who disables the triggers cannot rewrite the
-- log undetected: every entry carries an HMAC under FAZHI_AUDIT_KEY, which the
-- database never sees, and the chain head is anchored outside it
-- (`fazhi audit verify`).
--
-- audit/tests/test_postgres_roles.py runs this file section by section.

-- == 1. cluster: as a superuser, once ==
CREATE ROLE fazhi_owner LOGIN;
CREATE ROLE fazhi_app LOGIN;
CREATE DATABASE fazhi OWNER fazhi_owner;
-- then give both a password: \password fazhi_owner   \password fazhi_app

-- == 2. database fazhi: as a superuser, once ==
REVOKE ALL ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO fazhi_owner;
GRANT USAGE ON SCHEMA public TO fazhi_app;
REVOKE ALL ON DATABASE fazhi FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE fazhi TO fazhi_app;

-- == 3. database fazhi: as fazhi_owner, after every `fazhi migrate` ==
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO fazhi_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO fazhi_app;
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON audit_auditentry FROM fazhi_app;
