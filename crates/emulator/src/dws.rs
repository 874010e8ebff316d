//! Huawei Cloud GaussDB(DWS): the cluster snapshot lifecycle.
//!
//! A snapshot is `CREATING` for `config.snapshot_duration` after it was created, then
//! `AVAILABLE`, or `UNAVAILABLE` when its name is in `config.failing_snapshots`. The status is
//! computed when it is asked for, from the creation instant; nothing runs in the background.

use std::collections::{HashMap, HashSet};
use std::time::{Instant, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::{
    Api, Emulator, EmulatorConfig, Listing, RequestId, decode, json_answer, json_response, model,
    next_status_change, vendor_error,
};

/// DWS state: project -> its snapshots, oldest first.
#[derive(Default)]
pub(crate) struct Store {
    snapshots: HashMap<String, Vec<Record>>,
    /// (project, cluster, lowercase name) of every stored snapshot: a create checks for a
    /// duplicate without scanning the project's snapshots.
    names: HashSet<(String, String, String)>,
    /// The last ListSnapshots answer of each project that has snapshots, while nothing has
    /// changed it.
    listings: HashMap<String, Option<Listing>>,
}

impl Store {
    /// The project's snapshots, for a request that may change them: the project's remembered
    /// listing is dropped.
    fn snapshots_to_change(&mut self, project_id: String) -> &mut Vec<Record> {
        self.listings.remove(&project_id);
        self.snapshots.entry(project_id).or_default()
    }
}

/// One snapshot as the emulator remembers it.
struct Record {
    id: String,
    name: String,
    cluster_id: String,
    description: String,
    created: Instant,
    started: SystemTime,
}

/// Where a snapshot is in its lifecycle, at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Creating,
    Available,
    Unavailable,
}

impl Phase {
    fn status(self) -> &'static str {
        match self {
            Phase::Creating => "CREATING",
            Phase::Available => "AVAILABLE",
            Phase::Unavailable => "UNAVAILABLE",
        }
    }
}

impl Record {
    fn phase(&self, config: &EmulatorConfig) -> Phase {
        if self.created.elapsed() < config.snapshot_duration {
            Phase::Creating
        } else if config
            .failing_snapshots
            .iter()
            .any(|failing| failing.eq_ignore_ascii_case(&self.name))
        {
            // DWS names are case-insensitive, so the failure list is matched the same way.
            Phase::Unavailable
        } else {
            Phase::Available
        }
    }

    fn view(&self, config: &EmulatorConfig) -> DwsSnapshotView {
        let phase = self.phase(config);
        let finished =
            (phase != Phase::Creating).then(|| iso8601(self.started + config.snapshot_duration));
        DwsSnapshotView {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            started: iso8601(self.started),
            finished,
            // The emulator keeps no data, so a snapshot holds none.
            size: 0.0,
            status: phase.status().to_string(),
            type_: "MANUAL".to_string(),
            cluster_id: self.cluster_id.clone(),
            progress: Some(if phase == Phase::Creating { "0" } else { "100" }.to_string()),
            ..DwsSnapshotView::default()
        }
    }
}

/// `2016-08-23T04:01:40Z`, the documented form of `started` and `finished`.
fn iso8601(at: SystemTime) -> String {
    humantime::format_rfc3339_seconds(at).to_string()
}

#[derive(OpenApi)]
#[openapi(
    paths(
        dws_create_snapshot,
        dws_list_snapshots,
        dws_list_snapshot_details,
        dws_delete_snapshot,
        dws_restore_cluster
    ),
    components(schemas(
        model::DwsCreateSnapshotRequestBody,
        model::DwsSnapshot,
        model::DwsCreateSnapshotResponse,
        model::DwsSnapshotResp,
        model::HuaweiErrorResponse,
        DwsListSnapshotsResponse,
        DwsSnapshotView,
        DwsDatastore,
        DwsFineGrainedSnapshotDetail,
        DwsListSnapshotDetailsResponse,
        DwsDeleteSnapshotResponse,
        DwsRestoreClusterRequestBody,
        DwsRestore,
        DwsPublicIp,
        DwsRestoreClusterResponse,
        DwsCluster,
    ))
)]
pub(crate) struct Doc;

