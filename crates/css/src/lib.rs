//! Typed, signed client for **Huawei Cloud CSS** (Cloud Search Service): the snapshot lifecycle
//! of a cluster's indices.
//!
//! | method | operation | path (under `/v1.0/{project_id}/clusters/{cluster_id}`) |
//! |---|---|---|
//! | [`Client::create_snapshot`] | `CreateSnapshot` | `POST /index_snapshot` |
//! | [`Client::list_snapshots`] | `ListSnapshots` | `GET /index_snapshots` |
//! | [`Client::delete_snapshot`] | `DeleteSnapshot` | `DELETE /index_snapshot/{snapshot_id}` |
//! | [`Client::restore_snapshot`] | `RestoreSnapshot` | `POST /index_snapshot/{snapshot_id}/restore` |
//! | [`Client::update_snapshot_setting`] | `UpdateSnapshotSetting` | `POST /index_snapshot/setting` |
//! | [`Client::show_auto_create_policy`] | `ShowAutoCreatePolicy` | `GET /index_snapshot/policy` |
//! | [`Client::create_auto_create_policy`] | `CreateAutoCreatePolicy` | `POST /index_snapshot/policy` |
//!
//! Beside them, module [`wait`] waits for a snapshot to complete, to be deleted or to be restored
//! ([`Client::wait_for_snapshot`], [`Client::wait_for_snapshots_deleted`],
//! [`Client::wait_for_restore`]).
//!
//! The client is generated at build time by progenitor from snapspec's hand-maintained spec
//! (`spec/css.yaml`, shipped in this package as `spec.yaml`); the constructors and error helpers
//! in this file are written by hand beside it. Every request is signed with Huawei Cloud's
//! `SDK-HMAC-SHA256` (or carries an IAM token), and values that break a documented constraint are
//! refused before anything is sent.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use snapspec_css::{types, Client};
//!
//! // Credentials from HUAWEICLOUD_SDK_AK / _SK / _PROJECT_ID (and _SECURITY_TOKEN).
//! let client = Client::from_env("cn-north-4")?;
//! let created = client
//!     .create_snapshot()
//!     .project_id(client.project_id().unwrap_or_default())
//!     .cluster_id("4f3deec3-efa8-4598-bf91-560aad1377a3")
//!     .body(types::CreateSnapshotReq {
//!         // Each value is checked against the spec's rules here, before anything is sent.
//!         name: "snapshot_001".parse()?,
//!         indices: Some("myindex1,myindex2".parse()?),
//!         description: None,
//!     })
//!     .send()
//!     .await?;
//! println!("snapshot {}", created.backup.as_ref().map(|b| b.id.as_str()).unwrap_or("?"));
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

/// The service name in the endpoint `https://css.{region}.myhuaweicloud.com` and in the endpoint
/// override variable `HUAWEICLOUD_SDK_REGION_CSS_{REGION}`.
pub const SERVICE: &str = "css";

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
