/**
 * Users' dashboards (migration 10): one row per version, the latest (UpdatedAt) wins; a
 * deletion is a row with Deleted = 1. The definition is the UI's JSON document, stored as
 * written (its size is bounded by the API).
 */
export const dashboardsSql = `CREATE TABLE IF NOT EXISTS dashboards (
  Tenant LowCardinality(String),
  Id String,
  Title String,
  Definition String,
  CreatedBy String,
  UpdatedBy String,
  UpdatedAt DateTime64(6) DEFAULT now64(6),
  Deleted UInt8 DEFAULT 0
)
ENGINE = ReplacingMergeTree(UpdatedAt)
ORDER BY (Tenant, Id)`;
