//! Huawei Cloud CSS: the snapshot lifecycle of a cluster's indices (create, list, delete,
//! restore), the basic snapshot configuration and the automatic snapshot policy.
//!
//! State is kept per project and cluster. A snapshot's status is computed when it is read, from
//! the instant it was created: `BUILDING` for `snapshot_duration`, then `COMPLETED`, or `FAILED`
//! for the names in `failing_snapshots`. No background task runs.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, post};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::{
    Api, Emulator, Listing, RequestId, decode, json_answer, json_response, model,
    next_status_change, vendor_error,
};
use crate::{now_created, now_millis};

/// CSS state: (project, cluster) -> that cluster's snapshots, configuration and policy.
#[derive(Default)]
pub(crate) struct Store {
    clusters: HashMap<(String, String), Cluster>,
}

impl Store {
    /// The cluster, for a request that may change it: its remembered listing is dropped.
    fn cluster_to_change(&mut self, project_id: String, cluster_id: String) -> &mut Cluster {
        let cluster = self.clusters.entry((project_id, cluster_id)).or_default();
        cluster.listing = None;
        cluster
    }
}

#[derive(Default)]
struct Cluster {
    /// In creation order.
    snapshots: Vec<Snapshot>,
    /// The names in `snapshots`: a create checks for a duplicate without a scan, so that a
    /// cluster holding many snapshots answers as fast as an empty one.
    names: HashSet<String>,
    /// The basic configuration and the automatic policy, as last set.
    policy: ShowAutoCreatePolicyResponse,
    /// The last ListSnapshots answer, while nothing has changed it.
    listing: Option<Listing>,
}

struct Snapshot {
    id: String,
    name: String,
    description: String,
    indices: Option<String>,
    created: String,
    created_at: Instant,
    start_millis: i64,
    fails: bool,
    bucket: Option<String>,
    restore_status: &'static str,
}

/// Where a snapshot is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Building,
    Completed,
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Building => "BUILDING",
            Status::Completed => "COMPLETED",
            Status::Failed => "FAILED",
        }
    }
}

impl Snapshot {
    fn status(&self, duration: Duration) -> Status {
        if self.created_at.elapsed() < duration {
            Status::Building
        } else if self.fails {
            Status::Failed
        } else {
            Status::Completed
        }
    }

