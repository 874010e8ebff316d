//! The generated DWS client over the wire, against a loopback HTTP server (wiremock), with every
//! documented example and constraint taken from the spec itself.

use serde_json::{Value, json};
use snapspec_dws::{Client, Error, RequestSigner, from_json, types, vendor_error};
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

fn first_success_example(spec: &Spec) -> Value {
    spec.operation("CreateSnapshot")
        .response_examples("200")
        .remove(0)
        .value
}

fn valid_body() -> types::CreateSnapshotRequestBody {
    from_json(json!({"snapshot": {"name": "snapshot-3", "cluster_id": "c"}})).unwrap()
}

#[tokio::test]
async fn each_documented_request_example_arrives_as_documented() {
    let spec = spec();
    let examples = spec.operation("CreateSnapshot").request_examples();
    assert_eq!(examples.len(), 3, "one request example per page");
    for example in examples {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!(
                "/v1.0/{}/snapshots",
                spec.operation("CreateSnapshot")
                    .parameter_example("project_id")
            )))
            .and(header("content-type", "application/json"))
            .and(body_json(&example.value))
            .respond_with(ResponseTemplate::new(200).set_body_json(first_success_example(&spec)))
            .expect(1)
            .mount(&server)
            .await;
        let body: types::CreateSnapshotRequestBody = from_json(example.value.clone())
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
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("example {}: {e}", example.name));
        server.verify().await;
    }
}

#[tokio::test]
async fn the_project_id_is_percent_encoded_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/a%2Fb%20c%3F%23/snapshots"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first_success_example(&spec())))
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server)
        .create_snapshot()
        .project_id("a/b c?#")
        .body(valid_body())
        .send()
        .await
        .expect("the escaped path reaches the server");
}

#[tokio::test]
async fn each_documented_response_example_round_trips_through_the_generated_types() {
    let spec = spec();
    let schema = spec
        .operation("CreateSnapshot")
        .response_schema("200")
        .clone();
    let examples = spec.operation("CreateSnapshot").response_examples("200");
    assert_eq!(examples.len(), 3, "one response example per page");
    for example in examples {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(&example.value))
            .mount(&server)
            .await;
        let response = client_for(&server)
            .create_snapshot()
            .project_id("p")
            .body(valid_body())
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
async fn fields_the_spec_does_not_know_are_ignored() {
    let server = MockServer::start().await;
    let mut answer = first_success_example(&spec());
    answer["snapshot"]["status"] = json!("CREATING");
    answer["job_id"] = json!("ff8080817b3c");
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .mount(&server)
        .await;
    let response = client_for(&server)
        .create_snapshot()
        .project_id("p")
        .body(valid_body())
        .send()
        .await;
    assert_eq!(
        response
            .expect("unknown fields do not break parsing")
            .snapshot
            .id,
        "2a4d0f86-67cd-408a-8b66-017454fb7793"
    );
}

#[tokio::test]
async fn each_documented_error_status_is_a_typed_error_with_code_message_and_request_id() {
    let spec = spec();
    let statuses = spec.operation("CreateSnapshot").error_statuses();
    assert_eq!(statuses, [400, 401, 403, 404, 500, 503]);
    for status in statuses {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status)
                    .set_body_json(json!({"error_code": "DWS.0015", "error_msg": "The cluster does not exist."}))
                    .insert_header("X-Request-Id", "0c5b2a1e"),
            )
            .mount(&server)
            .await;
        let error = client_for(&server)
            .create_snapshot()
            .project_id("p")
            .body(valid_body())
            .send()
            .await
            .expect_err("an error status is an error");
        assert!(
            matches!(error, Error::ErrorResponse(_)),
            "{status}: typed error, got {error:?}"
        );
        let vendor = vendor_error(&error).expect("a vendor error");
        assert_eq!(
            (
                vendor.status,
                vendor.code.as_deref(),
                vendor.message.as_deref(),
                vendor.request_id.as_deref()
            ),
            (
                status,
                Some("DWS.0015"),
                Some("The cluster does not exist."),
                Some("0c5b2a1e")
            )
        );
        assert_eq!(vendor.retryable, matches!(status, 500 | 503), "{status}");
    }
}

/// Each documented rule: (field path, value that breaks it, words the refusal must contain).
fn constraint_violations() -> Vec<(&'static str, Value, &'static str)> {
    let mut cases: Vec<(&'static str, Value, &'static str)> = vec![
        ("snapshot.name", json!("abc"), "shorter than 4"),
        (
            "snapshot.name",
            json!(format!("a{}", "b".repeat(64))),
            "longer than 64",
        ),
        ("snapshot.name", json!("1snapshot"), "pattern"),
        ("snapshot.name", json!("snap shot"), "pattern"),
        ("snapshot.name", json!("snap.shot"), "pattern"),
        (
            "snapshot.description",
            json!("d".repeat(257)),
            "longer than 256",
        ),
        ("snapshot.name", json!(42), "invalid type"),
    ];
    for forbidden in ["!", "<", ">", "'", "=", "&", "\""] {
        cases.push((
            "snapshot.description",
            json!(format!("a{forbidden}b")),
            "pattern",
        ));
    }
    cases
}

#[tokio::test]
async fn each_documented_constraint_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    for (field, value, rule) in constraint_violations() {
        let mut body = json!({"snapshot": {"name": "snapshot-3", "cluster_id": "c"}});
        let key = field.rsplit('.').next().unwrap();
        body["snapshot"][key] = value.clone();
        let refused = from_json::<types::CreateSnapshotRequestBody>(body)
            .expect_err("a broken rule is refused");
        assert_eq!(refused.field, field, "{value}");
        assert!(
            refused.message.contains(rule),
            "{field}={value}: names the rule ({rule}): {refused}"
        );
    }
    for missing in ["name", "cluster_id"] {
        let mut body = json!({"snapshot": {"name": "snapshot-3", "cluster_id": "c"}});
        body["snapshot"].as_object_mut().unwrap().remove(missing);
        let refused = from_json::<types::CreateSnapshotRequestBody>(body)
            .expect_err("a required field is required");
        assert!(
            refused
                .to_string()
                .contains(&format!("missing field `{missing}`")),
            "{refused}"
        );
    }
    // The typed builder refuses at `send`, naming the field, and sends nothing.
    let error = client_for(&server)
        .create_snapshot()
        .project_id("p")
        .body(
            types::builder::CreateSnapshotRequestBody::default().snapshot(
                types::builder::Snapshot::default()
                    .name("Ab")
                    .cluster_id("c"),
            ),
        )
        .send()
        .await
        .expect_err("a broken rule is refused");
    let Error::InvalidRequest(message) = &error else {
        panic!("refused locally, got {error:?}")
    };
    assert!(
        message.contains("name") && message.contains("shorter than 4"),
        "{message}"
    );
    server.verify().await;
}

#[test]
fn dws_names_are_case_insensitive_unlike_css() {
    for name in [
        "Snapshot-3",
        "SNAPSHOT_4",
        "abcd",
        &format!("A{}", "b".repeat(63)),
    ] {
        let parsed = name.parse::<types::SnapshotName>();
        assert!(parsed.is_ok(), "{name}: {:?}", parsed.err());
    }
}
