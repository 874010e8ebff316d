//! The emulator's contract: request and response bodies described with utoipa. `cargo xtask check`
//! compares the document built from these (and the `#[utoipa::path]` annotations) with `spec/`,
//! so they cannot drift apart silently. Request bodies are validated with the generated clients'
//! types (`snapspec_runtime::from_json`), not with these.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// CSS: the snapshot to create.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct CssCreateSnapshotReq {
    pub name: String,
    pub description: Option<String>,
    pub indices: Option<String>,
}

/// CSS: the created snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct CssCreateSnapshotResponse {
    pub backup: Option<CssBackupRsp>,
}

/// CSS: the snapshot. Only `id` and `name` are always present.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CssBackupRsp {
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datastore: Option<CssBackupDatastore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_expected_start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_keep_day: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indices: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_shards: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failed_shards: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<String>,
}

/// CSS: the search engine of a snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct CssBackupDatastore {
    // Declared as strings, never null: the emulator knows no cluster's version, so it leaves it out.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// Huawei Cloud error body (API gateway and services); CSS also uses `errCode`/`externalMessage`.
#[derive(Debug, Serialize, ToSchema)]
pub struct HuaweiErrorResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
}

/// CSS error body: the gateway's fields and the service's own.
#[derive(Debug, Serialize, ToSchema)]
#[allow(non_snake_case)]
pub struct CssErrorResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_msg: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errCode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub externalMessage: Option<String>,
}

/// DWS: the request body.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct DwsCreateSnapshotRequestBody {
    pub snapshot: DwsSnapshot,
}

/// DWS: the snapshot to create.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct DwsSnapshot {
    pub name: String,
    pub cluster_id: String,
    pub description: Option<String>,
}

/// DWS: the response.
#[derive(Debug, Serialize, ToSchema)]
pub struct DwsCreateSnapshotResponse {
    pub snapshot: DwsSnapshotResp,
}

/// DWS: the new snapshot's id.
#[derive(Debug, Serialize, ToSchema)]
pub struct DwsSnapshotResp {
    pub id: String,
}

/// Alibaba: the request body.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct AlibabaAddSnapshotRepoRequest {
    #[serde(rename = "repoPath")]
    pub repo_path: String,
}

/// Alibaba: the response.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AlibabaAddSnapshotRepoResponseBody {
    pub result: bool,
    pub request_id: String,
}

/// Alibaba Cloud error body.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AlibabaErrorResponse {
    pub code: String,
    pub message: String,
    // The spec declares these as strings, never null: an unknown one is left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommend: Option<String>,
}
