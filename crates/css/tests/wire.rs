//! The generated CSS client over the wire, against a loopback HTTP server (wiremock), with every
//! documented example and constraint taken from the spec itself.

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

fn documented_path(spec: &Spec) -> String {
    format!(
        "/v1.0/{}/clusters/{}/index_snapshot",
        spec.operation("CreateSnapshot")
            .parameter_example("project_id"),
        spec.operation("CreateSnapshot")
            .parameter_example("cluster_id")
    )
}

fn first_success_example(spec: &Spec) -> Value {
    spec.operation("CreateSnapshot")
        .response_examples("201")
        .remove(0)
        .value
}

#[tokio::test]
async fn each_documented_request_example_arrives_as_documented() {
    let spec = spec();
    let examples = spec.operation("CreateSnapshot").request_examples();
    assert!(!examples.is_empty(), "the spec documents a request example");
    for example in examples {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(documented_path(&spec)))
            .and(header("content-type", "application/json"))
            .and(body_json(&example.value))
            .respond_with(ResponseTemplate::new(201).set_body_json(first_success_example(&spec)))
            .expect(1)
            .mount(&server)
            .await;
        let body: types::CreateSnapshotReq = serde_json::from_value(example.value.clone())
            .unwrap_or_else(|e| {
                panic!(
                    "example {} does not fit the generated type: {e}",
                    example.name
                )
            });
        client_for(&server)
            .create_snapshot()
            .project_id(
                spec.operation("CreateSnapshot")
                    .parameter_example("project_id"),
            )
            .cluster_id(
                spec.operation("CreateSnapshot")
                    .parameter_example("cluster_id"),
            )
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("example {}: {e}", example.name));
        server.verify().await;
    }
}

#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(
            "/v1.0/proj%2F1/clusters/a%20b%3Fc%23d%25e/index_snapshot",
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(first_success_example(&spec())))
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server)
        .create_snapshot()
        .project_id("proj/1")
        .cluster_id("a b?c#d%e")
        .body(types::CreateSnapshotReq {
            name: "snapshot_001".parse().unwrap(),
            description: None,
            indices: None,
        })
        .send()
        .await
        .expect("the escaped path reaches the server");
}

#[tokio::test]
async fn each_documented_response_example_round_trips_through_the_generated_types() {
    let spec = spec();
    let schema = spec
        .operation("CreateSnapshot")
        .response_schema("201")
        .clone();
    for example in spec.operation("CreateSnapshot").response_examples("201") {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(201).set_body_json(&example.value))
            .mount(&server)
            .await;
        let response = client_for(&server)
            .create_snapshot()
            .project_id("p")
            .cluster_id("c")
            .body(types::CreateSnapshotReq {
                name: "snapshot_001".parse().unwrap(),
                description: None,
                indices: None,
            })
            .send()
            .await
            .unwrap_or_else(|e| panic!("example {} does not parse: {e}", example.name));
        let again = serde_json::to_value(response.into_inner()).unwrap();
        let differences = spec.json_differences(&example.value, &again, &schema);
        assert!(
            differences.is_empty(),
            "example {}: {differences:#?}",
            example.name
        );
    }
}

#[tokio::test]
async fn the_hong_kong_shape_with_only_id_and_name_parses() {
    let server = MockServer::start().await;
    let hong_kong =
        json!({"backup": {"id": "9dc4f5c9-33c0-45c7-9378-ae35ae350682", "name": "snapshot_101"}});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(&hong_kong))
        .mount(&server)
        .await;
    let backup = client_for(&server)
        .create_snapshot()
        .project_id("p")
        .cluster_id("c")
        .body(types::CreateSnapshotReq {
            name: "snapshot_101".parse().unwrap(),
            description: None,
            indices: None,
        })
        .send()
        .await
        .expect("id and name alone are a valid answer")
        .into_inner()
        .backup
        .expect("backup present");
    assert_eq!(
        (backup.id.as_str(), backup.name.as_str()),
        ("9dc4f5c9-33c0-45c7-9378-ae35ae350682", "snapshot_101")
    );
    assert_eq!(backup.start_time, None);
}

#[tokio::test]
async fn fields_the_spec_does_not_know_are_ignored() {
    let server = MockServer::start().await;
    let mut answer = first_success_example(&spec());
    answer["backup"]["encryptionMode"] = json!("kms");
    answer["newTopLevel"] = json!({"nested": [1, 2]});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201).set_body_json(&answer))
        .mount(&server)
        .await;
    let response = client_for(&server)
        .create_snapshot()
        .project_id("p")
        .cluster_id("c")
        .body(types::CreateSnapshotReq {
            name: "snapshot_001".parse().unwrap(),
            description: None,
            indices: None,
        })
        .send()
        .await
        .expect("unknown fields do not break parsing");
    assert_eq!(response.backup.as_ref().unwrap().name, "snapshot_101");
}