    fn listed(&self, cluster_id: &str, duration: Duration) -> ListSnapshotBackupsResp {
        let status = self.status(duration);
        let done = status != Status::Building;
        ListSnapshotBackupsResp {
            created: Some(self.created.clone()),
            datastore: Some(ListSnapshotBackupsDatastoreResp {
                type_: Some("elasticsearch".into()),
                version: None,
            }),
            description: Some(self.description.clone()),
            id: Some(self.id.clone()),
            cluster_id: Some(cluster_id.to_string()),
            cluster_name: None,
            name: Some(self.name.clone()),
            status: Some(status.as_str().into()),
            updated: None,
            backup_type: Some("1".into()),
            backup_method: Some("manual".into()),
            backup_frequency: None,
            backup_expected_start_time: None,
            backup_keep_day: None,
            backup_period: None,
            indices: self.indices.clone(),
            total_shards: None,
            failed_shards: None,
            version: None,
            restore_status: Some(self.restore_status.into()),
            start_time: Some(self.start_millis),
            end_time: Some(if done {
                self.start_millis + duration.as_millis() as i64
            } else {
                0
            }),
            bucket_name: self.bucket.clone(),
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    paths(
        css_create_snapshot,
        css_list_snapshots,
        css_delete_snapshot,
        css_restore_snapshot,
        css_update_snapshot_setting,
        css_show_auto_create_policy,
        css_create_auto_create_policy,
    ),
    components(schemas(
        model::CssCreateSnapshotReq,
        model::CssCreateSnapshotResponse,
        model::CssBackupRsp,
        model::CssBackupDatastore,
        model::CssErrorResponse,
        ListSnapshotsResponse,
        ListSnapshotBackupsResp,
        ListSnapshotBackupsDatastoreResp,
        RestoreSnapshotReq,
        UpdateSnapshotSettingReq,
        ShowAutoCreatePolicyResponse,
        SetRdsBackupCnfReq,
    ))
)]
pub(crate) struct Doc;

pub(crate) fn routes() -> Router<Emulator> {
    const CLUSTER: &str = "/v1.0/{project_id}/clusters/{cluster_id}";
    Router::new()
        .route(
            &format!("{CLUSTER}/index_snapshot"),
            post(css_create_snapshot),
        )
        .route(
            &format!("{CLUSTER}/index_snapshots"),
            get(css_list_snapshots),
        )
        .route(
            &format!("{CLUSTER}/index_snapshot/{{snapshot_id}}"),
            delete(css_delete_snapshot),
        )
        .route(
            &format!("{CLUSTER}/index_snapshot/{{snapshot_id}}/restore"),
            post(css_restore_snapshot),
        )
        .route(
            &format!("{CLUSTER}/index_snapshot/setting"),
            post(css_update_snapshot_setting),
        )
        .route(
            &format!("{CLUSTER}/index_snapshot/policy"),
            get(css_show_auto_create_policy).post(css_create_auto_create_policy),
        )
}

/// The cluster, locked for the duration of `f`, which may change it: its kept ListSnapshots
/// answer is dropped (also by the policy read, which does not need that; a list after it is
/// serialized once more).
fn with_cluster<T>(
    emulator: &Emulator,
    project_id: String,
    cluster_id: String,
    f: impl FnOnce(&mut Cluster) -> T,
) -> T {
    f(emulator
        .store()
        .css
        .cluster_to_change(project_id, cluster_id))
}

/// A success without a body, as CSS answers its configuration, delete and restore requests.
fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// CSS's answer for a cluster or snapshot it does not know: 403 `CSS.0015`.
fn not_found(what: &str, request_id: &str) -> Response {
    vendor_error(
        Api::Css,
        403,
        "CSS.0015",
        &format!("{what} does not exist, or access to it is denied."),
        request_id,
        false,
    )
}

fn invalid(field: &str, message: &str, request_id: &str) -> Response {
    vendor_error(
        Api::Css,
        400,
        "CSS.0001",
        &format!("Invalid parameter `{field}`: {message}"),
        request_id,
        false,
    )
}

#[utoipa::path(
    post,
    path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot",
    operation_id = "CreateSnapshot",
    tag = "css",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("cluster_id" = String, Path, description = "Id of the cluster to back up."),
    ),
    request_body(content = model::CssCreateSnapshotReq, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = model::CssCreateSnapshotResponse),
        (status = 400, description = "Bad request", body = model::CssErrorResponse),
        (status = 403, description = "Forbidden", body = model::CssErrorResponse),
        (status = 406, description = "Not Acceptable", body = model::CssErrorResponse),
        (status = 500, description = "Internal server error", body = model::CssErrorResponse),
        (status = 501, description = "Not Implemented", body = model::CssErrorResponse),
    )
)]
async fn css_create_snapshot(
    State(emulator): State<Emulator>,
    Path((project_id, cluster_id)): Path<(String, String)>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    let request: snapspec_css::types::CreateSnapshotReq = decode(Api::Css, &body, &request_id)?;
    let name = request.name.to_string();
    let config = &emulator.0.config;
    let snapshot = Snapshot {
        id: emulator.0.ids.next(),
        name: name.clone(),
        description: request
            .description
            .map(|d| d.to_string())
            .unwrap_or_default(),
        indices: request.indices.map(|i| i.to_string()),
        created: now_created(),
        created_at: Instant::now(),
        start_millis: now_millis(),
        fails: config.failing_snapshots.contains(&name),
        bucket: None,
        restore_status: "none",
    };
    let backup = model::CssBackupRsp {
        id: snapshot.id.clone(),
        name: name.clone(),
        created: Some(snapshot.created.clone()),
        datastore: Some(model::CssBackupDatastore {
            type_: Some("elasticsearch".into()),
            version: None,
        }),
        description: Some(snapshot.description.clone()),
        cluster_id: Some(cluster_id.clone()),
        cluster_name: None,
        status: Some(Status::Building.as_str().into()),
        updated: None,
        backup_type: Some("1".into()),
        backup_method: Some("manual".into()),
        backup_expected_start_time: None,
        backup_keep_day: None,
        backup_period: None,
        indices: snapshot.indices.clone(),
        total_shards: None,
        failed_shards: None,
        version: None,
        restore_status: Some("none".into()),
        start_time: Some(snapshot.start_millis),
        end_time: Some(0),
        bucket_name: None,
    };
    let bucket_name = {
        let mut store = emulator.store();
        let store = &mut *store;
        let cluster = store.css.cluster_to_change(project_id, cluster_id.clone());
        // A taken name: CSS.0043, which the CSS error-code table (css_03_0076) gives with 409;
        // CreateSnapshot's page documents no 409, so it is answered with 400.
        if cluster.names.contains(&name) {
            return Err(vendor_error(
                Api::Css,
                400,
                "CSS.0043",
                &format!("A snapshot named {name} already exists in cluster {cluster_id}."),
                &request_id,
                false,
            ));
        }
        if store.snapshots >= config.max_snapshots {
            return Err(crate::snapshot_quota(
                Api::Css,
                config.max_snapshots,
                &request_id,
            ));
        }
        cluster.names.insert(name.clone());
        let bucket = cluster.policy.bucket.clone();
        cluster.snapshots.push(Snapshot {
            bucket: bucket.clone(),
            ..snapshot
        });
        store.snapshots += 1;
        bucket
    };
    let backup = model::CssBackupRsp {
        bucket_name,
        ..backup
    };
    Ok(json_answer(
        StatusCode::CREATED,
        &model::CssCreateSnapshotResponse {
            backup: Some(backup),
        },
    ))
}

