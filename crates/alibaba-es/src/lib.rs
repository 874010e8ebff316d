//! Typed, signed client for **Alibaba Cloud Elasticsearch** (API version 2017-06-13):
//! `AddSnapshotRepo`, `POST /openapi/instances/{InstanceId}/snapshot-repos`, which creates a
//! cross-cluster OSS snapshot reference repository.
//!
//! The client is generated at build time by progenitor from snapspec's hand-maintained spec
//! (`spec/alibaba-es.yaml`, shipped in this package as `spec.yaml`); the constructors and error
//! helpers in this file are written by hand beside it. Every request is signed with Alibaba
//! Cloud's signature V3, `ACS3-HMAC-SHA256`, with `x-acs-action: AddSnapshotRepo` and
//! `x-acs-version: 2017-06-13`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use snapspec_alibaba_es::{types, Client};
//!
//! // Credentials from ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN).
//! let client = Client::from_env("cn-hangzhou")?;
//! let added = client
//!     .add_snapshot_repo()
//!     .instance_id("es-cn-n6w1o1x0w001c****")
//!     .body(types::AddSnapshotRepoRequest { repo_path: "es-cn-4591jumei000u****".into() })
//!     .send()
//!     .await?;
//! println!("created: {}, request {}", added.result, added.request_id);
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
    AlibabaCredentials, ConfigError, FieldError, RequestSigner, VendorError, from_json,
    http_client_builder, reqwest,
};

/// The product code in the endpoint `https://elasticsearch.{regionId}.aliyuncs.com`.
pub const PRODUCT: &str = "elasticsearch";

snapspec_runtime::alibaba_client!(Client, PRODUCT, generated::OPERATION_IDS);

/// Reads the vendor's error (code, message, request id, whether a retry can help) out of an error
/// returned by this client. `None` for errors that are not answers from the service (connection
/// failures, refused values).
pub fn vendor_error(error: &Error<types::ErrorResponse>) -> Option<VendorError> {
    snapspec_runtime::vendor_error(error)
}