pub(crate) fn routes() -> Router<Emulator> {
    Router::new()
        .route(
            "/v1.0/{project_id}/snapshots",
            post(dws_create_snapshot).get(dws_list_snapshots),
        )
        .route(
            "/v1.0/{project_id}/snapshots/{snapshot_id}",
            get(dws_list_snapshot_details).delete(dws_delete_snapshot),
        )
        .route(
            "/v1.0/{project_id}/snapshots/{snapshot_id}/actions",
            post(dws_restore_cluster),
        )
}

/// ListSnapshots: the project's snapshots.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DwsListSnapshotsResponse {
    snapshots: Vec<DwsSnapshotView>,
    count: i32,
}

/// ListSnapshotDetails: one snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DwsListSnapshotDetailsResponse {
    snapshot: DwsSnapshotView,
}

/// A snapshot as ListSnapshots and ListSnapshotDetails show it (the spec's `Snapshots` and
/// `SnapshotDetail` have the same fields). The emulator fills the required ones and `progress`.
#[derive(Debug, Default, Serialize, ToSchema)]
pub(crate) struct DwsSnapshotView {
    id: String,
    name: String,
    description: String,
    started: String,
    /// Null while the snapshot is being created.
    #[schema(required = true)]
    finished: Option<String>,
    size: f64,
    status: String,
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    type_: String,
    cluster_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    datastore: Option<DwsDatastore>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bak_expected_start_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bak_keep_day: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bak_period: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    db_user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    progress: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prior_backup_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_backup_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_device: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_backup_size: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_backup_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    support_inplace_restore: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fine_grained_backup: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    backup_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fine_grained_backup_detail: Option<DwsFineGrainedSnapshotDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    guest_agent_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cluster_task_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    support_fine_grained_cross_version_restore: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    support_fine_grained_asymmetric_restore: Option<bool>,
}

/// The engine of the snapshot's cluster.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DwsDatastore {
    #[serde(rename = "type")]
    #[schema(rename = "type")]
    type_: Option<String>,
    version: Option<String>,
}

/// What a fine-grained backup holds.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DwsFineGrainedSnapshotDetail {
    database: Option<String>,
    schema_list: Option<Vec<String>>,
    table_list: Option<Vec<String>>,
}

/// DeleteSnapshot's answer: a result code and message, and no asynchronous job.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DwsDeleteSnapshotResponse {
    error_code: Option<String>,
    error_msg: Option<String>,
    /// Always present, null when no asynchronous job was started (as documented).
    job_id: Option<String>,
}

/// RestoreCluster's request body (described here; decoded with the generated client's type).
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub(crate) struct DwsRestoreClusterRequestBody {
    restore: DwsRestore,
}

/// The cluster to create from the snapshot.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub(crate) struct DwsRestore {
    name: String,
    subnet_id: Option<String>,
    security_group_id: Option<String>,
    vpc_id: Option<String>,
    availability_zone: Option<String>,
    port: Option<i32>,
    public_ip: Option<DwsPublicIp>,
    enterprise_project_id: Option<String>,
    ipv6_enable: Option<bool>,
    number_of_cn: Option<i32>,
}

/// The new cluster's public IP.
#[derive(Debug, Deserialize, ToSchema)]
#[allow(dead_code)]
pub(crate) struct DwsPublicIp {
    public_bind_type: Option<String>,
    eip_id: Option<String>,
    ip_type: Option<String>,
    eip_address: Option<String>,
    band_width: Option<i32>,
    status: Option<String>,
    error_message: Option<String>,
}

/// RestoreCluster's answer: the new cluster's id.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DwsRestoreClusterResponse {
    cluster: DwsCluster,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_id: Option<String>,
}

/// The new cluster.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DwsCluster {
    id: String,
}

/// The answer for a snapshot id the project does not have (DWS.5149, 400 in the vendor's
/// error-code table).
fn unknown_snapshot(snapshot_id: &str, request_id: &str) -> Response {
    vendor_error(
        Api::Dws,
        400,
        "DWS.5149",
        &format!("The snapshot ID is invalid: no snapshot {snapshot_id} in this project."),
        request_id,
        false,
    )
}