/// CSS: a cluster's snapshots.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListSnapshotsResponse {
    pub backups: Option<Vec<ListSnapshotBackupsResp>>,
}

/// CSS: one listed snapshot.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ListSnapshotBackupsResp {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datastore: Option<ListSnapshotBackupsDatastoreResp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup_frequency: Option<String>,
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

/// CSS: the search engine of a listed snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListSnapshotBackupsDatastoreResp {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

#[utoipa::path(
    get,
    path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshots",
    operation_id = "ListSnapshots",
    tag = "css",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("cluster_id" = String, Path, description = "Id of the cluster whose snapshots are listed."),
    ),
    responses(
        (status = 200, description = "The cluster's snapshots, newest first", body = ListSnapshotsResponse),
        (status = 406, description = "Not Acceptable", body = model::CssErrorResponse),
    )
)]
async fn css_list_snapshots(
    State(emulator): State<Emulator>,
    Path((project_id, cluster_id)): Path<(String, String)>,
) -> Response {
    let duration = emulator.0.config.snapshot_duration;
    let now = Instant::now();
    let mut store = emulator.store();
    let cluster = store
        .css
        .clusters
        .entry((project_id, cluster_id.clone()))
        .or_default();
    let body = Listing::answer(&mut cluster.listing, now, || {
        let backups = cluster
            .snapshots
            .iter()
            .rev()
            .map(|s| s.listed(&cluster_id, duration))
            .collect();
        let body = serde_json::to_vec(&ListSnapshotsResponse {
            backups: Some(backups),
        })
        .unwrap_or_default();
        let created = cluster.snapshots.iter().map(|s| s.created_at);
        (body, next_status_change(created, duration, now))
    });
    drop(store);
    json_response(StatusCode::OK, body)
}

#[utoipa::path(
    delete,
    path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/{snapshot_id}",
    operation_id = "DeleteSnapshot",
    tag = "css",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("cluster_id" = String, Path, description = "Id of the cluster the snapshot belongs to."),
        ("snapshot_id" = String, Path, description = "Id of the snapshot to delete."),
    ),
    responses(
        (status = 200, description = "Deleted"),
        (status = 400, description = "Bad request", body = model::CssErrorResponse),
        (status = 403, description = "Forbidden, or no such snapshot (CSS.0015)", body = model::CssErrorResponse),
    )
)]
async fn css_delete_snapshot(
    State(emulator): State<Emulator>,
    Path((project_id, cluster_id, snapshot_id)): Path<(String, String, String)>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
) -> Result<Response, Response> {
    let found = {
        let mut store = emulator.store();
        let store = &mut *store;
        let cluster = store.css.cluster_to_change(project_id, cluster_id);
        let position = cluster.snapshots.iter().position(|s| s.id == snapshot_id);
        position
            .map(|i| {
                let deleted = cluster.snapshots.remove(i);
                cluster.names.remove(&deleted.name);
                store.snapshots -= 1;
            })
            .is_some()
    };
    if !found {
        return Err(not_found(&format!("Snapshot {snapshot_id}"), &request_id));
    }
    Ok(empty(StatusCode::OK))
}

