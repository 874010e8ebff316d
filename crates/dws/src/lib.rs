//! Typed, signed client for **Huawei Cloud GaussDB(DWS)** snapshots: create one
//! (`POST /v1.0/{project_id}/snapshots`), list them (`GET /v1.0/{project_id}/snapshots`), show or
//! delete one (`GET`/`DELETE /v1.0/{project_id}/snapshots/{snapshot_id}`) and restore one into a
//! new cluster (`POST /v1.0/{project_id}/snapshots/{snapshot_id}/actions`). Beside them, module
//! [`wait`] waits for a snapshot to complete or to be deleted ([`Client::wait_for_snapshot`],
//! [`Client::wait_for_snapshots_deleted`]).
//!
//! The client is generated at build time by progenitor from snapspec's hand-maintained spec
//! (`spec/dws.yaml`, shipped in this package as `spec.yaml`); the constructors and error helpers
//! in this file are written by hand beside it. Every request is signed with Huawei Cloud's
//! `SDK-HMAC-SHA256` (or carries an IAM token), and values that break a documented constraint are
//! refused before anything is sent.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use snapspec_dws::{types, Client};
//!
//! // Credentials from HUAWEICLOUD_SDK_AK / _SK / _PROJECT_ID (and _SECURITY_TOKEN).
//! let client = Client::from_env("cn-north-4")?;
//! let created = client
//!     .create_snapshot()
//!     .project_id(client.project_id().unwrap_or_default())
//!     .body(types::CreateSnapshotRequestBody {
//!         snapshot: types::Snapshot {
//!             // Each value is checked against the spec's rules here, before anything is sent.
//!             name: "snapshot-3".parse()?,
//!             cluster_id: "44b277eb-39be-4921-be31-3d61b43651d7".into(),
//!             description: Some("nightly".parse()?),
//!         },
//!     })
//!     .send()
//!     .await?;
//! println!("snapshot {}", created.snapshot.id);
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

#[allow(missing_docs, clippy::all, clippy::pedantic, unused_imports, dead_code)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
    include!(concat!(env!("OUT_DIR"), "/operations.rs"));
}

pub use generated::*;
pub use snapspec_runtime::{
    Backoff, ClientBuilder, ConfigError, FieldError, HuaweiCredentials, RequestSigner, RetryPolicy,
    Timeouts, Transport, VendorError, from_json, http_client_builder, reqwest,
};

/// The service name in the endpoint `https://dws.{region}.myhuaweicloud.com` and in the endpoint
/// override variable `HUAWEICLOUD_SDK_REGION_DWS_{REGION}`.
pub const SERVICE: &str = "dws";

mod recovery;
pub mod wait;

snapspec_runtime::huawei_client!(
    Client,
    SERVICE,
    generated::OPERATION_IDS,
    recover = recovery::recover
);

/// Reads the vendor's error (code, message, request id, whether a retry can help) out of an error
/// returned by this client. `None` for errors that are not answers from the service (connection
/// failures, refused values).
pub fn vendor_error(error: &Error<types::ErrorResponse>) -> Option<VendorError> {
    snapspec_runtime::vendor_error(error)
}

/// The integer bounds of `Restore` that the spec states (`minimum`/`maximum`) and the generated
/// types do not check (typify checks string rules only): (field path, lowest, highest).
pub const RESTORE_BOUNDS: [(&str, i64, i64); 2] = [
    ("restore.port", 8000, 30000),
    ("restore.number_of_cn", 3, 20),
];

/// Checks the integer bounds of a restore request that the generated types leave unchecked
/// ([`RESTORE_BOUNDS`]), naming the field that breaks one. The emulator and the CLI call it
/// before anything else; the string rules were already checked when the body was built.
pub fn check_restore(body: &types::RestoreClusterRequestBody) -> Result<(), FieldError> {
    let values = [body.restore.port, body.restore.number_of_cn];
    for ((field, lowest, highest), value) in RESTORE_BOUNDS.iter().zip(values) {
        if let Some(value) = value
            && !(*lowest..=*highest).contains(&i64::from(value))
        {
            return Err(FieldError {
                field: (*field).to_string(),
                message: format!("{value} is outside {lowest}..={highest}"),
            });
        }
    }
    Ok(())
}