#[utoipa::path(
    post,
    path = "/v1.0/{project_id}/snapshots",
    operation_id = "CreateSnapshot",
    tag = "dws",
    params(("project_id" = String, Path, description = "Project id.")),
    request_body(content = model::DwsCreateSnapshotRequestBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The snapshot is being created", body = model::DwsCreateSnapshotResponse),
        (status = 400, description = "Bad request", body = model::HuaweiErrorResponse),
        (status = 401, description = "Authentication failed", body = model::HuaweiErrorResponse),
        (status = 403, description = "No permission", body = model::HuaweiErrorResponse),
        (status = 404, description = "Not found", body = model::HuaweiErrorResponse),
        (status = 500, description = "Internal service error", body = model::HuaweiErrorResponse),
        (status = 503, description = "Service unavailable", body = model::HuaweiErrorResponse),
    )
)]
async fn dws_create_snapshot(
    State(emulator): State<Emulator>,
    Path(project_id): Path<String>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    let request: snapspec_dws::types::CreateSnapshotRequestBody =
        decode(Api::Dws, &body, &request_id)?;
    let snapshot = request.snapshot;
    let name = snapshot.name.to_string();
    let id = emulator.0.ids.next();
    {
        let mut store = emulator.store();
        // DWS names are case-insensitive: `Snap-1` and `snap-1` are the same snapshot.
        let key = (
            project_id.clone(),
            snapshot.cluster_id.clone(),
            name.to_lowercase(),
        );
        // A taken name: DWS's error-code table (dws_02_0030) has no code for it (its name
        // clash code, DWS.5050, is for clusters); the emulator's DWS.0002 with the documented 400.
        if store.dws.names.contains(&key) {
            return Err(vendor_error(
                Api::Dws,
                400,
                "DWS.0002",
                &format!(
                    "A snapshot named {name} already exists in cluster {}.",
                    snapshot.cluster_id
                ),
                &request_id,
                false,
            ));
        }
        let max = emulator.0.config.max_snapshots;
        if store.snapshots >= max {
            return Err(crate::snapshot_quota(Api::Dws, max, &request_id));
        }
        store.dws.names.insert(key);
        store.snapshots += 1;
        let snapshots = store.dws.snapshots_to_change(project_id);
        snapshots.push(Record {
            id: id.clone(),
            name,
            cluster_id: snapshot.cluster_id,
            description: snapshot
                .description
                .map(|d| d.to_string())
                .unwrap_or_default(),
            created: Instant::now(),
            started: SystemTime::now(),
        });
    }
    Ok(json_answer(
        StatusCode::OK,
        &model::DwsCreateSnapshotResponse {
            snapshot: model::DwsSnapshotResp { id },
        },
    ))
}

#[utoipa::path(
    get,
    path = "/v1.0/{project_id}/snapshots",
    operation_id = "ListSnapshots",
    tag = "dws",
    params(("project_id" = String, Path, description = "Project id.")),
    responses(
        (status = 200, description = "The project's snapshots", body = DwsListSnapshotsResponse),
        (status = 400, description = "Bad request", body = model::HuaweiErrorResponse),
        (status = 401, description = "Authentication failed", body = model::HuaweiErrorResponse),
        (status = 403, description = "No permission", body = model::HuaweiErrorResponse),
        (status = 404, description = "Not found", body = model::HuaweiErrorResponse),
        (status = 500, description = "Internal service error", body = model::HuaweiErrorResponse),
        (status = 503, description = "Service unavailable", body = model::HuaweiErrorResponse),
    )
)]
async fn dws_list_snapshots(
    State(emulator): State<Emulator>,
    Path(project_id): Path<String>,
) -> Response {
    let config = &emulator.0.config;
    let serialize = |records: &[Record]| {
        let snapshots: Vec<DwsSnapshotView> =
            records.iter().map(|record| record.view(config)).collect();
        serde_json::to_vec(&DwsListSnapshotsResponse {
            count: i32::try_from(snapshots.len()).unwrap_or(i32::MAX),
            snapshots,
        })
        .unwrap_or_default()
    };
    let now = Instant::now();
    let mut guard = emulator.store();
    let store = &mut guard.dws;
    // Only a project with snapshots keeps its answer: any project id can be asked for.
    let body = match store.snapshots.get(&project_id) {
        None => Bytes::from(serialize(&[])),
        Some(records) => {
            let slot = store.listings.entry(project_id).or_default();
            Listing::answer(slot, now, || {
                let created = records.iter().map(|record| record.created);
                (
                    serialize(records),
                    next_status_change(created, config.snapshot_duration, now),
                )
            })
        }
    };
    drop(guard);
    json_response(StatusCode::OK, body)
}