/// CSS: what to restore and where.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct RestoreSnapshotReq {
    pub target_cluster: String,
    pub indices: Option<String>,
    pub rename_pattern: Option<String>,
    pub rename_replacement: Option<String>,
    pub replace_exist_indices: Option<bool>,
}

#[utoipa::path(
    post,
    path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/{snapshot_id}/restore",
    operation_id = "RestoreSnapshot",
    tag = "css",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("cluster_id" = String, Path, description = "Id of the cluster the snapshot belongs to."),
        ("snapshot_id" = String, Path, description = "Id of the snapshot to restore."),
    ),
    request_body(content = RestoreSnapshotReq, content_type = "application/json"),
    responses(
        (status = 201, description = "The restore has started"),
        (status = 400, description = "Bad request, or the snapshot has not completed (CSS.0001)", body = model::CssErrorResponse),
        (status = 403, description = "Forbidden, or no such snapshot (CSS.0015)", body = model::CssErrorResponse),
    )
)]
async fn css_restore_snapshot(
    State(emulator): State<Emulator>,
    Path((project_id, cluster_id, snapshot_id)): Path<(String, String, String)>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    let _request: snapspec_css::types::RestoreSnapshotReq = decode(Api::Css, &body, &request_id)?;
    let duration = emulator.0.config.snapshot_duration;
    // `Err(None)`: no such snapshot; `Err(Some(status))`: not restorable in that status.
    let restored = with_cluster(&emulator, project_id, cluster_id, |cluster| {
        let snapshot = cluster
            .snapshots
            .iter_mut()
            .find(|s| s.id == snapshot_id)
            .ok_or(None)?;
        match snapshot.status(duration) {
            Status::Completed => {
                snapshot.restore_status = "success";
                Ok(())
            }
            other => Err(Some(other)),
        }
    });
    match restored {
        Ok(()) => Ok(empty(StatusCode::CREATED)),
        Err(None) => Err(not_found(&format!("Snapshot {snapshot_id}"), &request_id)),
        Err(Some(status)) => Err(invalid(
            "snapshot_id",
            &format!(
                "snapshot {snapshot_id} is {}; only a COMPLETED snapshot can be restored",
                status.as_str()
            ),
            &request_id,
        )),
    }
}

/// CSS: the basic snapshot configuration.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct UpdateSnapshotSettingReq {
    pub bucket: String,
    pub agency: String,
    pub base_path: String,
    pub max_snapshot_bytes_per_seconds: Option<String>,
    pub max_restore_bytes_per_seconds: Option<String>,
    pub enable: Option<String>,
    pub indices: Option<String>,
    pub prefix: Option<String>,
    pub period: Option<String>,
    pub keepday: Option<i32>,
    pub frequency: Option<String>,
    pub delete_auto: Option<String>,
}

#[utoipa::path(
    post,
    path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/setting",
    operation_id = "UpdateSnapshotSetting",
    tag = "css",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("cluster_id" = String, Path, description = "Id of the cluster to configure."),
    ),
    request_body(content = UpdateSnapshotSettingReq, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored"),
        (status = 400, description = "Bad request", body = model::CssErrorResponse),
        (status = 406, description = "Not Acceptable", body = model::CssErrorResponse),
        (status = 412, description = "Precondition Failed", body = model::CssErrorResponse),
        (status = 504, description = "Gateway Timeout", body = model::CssErrorResponse),
    )
)]
async fn css_update_snapshot_setting(
    State(emulator): State<Emulator>,
    Path((project_id, cluster_id)): Path<(String, String)>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    let request: snapspec_css::types::UpdateSnapshotSettingReq =
        decode(Api::Css, &body, &request_id)?;
    with_cluster(&emulator, project_id, cluster_id, |cluster| {
        let policy = &mut cluster.policy;
        policy.bucket = Some(request.bucket);
        policy.agency = Some(request.agency);
        policy.base_path = Some(request.base_path);
        let keep = |old: &mut Option<String>, new: Option<String>| {
            if new.is_some() {
                *old = new;
            }
        };
        keep(
            &mut policy.max_snapshot_bytes_per_seconds,
            request.max_snapshot_bytes_per_seconds,
        );
        keep(
            &mut policy.max_restore_bytes_per_seconds,
            request.max_restore_bytes_per_seconds,
        );
        keep(&mut policy.enable, request.enable);
        keep(&mut policy.indices, request.indices);
        keep(&mut policy.prefix, request.prefix);
        keep(&mut policy.period, request.period);
        keep(&mut policy.frequency, request.frequency);
        if request.keepday.is_some() {
            policy.keepday = request.keepday;
        }
    });
    Ok(empty(StatusCode::OK))
}

