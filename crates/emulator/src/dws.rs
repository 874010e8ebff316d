//! Huawei Cloud GaussDB(DWS): cluster snapshots.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use utoipa::OpenApi;

use crate::{Api, Emulator, RequestId, decode, json_answer, model, vendor_error};

/// DWS state: (project, cluster) -> snapshot names, lowercase (names are case-insensitive).
#[derive(Default)]
pub(crate) struct Store {
    names: HashMap<(String, String), HashSet<String>>,
}

#[derive(OpenApi)]
#[openapi(
    paths(dws_create_snapshot),
    components(schemas(
        model::DwsCreateSnapshotRequestBody,
        model::DwsSnapshot,
        model::DwsCreateSnapshotResponse,
        model::DwsSnapshotResp,
        model::HuaweiErrorResponse,
    ))
)]
pub(crate) struct Doc;

pub(crate) fn routes() -> Router<Emulator> {
    Router::new().route("/v1.0/{project_id}/snapshots", post(dws_create_snapshot))
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
    {
        let mut store = emulator
            .0
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let names = store
            .dws
            .names
            .entry((project_id, snapshot.cluster_id.clone()))
            .or_default();
        // DWS names are case-insensitive: `Snap-1` and `snap-1` are the same snapshot.
        if !names.insert(name.to_lowercase()) {
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
    }
    let id = emulator.0.ids.next();
    Ok(json_answer(
        StatusCode::OK,
        &model::DwsCreateSnapshotResponse {
            snapshot: model::DwsSnapshotResp { id },
        },
    ))
}
