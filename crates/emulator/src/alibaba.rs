//! Alibaba Cloud Elasticsearch 2017-06-13: snapshot repositories and settings.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use utoipa::OpenApi;

use crate::{Api, Emulator, RequestId, decode, json_answer, model, vendor_error};

/// Alibaba state: instance -> source instances its repositories refer to.
#[derive(Default)]
pub(crate) struct Store {
    repositories: HashMap<String, HashSet<String>>,
}

#[derive(OpenApi)]
#[openapi(
    paths(add_snapshot_repo),
    components(schemas(
        model::AlibabaAddSnapshotRepoRequest,
        model::AlibabaAddSnapshotRepoResponseBody,
        model::AlibabaErrorResponse,
    ))
)]
pub(crate) struct Doc;

pub(crate) fn routes() -> Router<Emulator> {
    Router::new().route(
        "/openapi/instances/{instance_id}/snapshot-repos",
        post(add_snapshot_repo),
    )
}

#[utoipa::path(
    post,
    path = "/openapi/instances/{InstanceId}/snapshot-repos",
    operation_id = "AddSnapshotRepo",
    tag = "alibaba-es",
    params(("InstanceId" = String, Path, description = "The destination instance.")),
    request_body(content = model::AlibabaAddSnapshotRepoRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The repository was created", body = model::AlibabaAddSnapshotRepoResponseBody),
        (status = 400, description = "InstanceActivating or InstanceNotFound", body = model::AlibabaErrorResponse),
    )
)]
async fn add_snapshot_repo(
    State(emulator): State<Emulator>,
    Path(instance_id): Path<String>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    let config = &emulator.0.config;
    if config.unknown_instances.contains(&instance_id) {
        return Err(vendor_error(
            Api::AlibabaEs,
            400,
            "InstanceNotFound",
            "The instanceId provided does not exist.",
            &request_id,
            false,
        ));
    }
    if config.activating_instances.contains(&instance_id) {
        return Err(vendor_error(
            Api::AlibabaEs,
            400,
            "InstanceActivating",
            "Instance is activating.",
            &request_id,
            false,
        ));
    }
    let request: snapspec_alibaba_es::types::AddSnapshotRepoRequest =
        decode(Api::AlibabaEs, &body, &request_id)?;
    {
        let mut store = emulator
            .0
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        store
            .alibaba
            .repositories
            .entry(instance_id)
            .or_default()
            .insert(request.repo_path);
    }
    Ok(json_answer(
        StatusCode::OK,
        &model::AlibabaAddSnapshotRepoResponseBody {
            result: true,
            request_id,
        },
    ))
}
