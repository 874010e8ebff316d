//! Alibaba Cloud Elasticsearch 2017-06-13: snapshot repositories, manual snapshots and the
//! automatic snapshot setting, one consistent state per instance.
//!
//! Besides the vendor's operations, the module serves one route of its own, outside the vendor's
//! paths (so unsigned, and absent from the emulator's OpenAPI document): `GET
//! /emulator/alibaba-es/instances/{InstanceId}/snapshots` lists the snapshots `CreateSnapshot`
//! took, since the vendor's API has no operation that shows them.

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

use crate::{Api, Emulator, RequestId, decode, json_answer, model, vendor_error};

/// Alibaba state: everything the emulator knows of each instance.
#[derive(Default)]
pub(crate) struct Store {
    instances: HashMap<String, Instance>,
}

/// One instance's state.
#[derive(Default)]
struct Instance {
    /// Source instances its cross-cluster repositories refer to, in the order they were added.
    repositories: Vec<String>,
    /// Manual snapshots, in the order they were taken.
    snapshots: Vec<Snapshot>,
    /// `clientToken`s of `DeleteSnapshotRepo` calls already carried out, with their `repoPath`.
    deletions: HashMap<String, String>,
    /// The automatic snapshot setting; `None` until `UpdateSnapshotSetting` first changes it.
    setting: Option<Setting>,
}

/// A snapshot taken by `CreateSnapshot`, as the inspection route shows it.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Snapshot {
    name: String,
    client_token: String,
    /// Milliseconds since the Unix epoch.
    created_at: i64,
}

#[derive(Clone)]
struct Setting {
    enable: bool,
    quartz_regex: Option<String>,
}

/// The answer of the operations whose result is a boolean (`CreateSnapshot`,
/// `DeleteSnapshotRepo`).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AlibabaBooleanResultBody {
    pub result: bool,
    pub request_id: String,
}

/// `ListSnapshotReposByInstanceId`'s answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AlibabaListSnapshotReposResponseBody {
    pub result: Vec<AlibabaSnapshotRepo>,
    pub request_id: String,
}

/// One cross-cluster repository (lower camel case on the wire).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlibabaSnapshotRepo {
    pub instance_id: String,
    pub repo_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snap_warehouse: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `DescribeSnapshotSetting`'s answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AlibabaDescribeSnapshotSettingResponseBody {
    pub result: AlibabaDescribedSetting,
    pub request_id: String,
}

/// The setting as `DescribeSnapshotSetting` spells it (upper camel case).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AlibabaDescribedSetting {
    pub enable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quartz_regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indices: Option<Vec<String>>,
}

/// `UpdateSnapshotSetting`'s request body (documentation only: bodies are decoded with the
/// generated client's type).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
pub struct AlibabaUpdateSnapshotSettingRequest {
    pub enable: bool,
    pub quartz_regex: Option<String>,
}

/// `UpdateSnapshotSetting`'s answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct AlibabaUpdateSnapshotSettingResponseBody {
    pub result: AlibabaUpdatedSetting,
    pub request_id: String,
}

/// The setting as `UpdateSnapshotSetting` spells it (lower camel case).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlibabaUpdatedSetting {
    pub enable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quartz_regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indices: Option<Vec<String>>,
}

#[derive(OpenApi)]
#[openapi(
    paths(
        add_snapshot_repo,
        list_snapshot_repos,
        delete_snapshot_repo,
        create_snapshot,
        describe_snapshot_setting,
        update_snapshot_setting,
        update_snapshot_setting_put,
    ),
    components(schemas(
        model::AlibabaAddSnapshotRepoRequest,
        model::AlibabaAddSnapshotRepoResponseBody,
        model::AlibabaErrorResponse,
        AlibabaBooleanResultBody,
        AlibabaListSnapshotReposResponseBody,
        AlibabaSnapshotRepo,
        AlibabaDescribeSnapshotSettingResponseBody,
        AlibabaDescribedSetting,
        AlibabaUpdateSnapshotSettingRequest,
        AlibabaUpdateSnapshotSettingResponseBody,
        AlibabaUpdatedSetting,
    ))
)]
pub(crate) struct Doc;