#[utoipa::path(
    get,
    path = "/v1.0/{project_id}/snapshots/{snapshot_id}",
    operation_id = "ListSnapshotDetails",
    tag = "dws",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("snapshot_id" = String, Path, description = "Snapshot id."),
    ),
    responses(
        (status = 200, description = "The snapshot", body = DwsListSnapshotDetailsResponse),
        (status = 400, description = "Bad request, or no such snapshot (DWS.5149)", body = model::HuaweiErrorResponse),
        (status = 401, description = "Authentication failed", body = model::HuaweiErrorResponse),
        (status = 403, description = "No permission", body = model::HuaweiErrorResponse),
        (status = 404, description = "Not found", body = model::HuaweiErrorResponse),
        (status = 500, description = "Internal service error", body = model::HuaweiErrorResponse),
        (status = 503, description = "Service unavailable", body = model::HuaweiErrorResponse),
    )
)]
async fn dws_list_snapshot_details(
    State(emulator): State<Emulator>,
    Path((project_id, snapshot_id)): Path<(String, String)>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
) -> Response {
    let config = &emulator.0.config;
    let view = emulator
        .store()
        .dws
        .snapshots
        .get(&project_id)
        .and_then(|snapshots| snapshots.iter().find(|s| s.id == snapshot_id))
        .map(|record| record.view(config));
    match view {
        Some(snapshot) => json_answer(StatusCode::OK, &DwsListSnapshotDetailsResponse { snapshot }),
        None => unknown_snapshot(&snapshot_id, &request_id),
    }
}

#[utoipa::path(
    delete,
    path = "/v1.0/{project_id}/snapshots/{snapshot_id}",
    operation_id = "DeleteSnapshot",
    tag = "dws",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("snapshot_id" = String, Path, description = "Snapshot id."),
    ),
    responses(
        (status = 202, description = "The deletion is accepted", body = DwsDeleteSnapshotResponse),
        (status = 400, description = "Bad request, or no such snapshot (DWS.5149)", body = model::HuaweiErrorResponse),
        (status = 401, description = "Authentication failed", body = model::HuaweiErrorResponse),
        (status = 403, description = "No permission", body = model::HuaweiErrorResponse),
        (status = 404, description = "Not found", body = model::HuaweiErrorResponse),
        (status = 500, description = "Internal service error", body = model::HuaweiErrorResponse),
        (status = 503, description = "Service unavailable", body = model::HuaweiErrorResponse),
    )
)]
async fn dws_delete_snapshot(
    State(emulator): State<Emulator>,
    Path((project_id, snapshot_id)): Path<(String, String)>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
) -> Response {
    let removed = {
        let mut guard = emulator.store();
        let whole = &mut *guard;
        let store = &mut whole.dws;
        let snapshots = store.snapshots_to_change(project_id.clone());
        match snapshots.iter().position(|s| s.id == snapshot_id) {
            Some(i) => {
                let deleted = snapshots.remove(i);
                store
                    .names
                    .remove(&(project_id, deleted.cluster_id, deleted.name.to_lowercase()));
                whole.snapshots -= 1;
                true
            }
            None => false,
        }
    };
    if !removed {
        return unknown_snapshot(&snapshot_id, &request_id);
    }
    json_answer(
        StatusCode::ACCEPTED,
        &DwsDeleteSnapshotResponse {
            error_code: Some("dws.0000".into()),
            error_msg: Some("success".into()),
            job_id: None,
        },
    )
}

