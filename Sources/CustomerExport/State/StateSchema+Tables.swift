import CustomerExportCommon

/// The state tables' definitions, kept with the queries on them (`StateStore`): runs, their
/// windows, quarantine, watermarks and the migrations record. Every statement is idempotent;
/// `SchemaMigrator` applies them with the target's.
extension StateSchema {
    package var creationStatements: [String] {
        let s = self
        return [
            """
            CREATE TABLE IF NOT EXISTS \(s.table("migrations")) (
                target text PRIMARY KEY,
                fingerprint text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(s.table("runs")) (
                id bigserial PRIMARY KEY,
                pipeline text NOT NULL,
                identity text NOT NULL,
                mode text NOT NULL,
                window_field text NOT NULL,
                range_from timestamptz NOT NULL,
                range_to timestamptz NOT NULL,
                target text NOT NULL,
                status text NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                heartbeat_at timestamptz NOT NULL DEFAULT now(),
                finished_at timestamptz,
                last_error text,
                report jsonb
            )
            """,
            "CREATE INDEX IF NOT EXISTS runs_identity_idx ON \(s.table("runs")) (identity, id DESC)",
            """
            CREATE TABLE IF NOT EXISTS \(s.table("windows")) (
                id bigserial PRIMARY KEY,
                run_id bigint NOT NULL REFERENCES \(s.table("runs")) (id) ON DELETE CASCADE,
                window_from timestamptz NOT NULL,
                window_to timestamptz NOT NULL,
                status text NOT NULL DEFAULT 'pending',
                api_total integer,
                pages integer NOT NULL DEFAULT 0,
                rows_fetched integer NOT NULL DEFAULT 0,
                rows_inserted integer NOT NULL DEFAULT 0,
                rows_updated integer NOT NULL DEFAULT 0,
                rows_unchanged integer NOT NULL DEFAULT 0,
                rows_quarantined integer NOT NULL DEFAULT 0,
                attempts integer NOT NULL DEFAULT 0,
                drift_rereads integer NOT NULL DEFAULT 0,
                last_error text,
                claimed_by text,
                lease_until timestamptz,
                updated_at timestamptz NOT NULL DEFAULT now(),
                UNIQUE (run_id, window_from, window_to)
            )
            """,
            "CREATE INDEX IF NOT EXISTS windows_pending_idx ON \(s.table("windows")) (run_id, status)",
            "ALTER TABLE \(s.table("windows")) ADD COLUMN IF NOT EXISTS completed_by text",
            "ALTER TABLE \(s.table("runs")) ADD COLUMN IF NOT EXISTS params jsonb",
            "ALTER TABLE \(s.table("windows")) ADD COLUMN IF NOT EXISTS rows_deleted integer NOT NULL DEFAULT 0",
            """
            CREATE TABLE IF NOT EXISTS \(s.table("quarantine")) (
                id bigserial PRIMARY KEY,
                target text NOT NULL,
                run_id bigint,
                window_from timestamptz,
                window_to timestamptz,
                source_id text,
                reason text NOT NULL,
                payload text NOT NULL,
                payload_md5 text NOT NULL,
                first_seen_at timestamptz NOT NULL DEFAULT now(),
                last_seen_at timestamptz NOT NULL DEFAULT now(),
                times_seen integer NOT NULL DEFAULT 1,
                UNIQUE (target, reason, payload_md5)
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS \(s.table("watermarks")) (
                pipeline text NOT NULL,
                target text NOT NULL,
                watermark timestamptz NOT NULL,
                run_id bigint,
                updated_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (pipeline, target)
            )
            """,
            // For downstream jobs: each load is one committed window, and the rows it wrote or
            // marked deleted carry its id in the target's load_id. A load appears here only once
            // its transaction has committed, rows and all, whatever order windows commit in.
            """
            CREATE OR REPLACE VIEW \(s.table("loads")) AS
            SELECT w.id AS load_id, w.run_id, r.pipeline, r.target, r.mode, w.window_from, w.window_to,
                   w.updated_at AS committed_at, w.rows_inserted, w.rows_updated, w.rows_deleted, w.rows_quarantined,
                   r.status AS run_status
            FROM \(s.table("windows")) w JOIN \(s.table("runs")) r ON r.id = w.run_id
            WHERE w.status = \(WindowStatus.done.sql)
            """,
        ]
    }
}