pub(crate) fn routes() -> Router<Emulator> {
    Router::new()
        .route(
            "/openapi/instances/{instance_id}/snapshot-repos",
            get(list_snapshot_repos)
                .post(add_snapshot_repo)
                .delete(delete_snapshot_repo),
        )
        .route(
            "/openapi/instances/{instance_id}/snapshots",
            axum::routing::post(create_snapshot),
        )
        .route(
            "/openapi/instances/{instance_id}/snapshot-setting",
            get(describe_snapshot_setting)
                .post(update_snapshot_setting)
                .put(update_snapshot_setting_put),
        )
        .route(
            "/emulator/alibaba-es/instances/{instance_id}/snapshots",
            get(inspect_snapshots),
        )
}

/// The most characters a client token may have (ASCII only), per the reference pages.
const CLIENT_TOKEN_MAX: usize = 64;

/// How an operation answers for an instance the configuration marks as missing or activating.
#[derive(Clone, Copy)]
struct InstanceErrors {
    /// The status of `InstanceNotFound` and its message: the pages differ per operation.
    not_found: (u16, &'static str),
    /// Whether the operation answers `InstanceActivating` for an instance still activating.
    activating: bool,
}

const NOT_FOUND_MESSAGE: &str = "The instanceId provided does not exist.";

/// Most operations: `400 InstanceNotFound`; writes also `400 InstanceActivating`.
const WRITES: InstanceErrors = InstanceErrors {
    not_found: (400, NOT_FOUND_MESSAGE),
    activating: true,
};
const READS: InstanceErrors = InstanceErrors {
    not_found: (400, NOT_FOUND_MESSAGE),
    activating: false,
};
/// DescribeSnapshotSetting's page documents `InstanceNotFound` with 404 and its own message.
const DESCRIBE: InstanceErrors = InstanceErrors {
    not_found: (
        404,
        "The specified cluster does not exist. Check the cluster status and try again.",
    ),
    activating: false,
};

/// The configured instance error for `instance_id`, if any.
fn instance_error(
    emulator: &Emulator,
    instance_id: &str,
    errors: InstanceErrors,
    request_id: &str,
) -> Option<Response> {
    let config = &emulator.0.config;
    if config.unknown_instances.contains(instance_id) {
        let (status, message) = errors.not_found;
        return Some(vendor_error(
            Api::AlibabaEs,
            status,
            "InstanceNotFound",
            message,
            request_id,
            false,
        ));
    }
    if errors.activating && config.activating_instances.contains(instance_id) {
        return Some(vendor_error(
            Api::AlibabaEs,
            400,
            "InstanceActivating",
            "Instance is activating.",
            request_id,
            false,
        ));
    }
    None
}

/// A refused parameter: `400 InvalidParameter` naming it.
fn invalid_parameter(field: &str, message: &str, request_id: &str) -> Response {
    crate::invalid_body(
        Api::AlibabaEs,
        &snapspec_runtime::FieldError {
            field: field.to_string(),
            message: message.to_string(),
        },
        request_id,
    )
}

/// The decoded value of query parameter `name` (the last one if repeated).
fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
        .last()
}

/// A client token checked against the pages' rule (at most 64 ASCII characters, not empty).
// The error is the answer itself, as axum handlers return it.
#[allow(clippy::result_large_err)]
fn client_token(value: String, field: &str, request_id: &str) -> Result<String, Response> {
    if value.is_empty() {
        Err(invalid_parameter(field, "it must not be empty", request_id))
    } else if !value.is_ascii() {
        Err(invalid_parameter(
            field,
            "only ASCII characters are allowed",
            request_id,
        ))
    } else if value.len() > CLIENT_TOKEN_MAX {
        Err(invalid_parameter(
            field,
            &format!(
                "it has {} characters, at most {CLIENT_TOKEN_MAX} are allowed",
                value.len()
            ),
            request_id,
        ))
    } else {
        Ok(value)
    }
}

fn with_store<T>(emulator: &Emulator, f: impl FnOnce(&mut Store) -> T) -> T {
    let mut store = emulator.store();
    f(&mut store.alibaba)
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
    if let Some(refused) = instance_error(&emulator, &instance_id, WRITES, &request_id) {
        return Err(refused);
    }
    let request: snapspec_alibaba_es::types::AddSnapshotRepoRequest =
        decode(Api::AlibabaEs, &body, &request_id)?;
    with_store(&emulator, |store| {
        let repositories = &mut store.instances.entry(instance_id).or_default().repositories;
        if !repositories.contains(&request.repo_path) {
            repositories.push(request.repo_path);
        }
    });
    Ok(json_answer(
        StatusCode::OK,
        &model::AlibabaAddSnapshotRepoResponseBody {
            result: true,
            request_id,
        },
    ))
}