#[utoipa::path(
    post,
    path = "/v1.0/{project_id}/snapshots/{snapshot_id}/actions",
    operation_id = "RestoreCluster",
    tag = "dws",
    params(
        ("project_id" = String, Path, description = "Project id."),
        ("snapshot_id" = String, Path, description = "Id of the snapshot to restore."),
    ),
    request_body(content = DwsRestoreClusterRequestBody, content_type = "application/json"),
    responses(
        (status = 200, description = "The restore is submitted; the new cluster's id", body = DwsRestoreClusterResponse),
        (status = 400, description = "Bad request, no such snapshot, or a snapshot not yet AVAILABLE (DWS.5149)", body = model::HuaweiErrorResponse),
        (status = 401, description = "Authentication failed", body = model::HuaweiErrorResponse),
        (status = 403, description = "No permission", body = model::HuaweiErrorResponse),
        (status = 404, description = "Not found", body = model::HuaweiErrorResponse),
        (status = 500, description = "Internal service error", body = model::HuaweiErrorResponse),
        (status = 503, description = "Service unavailable", body = model::HuaweiErrorResponse),
    )
)]
async fn dws_restore_cluster(
    State(emulator): State<Emulator>,
    Path((project_id, snapshot_id)): Path<(String, String)>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    let request: snapspec_dws::types::RestoreClusterRequestBody =
        decode(Api::Dws, &body, &request_id)?;
    snapspec_dws::check_restore(&request)
        .map_err(|error| crate::invalid_body(Api::Dws, &error, &request_id))?;
    let config = &emulator.0.config;
    let phase = emulator
        .store()
        .dws
        .snapshots
        .get(&project_id)
        .and_then(|snapshots| snapshots.iter().find(|s| s.id == snapshot_id))
        .map(|record| record.phase(config));
    match phase {
        None => Err(unknown_snapshot(&snapshot_id, &request_id)),
        Some(Phase::Available) => Ok(json_answer(
            StatusCode::OK,
            &DwsRestoreClusterResponse {
                cluster: DwsCluster {
                    id: emulator.0.ids.next(),
                },
                job_id: None,
            },
        )),
        Some(phase) => Err(vendor_error(
            Api::Dws,
            400,
            "DWS.5149",
            &format!(
                "The snapshot {snapshot_id} is {}; only an AVAILABLE snapshot can be restored.",
                phase.status()
            ),
            &request_id,
            false,
        )),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn record(name: &str, age: Duration) -> Record {
        Record {
            id: "s1".into(),
            name: name.into(),
            cluster_id: "c1".into(),
            description: String::new(),
            created: Instant::now() - age,
            started: SystemTime::now() - age,
        }
    }

    fn config(failing: &[&str]) -> EmulatorConfig {
        EmulatorConfig {
            snapshot_duration: Duration::from_secs(60),
            failing_snapshots: failing.iter().map(|s| s.to_string()).collect(),
            ..EmulatorConfig::default()
        }
    }

    #[test]
    fn a_snapshot_is_creating_for_the_configured_duration_then_available() {
        let config = config(&[]);
        let young = record("nightly-1", Duration::from_secs(10));
        let view = young.view(&config);
        assert_eq!((view.status.as_str(), view.finished), ("CREATING", None));
        let old = record("nightly-1", Duration::from_secs(61));
        let view = old.view(&config);
        assert_eq!(view.status, "AVAILABLE");
        let finished = view
            .finished
            .expect("a completed snapshot has a finish time");
        assert!(
            finished.ends_with('Z') && finished > view.started,
            "{finished}"
        );
    }

    #[test]
    fn a_failing_name_ends_unavailable_whatever_its_case() {
        let config = config(&["Doomed-1"]);
        assert_eq!(
            record("doomed-1", Duration::from_secs(10)).phase(&config),
            Phase::Creating
        );
        assert_eq!(
            record("doomed-1", Duration::from_secs(61)).phase(&config),
            Phase::Unavailable
        );
        assert_eq!(
            record("other-1", Duration::from_secs(61)).phase(&config),
            Phase::Available
        );
    }
}
