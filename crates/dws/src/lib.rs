//! Typed, signed client for **Huawei Cloud GaussDB(DWS)**: create a manual snapshot of a cluster,
//! `POST /v1.0/{project_id}/snapshots`.
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
    ConfigError, FieldError, HuaweiCredentials, RequestSigner, VendorError, from_json,
    http_client_builder, reqwest,
};

/// The service name in the endpoint `https://dws.{region}.myhuaweicloud.com` and in the endpoint
/// override variable `HUAWEICLOUD_SDK_REGION_DWS_{REGION}`.
pub const SERVICE: &str = "dws";

snapspec_runtime::huawei_client!(Client, SERVICE, generated::OPERATION_IDS);

/// Reads the vendor's error (code, message, request id, whether a retry can help) out of an error
/// returned by this client. `None` for errors that are not answers from the service (connection
/// failures, refused values).
pub fn vendor_error(error: &Error<types::ErrorResponse>) -> Option<VendorError> {
    snapspec_runtime::vendor_error(error)
}