#[utoipa::path(
    get,
    path = "/openapi/instances/{InstanceId}/snapshot-repos",
    operation_id = "ListSnapshotReposByInstanceId",
    tag = "alibaba-es",
    params(("InstanceId" = String, Path, description = "The instance whose repositories are listed.")),
    responses(
        (status = 200, description = "The instance's repositories", body = AlibabaListSnapshotReposResponseBody),
        (status = 400, description = "InstanceNotFound", body = model::AlibabaErrorResponse),
    )
)]
async fn list_snapshot_repos(
    State(emulator): State<Emulator>,
    Path(instance_id): Path<String>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
) -> Result<Response, Response> {
    if let Some(refused) = instance_error(&emulator, &instance_id, READS, &request_id) {
        return Err(refused);
    }
    let result = with_store(&emulator, |store| {
        store
            .instances
            .get(&instance_id)
            .map(|instance| instance.repositories.clone())
            .unwrap_or_default()
    })
    .into_iter()
    .map(|source| AlibabaSnapshotRepo {
        // Named as in the documented example: the repository inside Elasticsearch is
        // `aliyun_snapshot_from_<source instance>`.
        snap_warehouse: Some(format!("aliyun_snapshot_from_{source}")),
        status: Some("available".to_string()),
        instance_id: source.clone(),
        repo_path: source,
    })
    .collect();
    Ok(json_answer(
        StatusCode::OK,
        &AlibabaListSnapshotReposResponseBody { result, request_id },
    ))
}

#[utoipa::path(
    delete,
    path = "/openapi/instances/{InstanceId}/snapshot-repos",
    operation_id = "DeleteSnapshotRepo",
    tag = "alibaba-es",
    params(
        ("InstanceId" = String, Path, description = "The instance the repository is removed from."),
        ("repoPath" = String, Query, description = "The source instance the repository refers to."),
        ("clientToken" = Option<String>, Query, description = "Makes the call idempotent (at most 64 ASCII characters)."),
    ),
    responses(
        (status = 200, description = "The repository was removed", body = AlibabaBooleanResultBody),
        (status = 400, description = "InstanceNotFound, RepoNotFound (no such repository) or InvalidParameter", body = model::AlibabaErrorResponse),
    )
)]
async fn delete_snapshot_repo(
    State(emulator): State<Emulator>,
    Path(instance_id): Path<String>,
    RawQuery(query): RawQuery,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
) -> Result<Response, Response> {
    if let Some(refused) = instance_error(&emulator, &instance_id, WRITES, &request_id) {
        return Err(refused);
    }
    let repo_path = match query_value(query.as_deref(), "repoPath") {
        Some(value) if !value.is_empty() => value,
        _ => {
            return Err(invalid_parameter(
                "repoPath",
                "it is required (the source instance whose repository is removed)",
                &request_id,
            ));
        }
    };
    let token = match query_value(query.as_deref(), "clientToken") {
        Some(value) => Some(client_token(value, "clientToken", &request_id)?),
        None => None,
    };
    let removed = with_store(&emulator, |store| {
        let instance = store.instances.entry(instance_id).or_default();
        // A retry of a deletion already carried out answers as the first call did.
        if let Some(token) = &token
            && instance.deletions.get(token) == Some(&repo_path)
        {
            return true;
        }
        let Some(at) = instance.repositories.iter().position(|r| *r == repo_path) else {
            return false;
        };
        instance.repositories.remove(at);
        if let Some(token) = token {
            instance.deletions.insert(token, repo_path.clone());
        }
        true
    });
    if !removed {
        return Err(vendor_error(
            Api::AlibabaEs,
            400,
            "RepoNotFound",
            &format!("The instance has no snapshot repository referring to {repo_path}."),
            &request_id,
            false,
        ));
    }
    Ok(json_answer(
        StatusCode::OK,
        &AlibabaBooleanResultBody {
            result: true,
            request_id,
        },
    ))
}

