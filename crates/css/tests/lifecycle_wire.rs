//! The generated CSS client's lifecycle operations over the wire (ListSnapshots, DeleteSnapshot,
//! RestoreSnapshot, UpdateSnapshotSetting, ShowAutoCreatePolicy, CreateAutoCreatePolicy), against
//! a loopback HTTP server (wiremock), with the documented examples taken from the spec itself.

use serde_json::{Value, json};
use snapspec_css::{Client, Error, from_json, types, vendor_error};
use snapspec_runtime::RequestSigner;
use snapspec_testkit::Spec;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC_YAML: &str = include_str!("../spec.yaml");

fn spec() -> Spec {
    Spec::parse(SPEC_YAML)
}

fn client_for(server: &MockServer) -> Client {
    Client::with_endpoint(&server.uri(), RequestSigner::unsigned()).expect("loopback endpoint")
}

/// The documented value of path parameter `name` of `operation`.
fn param(operation: &str, name: &str) -> String {
    spec().operation(operation).parameter_example(name)
}

/// The documented request path of `operation`, `{name}` replaced by each documented value.
fn documented_path(operation: &str, template: &str) -> String {
    let mut path = template.to_string();
    for name in ["project_id", "cluster_id", "snapshot_id"] {
        let key = format!("{{{name}}}");
        if path.contains(&key) {
            path = path.replace(&key, &param(operation, name));
        }
    }
    path
}

fn request_example(operation: &str) -> Value {
    let examples = spec().operation(operation).request_examples();
    assert_eq!(
        examples.len(),
        1,
        "{operation} documents one request example"
    );
    examples[0].value.clone()
}

/// An answer of `status` with `body` to any request, once.
async fn answering(status: u16, body: Option<&Value>) -> MockServer {
    let server = MockServer::start().await;
    let mut template = ResponseTemplate::new(status).insert_header("X-Request-Id", "req-42");
    if let Some(body) = body {
        template = template.set_body_json(body);
    }
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn list_snapshots_is_a_get_of_the_documented_path_and_its_example_round_trips() {
    let spec = spec();
    let operation = spec.operation("ListSnapshots");
    let example = operation.response_examples("200").remove(0).value;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(documented_path(
            "ListSnapshots",
            "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshots",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;
    let listed = client_for(&server)
        .list_snapshots()
        .project_id(param("ListSnapshots", "project_id"))
        .cluster_id(param("ListSnapshots", "cluster_id"))
        .send()
        .await
        .expect("the documented answer parses")
        .into_inner();
    server.verify().await;
    let backups = &listed.backups;
    assert_eq!(backups.len(), 2);
    assert_eq!(backups[0].status.as_deref(), Some("COMPLETED"));
    assert_eq!(backups[0].total_shards, Some(6));
    assert_eq!(backups[1].restore_status.as_deref(), Some("none"));
    let again = serde_json::to_value(&listed).unwrap();
    let differences = spec.json_differences(&example, &again, operation.response_schema("200"));
    assert!(differences.is_empty(), "{differences:#?}");
}

#[tokio::test]
async fn delete_snapshot_is_a_delete_of_the_documented_path_with_an_empty_answer() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(documented_path(
            "DeleteSnapshot",
            "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/{snapshot_id}",
        )))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server)
        .delete_snapshot()
        .project_id(param("DeleteSnapshot", "project_id"))
        .cluster_id(param("DeleteSnapshot", "cluster_id"))
        .snapshot_id(param("DeleteSnapshot", "snapshot_id"))
        .send()
        .await
        .expect("200 without a body is a success");
    server.verify().await;
}

#[tokio::test]
async fn restore_snapshot_sends_the_documented_body_in_snake_case() {
    let example = request_example("RestoreSnapshot");
    assert_eq!(
        example["target_cluster"], "ea244205-d641-45d9-9dcb-ab2236bcd07e",
        "the documented body names target_cluster in snake case"
    );
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(documented_path(
            "RestoreSnapshot",
            "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/{snapshot_id}/restore",
        )))
        .and(header("content-type", "application/json"))
        .and(body_json(&example))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let body: types::RestoreSnapshotReq =
        from_json(example.clone()).expect("the example fits the generated type");
    client_for(&server)
        .restore_snapshot()
        .project_id(param("RestoreSnapshot", "project_id"))
        .cluster_id(param("RestoreSnapshot", "cluster_id"))
        .snapshot_id(param("RestoreSnapshot", "snapshot_id"))
        .body(body)
        .send()
        .await
        .expect("201 without a body is a success");
    server.verify().await;
}

