//! Huawei Cloud CSS: snapshots of a cluster's indices.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use utoipa::OpenApi;

use crate::{Api, Emulator, RequestId, decode, json_answer, model, vendor_error};
use crate::{now_created, now_millis};

/// CSS state: (project, cluster) -> snapshot names, as given.
#[derive(Default)]
pub(crate) struct Store {
    names: HashMap<(String, String), HashSet<String>>,
}

#[derive(OpenApi)]
#[openapi(
    paths(css_create_snapshot),
    components(schemas(
        model::CssCreateSnapshotReq,
        model::CssCreateSnapshotResponse,
        model::CssBackupRsp,
        model::CssBackupDatastore,
        model::CssErrorResponse,
    ))
)]
pub(crate) struct Doc;

pub(crate) fn routes() -> Router<Emulator> {
    Router::new().route(
        "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot",
        post(css_create_snapshot),
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
    {
        let mut store = emulator
            .0
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let names = store
            .css
            .names
            .entry((project_id, cluster_id.clone()))
            .or_default();
        if !names.insert(name.clone()) {
            return Err(vendor_error(
                Api::Css,
                400,
                "CSS.0002",
                &format!("A snapshot named {name} already exists in cluster {cluster_id}."),
                &request_id,
                false,
            ));
        }
    }
    let backup = model::CssBackupRsp {
        id: emulator.0.ids.next(),
        name,
        created: Some(now_created()),
        datastore: Some(model::CssBackupDatastore {
            type_: Some("elasticsearch".into()),
            version: None,
        }),
        description: Some(
            request
                .description
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        cluster_id: Some(cluster_id),
        cluster_name: None,
        status: Some("BUILDING".into()),
        updated: None,
        backup_type: Some("1".into()),
        backup_method: Some("manual".into()),
        backup_expected_start_time: None,
        backup_keep_day: None,
        backup_period: None,
        indices: request.indices.map(|i| i.to_string()),
        total_shards: None,
        failed_shards: None,
        version: None,
        restore_status: Some("none".into()),
        start_time: Some(now_millis()),
        end_time: Some(0),
        bucket_name: None,
    };
    Ok(json_answer(
        StatusCode::CREATED,
        &model::CssCreateSnapshotResponse {
            backup: Some(backup),
        },
    ))
}