#[utoipa::path(
    post,
    path = "/openapi/instances/{InstanceId}/snapshots",
    operation_id = "CreateSnapshot",
    tag = "alibaba-es",
    params(
        ("InstanceId" = String, Path, description = "The instance to snapshot."),
        ("ClientToken" = String, Query, description = "Makes the call idempotent (at most 64 ASCII characters)."),
    ),
    responses(
        (status = 200, description = "The snapshot was started", body = AlibabaBooleanResultBody),
        (status = 400, description = "InstanceActivating, InstanceNotFound or InvalidParameter", body = model::AlibabaErrorResponse),
    )
)]
async fn create_snapshot(
    State(emulator): State<Emulator>,
    Path(instance_id): Path<String>,
    RawQuery(query): RawQuery,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
) -> Result<Response, Response> {
    if let Some(refused) = instance_error(&emulator, &instance_id, WRITES, &request_id) {
        return Err(refused);
    }
    let Some(token) = query_value(query.as_deref(), "ClientToken") else {
        return Err(invalid_parameter(
            "ClientToken",
            "it is required (a token unique per request, e.g. a UUID)",
            &request_id,
        ));
    };
    let token = client_token(token, "ClientToken", &request_id)?;
    // Any body is ignored: the operation takes none (the SDK's optional `body` is unused).
    let max = emulator.0.config.max_snapshots;
    let admitted = {
        let mut guard = emulator.store();
        let whole = &mut *guard;
        let instance = whole.alibaba.instances.entry(instance_id).or_default();
        // Idempotency: a token already seen on this instance takes no second snapshot, and the
        // answer is the first call's (`Result: true`), even at the quota.
        if instance.snapshots.iter().any(|s| s.client_token == token) {
            true
        } else if whole.snapshots >= max {
            false
        } else {
            let created_at = crate::now_millis();
            let name = format!("manual-{created_at}-{}", instance.snapshots.len() + 1);
            instance.snapshots.push(Snapshot {
                name,
                client_token: token,
                created_at,
            });
            whole.snapshots += 1;
            true
        }
    };
    if !admitted {
        return Err(crate::snapshot_quota(Api::AlibabaEs, max, &request_id));
    }
    Ok(json_answer(
        StatusCode::OK,
        &AlibabaBooleanResultBody {
            result: true,
            request_id,
        },
    ))
}

#[utoipa::path(
    get,
    path = "/openapi/instances/{InstanceId}/snapshot-setting",
    operation_id = "DescribeSnapshotSetting",
    tag = "alibaba-es",
    params(("InstanceId" = String, Path, description = "The instance whose setting is read.")),
    responses(
        (status = 200, description = "The setting; automatic snapshots are off until first changed", body = AlibabaDescribeSnapshotSettingResponseBody),
        (status = 404, description = "InstanceNotFound", body = model::AlibabaErrorResponse),
    )
)]
async fn describe_snapshot_setting(
    State(emulator): State<Emulator>,
    Path(instance_id): Path<String>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
) -> Result<Response, Response> {
    if let Some(refused) = instance_error(&emulator, &instance_id, DESCRIBE, &request_id) {
        return Err(refused);
    }
    let setting = with_store(&emulator, |store| {
        store
            .instances
            .get(&instance_id)
            .and_then(|instance| instance.setting.clone())
    });
    // Never set: automatic snapshots are off (the console's documented default) and there is no
    // schedule.
    let Setting {
        enable,
        quartz_regex,
    } = setting.unwrap_or(Setting {
        enable: false,
        quartz_regex: None,
    });
    Ok(json_answer(
        StatusCode::OK,
        &AlibabaDescribeSnapshotSettingResponseBody {
            result: AlibabaDescribedSetting {
                enable,
                quartz_regex,
                indices: None,
            },
            request_id,
        },
    ))
}

#[utoipa::path(
    post,
    path = "/openapi/instances/{InstanceId}/snapshot-setting",
    operation_id = "UpdateSnapshotSetting",
    tag = "alibaba-es",
    params(("InstanceId" = String, Path, description = "The instance whose setting is changed.")),
    request_body(content = AlibabaUpdateSnapshotSettingRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The setting now in force", body = AlibabaUpdateSnapshotSettingResponseBody),
        (status = 400, description = "InstanceNotFound or InvalidParameter", body = model::AlibabaErrorResponse),
    )
)]
async fn update_snapshot_setting(
    State(emulator): State<Emulator>,
    Path(instance_id): Path<String>,
    axum::Extension(RequestId(request_id)): axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    if let Some(refused) = instance_error(&emulator, &instance_id, READS, &request_id) {
        return Err(refused);
    }
    let request: snapspec_alibaba_es::types::UpdateSnapshotSettingRequest =
        decode(Api::AlibabaEs, &body, &request_id)?;
    let quartz_regex = match request.quartz_regex {
        Some(expression) => Some(
            quartz_expression(&expression)
                .map_err(|message| invalid_parameter("quartzRegex", &message, &request_id))?,
        ),
        None if request.enable => {
            return Err(invalid_parameter(
                "quartzRegex",
                "it is required when enable is true (e.g. \"0 0 01 ? * * *\" for 01:00 daily)",
                &request_id,
            ));
        }
        None => None,
    };
    let setting = with_store(&emulator, |store| {
        let instance = store.instances.entry(instance_id).or_default();
        // Turning automatic snapshots off without a schedule keeps the one set before.
        let kept = instance
            .setting
            .as_ref()
            .and_then(|setting| setting.quartz_regex.clone());
        let setting = Setting {
            enable: request.enable,
            quartz_regex: quartz_regex.or(kept),
        };
        instance.setting = Some(setting.clone());
        setting
    });
    Ok(json_answer(
        StatusCode::OK,
        &AlibabaUpdateSnapshotSettingResponseBody {
            result: AlibabaUpdatedSetting {
                enable: setting.enable,
                quartz_regex: setting.quartz_regex,
                indices: None,
            },
            request_id,
        },
    ))
}