#[tokio::test]
async fn update_snapshot_setting_sends_the_documented_body() {
    let example = request_example("UpdateSnapshotSetting");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(documented_path(
            "UpdateSnapshotSetting",
            "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/setting",
        )))
        .and(body_json(&example))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server)
        .update_snapshot_setting()
        .project_id(param("UpdateSnapshotSetting", "project_id"))
        .cluster_id(param("UpdateSnapshotSetting", "cluster_id"))
        .body(from_json::<types::UpdateSnapshotSettingReq>(example.clone()).unwrap())
        .send()
        .await
        .expect("200 without a body is a success");
    server.verify().await;
}

#[tokio::test]
async fn show_auto_create_policy_parses_the_documented_answer_and_it_round_trips() {
    let spec = spec();
    let operation = spec.operation("ShowAutoCreatePolicy");
    let example = operation.response_examples("200").remove(0).value;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(documented_path(
            "ShowAutoCreatePolicy",
            "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/policy",
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(&example))
        .expect(1)
        .mount(&server)
        .await;
    let policy = client_for(&server)
        .show_auto_create_policy()
        .project_id(param("ShowAutoCreatePolicy", "project_id"))
        .cluster_id(param("ShowAutoCreatePolicy", "cluster_id"))
        .send()
        .await
        .expect("the documented answer parses")
        .into_inner();
    server.verify().await;
    assert_eq!(policy.base_path.as_deref(), Some("css_repository/tests"));
    assert_eq!(policy.keepday, Some(2));
    let again = serde_json::to_value(&policy).unwrap();
    let differences = spec.json_differences(&example, &again, operation.response_schema("200"));
    assert!(differences.is_empty(), "{differences:#?}");
}

#[tokio::test]
async fn create_auto_create_policy_sends_the_documented_body() {
    let example = request_example("CreateAutoCreatePolicy");
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(documented_path(
            "CreateAutoCreatePolicy",
            "/v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/policy",
        )))
        .and(body_json(&example))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let body: types::SetRdsBackupCnfReq = from_json(example.clone()).unwrap();
    client_for(&server)
        .create_auto_create_policy()
        .project_id(param("CreateAutoCreatePolicy", "project_id"))
        .cluster_id(param("CreateAutoCreatePolicy", "cluster_id"))
        .body(body)
        .send()
        .await
        .expect("200 without a body is a success");
    server.verify().await;
}

#[tokio::test]
async fn each_documented_error_status_of_each_operation_is_a_typed_vendor_error() {
    let spec = spec();
    let body = json!({"errCode": "CSS.0015", "externalMessage": "no such snapshot"});
    let expected = [
        ("ListSnapshots", vec![406]),
        ("DeleteSnapshot", vec![400, 403]),
        ("RestoreSnapshot", vec![400, 403]),
        ("UpdateSnapshotSetting", vec![400, 406, 412, 504]),
        ("ShowAutoCreatePolicy", vec![406]),
        ("CreateAutoCreatePolicy", vec![400, 406]),
    ];
    for (operation, statuses) in expected {
        assert_eq!(spec.operation(operation).error_statuses(), statuses);
        for status in statuses {
            let server = answering(status, Some(&body)).await;
            let client = client_for(&server);
            let error = match operation {
                "ListSnapshots" => client
                    .list_snapshots()
                    .project_id("p")
                    .cluster_id("c")
                    .send()
                    .await
                    .map(|_| ()),
                "DeleteSnapshot" => client
                    .delete_snapshot()
                    .project_id("p")
                    .cluster_id("c")
                    .snapshot_id("s")
                    .send()
                    .await
                    .map(|_| ()),
                "RestoreSnapshot" => client
                    .restore_snapshot()
                    .project_id("p")
                    .cluster_id("c")
                    .snapshot_id("s")
                    .body(types::builder::RestoreSnapshotReq::default().target_cluster("t"))
                    .send()
                    .await
                    .map(|_| ()),
                "UpdateSnapshotSetting" => client
                    .update_snapshot_setting()
                    .project_id("p")
                    .cluster_id("c")
                    .body(
                        types::builder::UpdateSnapshotSettingReq::default()
                            .bucket("b")
                            .agency("a")
                            .base_path("p"),
                    )
                    .send()
                    .await
                    .map(|_| ()),
                "ShowAutoCreatePolicy" => client
                    .show_auto_create_policy()
                    .project_id("p")
                    .cluster_id("c")
                    .send()
                    .await
                    .map(|_| ()),
                _ => client
                    .create_auto_create_policy()
                    .project_id("p")
                    .cluster_id("c")
                    .body(
                        types::builder::SetRdsBackupCnfReq::default()
                            .enable(types::SetRdsBackupCnfReqEnable::False),
                    )
                    .send()
                    .await
                    .map(|_| ()),
            }
            .expect_err("an error status is an error");
            assert!(
                matches!(error, Error::ErrorResponse(_)),
                "{operation} {status}: typed error, got {error:?}"
            );
            let vendor = vendor_error(&error).expect("a vendor error");
            assert_eq!(
                (
                    vendor.status,
                    vendor.code.as_deref(),
                    vendor.request_id.as_deref()
                ),
                (status, Some("CSS.0015"), Some("req-42")),
                "{operation}"
            );
        }
    }
}

