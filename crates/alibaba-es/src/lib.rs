//! Typed, signed client for **Alibaba Cloud Elasticsearch** (API version 2017-06-13): the
//! snapshot lifecycle of an instance.
//!
//! | method | operation | request |
//! |---|---|---|
//! | [`Client::add_snapshot_repo`] | `AddSnapshotRepo` | `POST /openapi/instances/{InstanceId}/snapshot-repos` |
//! | [`Client::list_snapshot_repos_by_instance_id`] | `ListSnapshotReposByInstanceId` | `GET /openapi/instances/{InstanceId}/snapshot-repos` |
//! | [`Client::delete_snapshot_repo`] | `DeleteSnapshotRepo` | `DELETE /openapi/instances/{InstanceId}/snapshot-repos?repoPath=...` |
//! | [`Client::create_snapshot`] | `CreateSnapshot` | `POST /openapi/instances/{InstanceId}/snapshots?ClientToken=...` |
//! | [`Client::describe_snapshot_setting`] | `DescribeSnapshotSetting` | `GET /openapi/instances/{InstanceId}/snapshot-setting` |
//! | [`Client::update_snapshot_setting`] | `UpdateSnapshotSetting` | `POST /openapi/instances/{InstanceId}/snapshot-setting` |
//!
//! The client is generated at build time by progenitor from snapspec's hand-maintained spec
//! (`spec/alibaba-es.yaml`, shipped in this package as `spec.yaml`); the constructors and error
//! helpers in this file are written by hand beside it. Every request is signed with Alibaba
//! Cloud's signature V3, `ACS3-HMAC-SHA256`, with the operation's name in `x-acs-action` and
//! `x-acs-version: 2017-06-13`; query parameters are covered by the signature.
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
//! // A manual snapshot; a retry with the same token takes no second one.
//! let token = "5A2CFF0E-5718-45B5-9D4D-70B3FF0001";
//! client.create_snapshot().instance_id("es-cn-n6w1o1x0w001c****").client_token(token).send().await?;
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
    AlibabaCredentials, Backoff, ClientBuilder, ConfigError, FieldError, RequestSigner,
    RetryPolicy, Timeouts, Transport, VendorError, from_json, http_client_builder,
    new_client_token, reqwest,
};

/// The product code in the endpoint `https://elasticsearch.{regionId}.aliyuncs.com`.
pub const PRODUCT: &str = "elasticsearch";

snapspec_runtime::alibaba_client!(
    Client,
    PRODUCT,
    generated::OPERATION_IDS,
    generated::CLIENT_TOKEN_OPERATIONS
);

/// Reads the vendor's error (code, message, request id, whether a retry can help) out of an error
/// returned by this client. `None` for errors that are not answers from the service (connection
/// failures, refused values).
pub fn vendor_error(error: &Error<types::ErrorResponse>) -> Option<VendorError> {
    snapspec_runtime::vendor_error(error)
}