/// The metadata also lists PUT for UpdateSnapshotSetting; the emulator answers it as POST.
#[utoipa::path(
    put,
    path = "/openapi/instances/{InstanceId}/snapshot-setting",
    operation_id = "UpdateSnapshotSettingPut",
    tag = "alibaba-es",
    params(("InstanceId" = String, Path, description = "The instance whose setting is changed.")),
    request_body(content = AlibabaUpdateSnapshotSettingRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The setting now in force", body = AlibabaUpdateSnapshotSettingResponseBody),
        (status = 400, description = "InstanceNotFound or InvalidParameter", body = model::AlibabaErrorResponse),
    )
)]
async fn update_snapshot_setting_put(
    state: State<Emulator>,
    path: Path<String>,
    request_id: axum::Extension<RequestId>,
    body: Bytes,
) -> Result<Response, Response> {
    update_snapshot_setting(state, path, request_id, body).await
}

/// A Quartz cron expression, loosely checked: six or seven fields separated by spaces (seconds,
/// minutes, hours, day of month, month, day of week, optional year), each made of the characters
/// Quartz allows. Returned trimmed; the error says what is wrong.
fn quartz_expression(expression: &str) -> Result<String, String> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if !(6..=7).contains(&fields.len()) {
        return Err(format!(
            "`{expression}` has {} fields; a Quartz cron expression has 6 or 7 (seconds minutes hours day-of-month month day-of-week [year]), e.g. \"0 0 01 ? * * *\"",
            fields.len()
        ));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || ",-*/?#".contains(c);
    if let Some(field) = fields.iter().find(|f| !f.chars().all(allowed)) {
        return Err(format!(
            "field `{field}` of `{expression}` has a character a Quartz cron expression does not allow"
        ));
    }
    Ok(fields.join(" "))
}

/// The snapshots of an instance, for tests and curious users (not a vendor operation).
async fn inspect_snapshots(
    State(emulator): State<Emulator>,
    Path(instance_id): Path<String>,
) -> Response {
    let snapshots = with_store(&emulator, |store| {
        store
            .instances
            .get(&instance_id)
            .map(|instance| instance.snapshots.clone())
            .unwrap_or_default()
    });
    json_answer(
        StatusCode::OK,
        &serde_json::json!({"instanceId": instance_id, "snapshots": snapshots}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quartz_expressions_need_six_or_seven_fields_of_cron_characters() {
        assert_eq!(
            quartz_expression("0 0 01 ? * * *").as_deref(),
            Ok("0 0 01 ? * * *")
        );
        assert_eq!(
            quartz_expression(" 0  0 0/12 * * ? ").as_deref(),
            Ok("0 0 0/12 * * ?")
        );
        assert!(
            quartz_expression("0 1 * * *")
                .unwrap_err()
                .contains("5 fields")
        );
        assert!(
            quartz_expression("0 0 01 ? * * $")
                .unwrap_err()
                .contains("field `$`")
        );
    }

    #[test]
    fn query_values_are_decoded_and_the_last_repeat_wins() {
        let query = Some("repoPath=es-cn-1%2A%2A&x=1&repoPath=es+cn*");
        assert_eq!(query_value(query, "repoPath").as_deref(), Some("es cn*"));
        assert_eq!(query_value(query, "clientToken"), None);
        assert_eq!(query_value(None, "repoPath"), None);
    }
}