/// Each documented rule of the lifecycle bodies: (what, body, field, words the refusal names).
fn violations() -> Vec<(&'static str, Value, &'static str, &'static str)> {
    vec![
        ("restore", json!({}), "target_cluster", "missing"),
        (
            "restore",
            json!({"target_cluster": "t", "indices": "Index1"}),
            "indices",
            "pattern",
        ),
        (
            "restore",
            json!({"target_cluster": "t", "rename_pattern": "a b"}),
            "rename_pattern",
            "pattern",
        ),
        (
            "restore",
            json!({"target_cluster": "t", "rename_replacement": "x".repeat(1025)}),
            "rename_replacement",
            "longer than 1024",
        ),
        (
            "setting",
            json!({"bucket": "b", "agency": "a"}),
            "base_path",
            "missing",
        ),
        ("policy", json!({}), "enable", "missing"),
        ("policy", json!({"enable": "yes"}), "enable", ""),
        (
            "policy",
            json!({"enable": "true", "keepday": 0}),
            "keepday",
            "",
        ),
        (
            "policy",
            json!({"enable": "true", "prefix": "Snapshot"}),
            "prefix",
            "pattern",
        ),
        (
            "policy",
            json!({"enable": "true", "prefix": format!("s{}", "x".repeat(32))}),
            "prefix",
            "longer than 32",
        ),
        (
            "policy",
            json!({"enable": "true", "period": "16:30 GMT+08:00"}),
            "period",
            "pattern",
        ),
        (
            "policy",
            json!({"enable": "true", "period": "16:00"}),
            "period",
            "pattern",
        ),
        (
            "policy",
            json!({"enable": "false", "delete_auto": "maybe"}),
            "delete_auto",
            "",
        ),
    ]
}

#[test]
fn each_documented_rule_of_the_lifecycle_bodies_is_refused_naming_the_field() {
    for (what, body, field, words) in violations() {
        let refused = match what {
            "restore" => from_json::<types::RestoreSnapshotReq>(body.clone()).map(|_| ()),
            "setting" => from_json::<types::UpdateSnapshotSettingReq>(body.clone()).map(|_| ()),
            _ => from_json::<types::SetRdsBackupCnfReq>(body.clone()).map(|_| ()),
        }
        .expect_err("a broken rule is refused");
        let message = refused.to_string();
        assert!(
            message.contains(field) && message.contains(words),
            "{what} {body}: names `{field}` and `{words}`: {message}"
        );
    }
}

#[test]
fn the_typed_policy_cannot_carry_zero_days_but_leaves_the_upper_bound_to_the_service() {
    // typify turns `minimum: 1` into `NonZeroU32` and drops `maximum: 90`: the emulator (and
    // the service) refuse 91, the typed body does not. This test notices when that changes.
    assert!(
        from_json::<types::SetRdsBackupCnfReq>(json!({"enable": "true", "keepday": 0})).is_err()
    );
    assert!(
        from_json::<types::SetRdsBackupCnfReq>(json!({"enable": "true", "keepday": 91})).is_ok()
    );
}

#[test]
fn values_at_the_documented_limits_of_the_policy_are_accepted() {
    for body in [
        json!({"enable": "false"}),
        json!({"enable": "true", "keepday": 1, "period": "00:00 GMT+08:00", "prefix": "s"}),
        json!({"enable": "true", "keepday": 90, "period": "23:00 GMT-05:00",
               "prefix": format!("s{}", "-_9".repeat(10) + "x"), "indices": "*",
               "delete_auto": "true"}),
    ] {
        let parsed = from_json::<types::SetRdsBackupCnfReq>(body.clone());
        assert!(parsed.is_ok(), "{body}: {:?}", parsed.err());
    }
    let restore = json!({"target_cluster": "t", "indices": "2018-06*,myindex1",
                         "rename_pattern": "index_(.+)", "rename_replacement": "restored_index_$1",
                         "replace_exist_indices": true});
    assert!(from_json::<types::RestoreSnapshotReq>(restore).is_ok());
}