#[tokio::test]
async fn each_documented_error_status_is_a_typed_error_with_code_message_and_request_id() {
    let spec = spec();
    let statuses = spec.operation("CreateSnapshot").error_statuses();
    assert_eq!(statuses, [400, 403, 406, 500, 501]);
    // Both Huawei error shapes: the API gateway's and the CSS service's own.
    let bodies = [
        (
            json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information"}),
            "APIGW.0301",
        ),
        (
            json!({"errCode": "CSS.0015", "externalMessage": "No resources are found or the access is denied."}),
            "CSS.0015",
        ),
    ];
    for status in statuses {
        for (body, code) in &bodies {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(
                    ResponseTemplate::new(status)
                        .set_body_json(body)
                        .insert_header("X-Request-Id", "req-7f3a"),
                )
                .mount(&server)
                .await;
            let error = client_for(&server)
                .create_snapshot()
                .project_id("p")
                .cluster_id("c")
                .body(types::CreateSnapshotReq {
                    name: "snapshot_001".parse().unwrap(),
                    description: None,
                    indices: None,
                })
                .send()
                .await
                .expect_err("an error status is an error");
            assert!(
                matches!(error, Error::ErrorResponse(_)),
                "{status}: typed error, got {error:?}"
            );
            let vendor = vendor_error(&error).expect("a vendor error");
            assert_eq!(vendor.status, status);
            assert_eq!(vendor.code.as_deref(), Some(*code));
            assert!(vendor.message.as_deref().is_some_and(|m| !m.is_empty()));
            assert_eq!(vendor.request_id.as_deref(), Some("req-7f3a"));
            assert_eq!(
                vendor.retryable,
                status == 500,
                "{status}: only 500 is worth a retry here"
            );
        }
    }
}

/// Each documented rule: (field, value that breaks it, words the refusal must contain).
fn constraint_violations() -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("name", "abc".into(), "shorter than 4"),
        ("name", format!("a{}", "b".repeat(64)), "longer than 64"),
        ("name", "Snapshot_1".into(), "pattern"),
        ("name", "1snapshot".into(), "pattern"),
        ("name", "snap shot".into(), "pattern"),
        ("name", "snap.shot".into(), "pattern"),
        ("description", "d".repeat(257), "longer than 256"),
        ("description", "a<b".into(), "pattern"),
        ("description", "a>b".into(), "pattern"),
        ("indices", "i".repeat(1025), "longer than 1024"),
        ("indices", "Index1".into(), "pattern"),
        ("indices", "index 1".into(), "pattern"),
        ("indices", "a\"b".into(), "pattern"),
        ("indices", "a\\b".into(), "pattern"),
        ("indices", "a<b".into(), "pattern"),
        ("indices", "a|b".into(), "pattern"),
        ("indices", "a>b".into(), "pattern"),
        ("indices", "a/b".into(), "pattern"),
        ("indices", "a?b".into(), "pattern"),
    ]
}

#[tokio::test]
async fn each_documented_constraint_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    for (field, value, rule) in constraint_violations() {
        let mut body = json!({"name": "snapshot_001"});
        body[field] = json!(value);
        // The JSON route names the field with its path and the rule it breaks.
        let refused =
            from_json::<types::CreateSnapshotReq>(body).expect_err("a broken rule is refused");
        assert_eq!(refused.field, field, "{field}={value:?}");
        assert!(
            refused.to_string().contains(rule),
            "{field}={value:?}: names the rule ({rule}): {refused}"
        );
    }
    // The builder route: the request is refused at `send`, naming the field, and never sent.
    for (field, value, rule) in constraint_violations()
        .into_iter()
        .filter(|(f, _, _)| *f == "name")
    {
        let error = client
            .create_snapshot()
            .project_id("p")
            .cluster_id("c")
            .body(types::builder::CreateSnapshotReq::default().name(value.as_str()))
            .send()
            .await
            .expect_err("a broken rule is refused");
        let Error::InvalidRequest(message) = &error else {
            panic!("{value:?}: refused locally, got {error:?}")
        };
        assert!(
            message.contains(field) && message.contains(rule),
            "{value:?}: {message}"
        );
    }
    server.verify().await;
}

#[tokio::test]
async fn values_at_the_documented_limits_are_accepted() {
    for (name, description, indices) in [
        ("abcd".to_string(), String::new(), String::new()),
        (
            format!("a{}", "-_9".repeat(21)),
            "d".repeat(256),
            format!("{}*", "i".repeat(1023)),
        ),
        (
            "snapshot_001".into(),
            "索引备份 !'=&\"".into(),
            "2018-06*,myindex1".into(),
        ),
    ] {
        let body = json!({"name": name, "description": description, "indices": indices});
        let parsed: Result<types::CreateSnapshotReq, _> = serde_json::from_value(body.clone());
        assert!(parsed.is_ok(), "{body}: {:?}", parsed.err());
    }
}
