-- Creates the application's role and database next to Temporal's on the shared PostgreSQL server.
-- Run by the postgres image's entrypoint (psql, ON_ERROR_STOP=1) ONLY when the data volume is empty,
-- i.e. on the very first start. For an existing volume run it once by hand:
--   docker compose exec -T postgresql sh -c 'psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d postgres' \
--     < deploy/postgres-init/01-three-lists.sql
-- The password comes from APP_DB_PASSWORD in the container's environment (psql \getenv, psql 15+);
-- if it is unset, :'app_password' is left unexpanded and the statement fails, stopping the init.
-- Changing APP_DB_PASSWORD later does not change the role:
--   ALTER ROLE three_lists PASSWORD '...';

\getenv app_password APP_DB_PASSWORD

CREATE ROLE three_lists LOGIN PASSWORD :'app_password';
CREATE DATABASE three_lists OWNER three_lists;

-- Only the owner (and superusers) may connect; the app needs no rights on Temporal's databases.
REVOKE ALL ON DATABASE three_lists FROM PUBLIC;