/// CSS: the automatic snapshot policy and the basic configuration.
#[derive(Debug, Default, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ShowAutoCreatePolicyResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepday: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bucket: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indices: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snapshot_cmk_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_snapshot_bytes_per_seconds: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_restore_bytes_per_seconds: Option<String>,
}

#[utoipa::path(
    get,
    path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/policy",
    operation_id = "ShowAutoCreatePolicy",
    tag = "css",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("cluster_id" = String, Path, description = "Id of the cluster whose policy is shown."),
    ),
    responses(
        (status = 200, description = "The policy; `enable` is `false` until one is set", body = ShowAutoCreatePolicyResponse),
        (status = 406, description = "Not Acceptable", body = model::CssErrorResponse),
    )
)]
async fn css_show_auto_create_policy(
    State(emulator): State<Emulator>,
    Path((project_id, cluster_id)): Path<(String, String)>,
) -> Response {
    let mut policy = with_cluster(&emulator, project_id, cluster_id, |cluster| {
        cluster.policy.clone()
    });
    policy.enable.get_or_insert_with(|| "false".into());
    json_answer(StatusCode::OK, &policy)
}

/// CSS: the automatic snapshot policy to set.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub struct SetRdsBackupCnfReq {
    pub enable: String,
    pub indices: Option<String>,
    pub prefix: Option<String>,
    pub period: Option<String>,
    pub keepday: Option<i32>,
    pub frequency: Option<String>,
    pub delete_auto: Option<String>,
}

#[utoipa::path(
    post,
    path = "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/policy",
    operation_id = "CreateAutoCreatePolicy",
    tag = "css",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("cluster_id" = String, Path, description = "Id of the cluster whose policy is set."),
    ),
    request_body(content = SetRdsBackupCnfReq, content_type = "application/json"),
    responses(
        (status = 200, description = "Stored"),
        (status = 400, description = "Bad request", body = model::CssErrorResponse),
        (status = 406, description = "Not Acceptable", body = model::CssErrorResponse),
    )
)]
async fn css_create_auto_create_policy(
    State(emulator): State<Emulator>,
    Path((project_id, cluster_id)): Path<(String, String)>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    let request: snapspec_css::types::SetRdsBackupCnfReq = decode(Api::Css, &body, &request_id)?;
    let enable = request.enable.to_string();
    // The generated type refuses 0 (a `NonZeroU32`) but does not carry the documented maximum.
    if request.keepday.is_some_and(|days| days.get() > 90) {
        return Err(invalid("keepday", "at most 90 days", &request_id));
    }
    if enable == "true" {
        // Turning the policy on needs when, how long and under which name.
        for (field, given) in [
            ("keepday", request.keepday.is_some()),
            ("period", request.period.is_some()),
            ("prefix", request.prefix.is_some()),
        ] {
            if !given {
                return Err(invalid(
                    field,
                    "required when `enable` is `true`",
                    &request_id,
                ));
            }
        }
    }
    with_cluster(&emulator, project_id, cluster_id, |cluster| {
        let policy = &mut cluster.policy;
        policy.enable = Some(enable);
        if let Some(keepday) = request.keepday {
            policy.keepday = Some(keepday.get() as i32);
        }
        if let Some(period) = request.period {
            policy.period = Some(period.to_string());
        }
        if let Some(prefix) = request.prefix {
            policy.prefix = Some(prefix.to_string());
        }
        if let Some(indices) = request.indices {
            policy.indices = Some(indices);
        }
        if let Some(frequency) = request.frequency {
            policy.frequency = Some(frequency);
        }
    });
    Ok(empty(StatusCode::OK))
}
