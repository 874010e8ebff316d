//! The generated Alibaba Cloud Elasticsearch client over the wire, against a loopback HTTP server
//! (wiremock), with every documented example and constraint taken from the spec itself.

use serde_json::{Value, json};
use snapspec_alibaba_es::{Client, Error, RequestSigner, from_json, types, vendor_error};
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
    spec.operation("AddSnapshotRepo")
        .response_examples("200")
        .remove(0)
        .value
}

fn valid_body() -> types::AddSnapshotRepoRequest {
    types::AddSnapshotRepoRequest {
        repo_path: "es-cn-4591jumei000u****".into(),
    }
}

#[tokio::test]
async fn each_documented_request_example_arrives_as_documented() {
    let spec = spec();
    for example in spec.operation("AddSnapshotRepo").request_examples() {
        let server = MockServer::start().await;
        // `*` is a sub-delimiter, legal in a path segment: progenitor sends it as is.
        Mock::given(method("POST"))
            .and(path(format!(
                "/openapi/instances/{}/snapshot-repos",
                spec.operation("AddSnapshotRepo")
                    .parameter_example("InstanceId")
            )))
            .and(header("content-type", "application/json"))
            .and(body_json(&example.value))
            .respond_with(ResponseTemplate::new(200).set_body_json(first_success_example(&spec)))
            .expect(1)
            .mount(&server)
            .await;
        let body: types::AddSnapshotRepoRequest =
            from_json(example.value.clone()).unwrap_or_else(|e| {
                panic!(
                    "example {} does not fit the generated type: {e}",
                    example.name
                )
            });
        client_for(&server)
            .add_snapshot_repo()
            .instance_id(
                spec.operation("AddSnapshotRepo")
                    .parameter_example("InstanceId"),
            )
            .body(body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("example {}: {e}", example.name));
        server.verify().await;
    }
}

#[tokio::test]
async fn the_instance_id_is_percent_encoded_in_the_path() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/openapi/instances/es%2Fcn%20x%3F%23/snapshot-repos"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first_success_example(&spec())))
        .expect(1)
        .mount(&server)
        .await;
    client_for(&server)
        .add_snapshot_repo()
        .instance_id("es/cn x?#")
        .body(valid_body())
        .send()
        .await
        .expect("the escaped path reaches the server");
}

#[tokio::test]
async fn each_documented_response_example_round_trips_through_the_generated_types() {
    let spec = spec();
    let schema = spec
        .operation("AddSnapshotRepo")
        .response_schema("200")
        .clone();
    for example in spec.operation("AddSnapshotRepo").response_examples("200") {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(200).set_body_json(&example.value))
            .mount(&server)
            .await;
        let response = client_for(&server)
            .add_snapshot_repo()
            .instance_id("es-cn-1")
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
    answer["Headers"] = json!({"x-acs-trace": "1"});
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .mount(&server)
        .await;
    let response = client_for(&server)
        .add_snapshot_repo()
        .instance_id("es-cn-1")
        .body(valid_body())
        .send()
        .await;
    assert!(
        response
            .expect("unknown fields do not break parsing")
            .result
    );
}

#[tokio::test]
async fn each_documented_error_code_is_a_typed_error_with_code_message_and_request_id() {
    let spec = spec();
    assert_eq!(spec.operation("AddSnapshotRepo").error_statuses(), [400]);
    let documented = spec.operation("AddSnapshotRepo").response_examples("400");
    assert_eq!(
        documented.len(),
        2,
        "InstanceActivating and InstanceNotFound"
    );
    for example in documented {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(400).set_body_json(&example.value))
            .mount(&server)
            .await;
        let error = client_for(&server)
            .add_snapshot_repo()
            .instance_id("es-cn-1")
            .body(valid_body())
            .send()
            .await
            .expect_err("an error status is an error");
        let Error::ErrorResponse(typed) = &error else {
            panic!("typed error, got {error:?}")
        };
        assert_eq!(json!(typed.code), example.value["Code"]);
        let vendor = vendor_error(&error).expect("a vendor error");
        assert_eq!(vendor.status, 400);
        assert_eq!(
            Some(json!(vendor.code)),
            Some(example.value["Code"].clone())
        );
        assert_eq!(
            Some(json!(vendor.message)),
            Some(example.value["Message"].clone())
        );
        assert_eq!(
            Some(json!(vendor.request_id)),
            Some(example.value["RequestId"].clone())
        );
        // An instance still activating is worth retrying; one that does not exist is not.
        assert_eq!(
            vendor.retryable,
            example.value["Code"] == "InstanceActivating",
            "{}",
            example.name
        );
    }
}

#[tokio::test]
async fn a_missing_repo_path_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let refused =
        from_json::<types::AddSnapshotRepoRequest>(json!({})).expect_err("repoPath is required");
    assert!(
        refused.to_string().contains("missing field `repoPath`"),
        "{refused}"
    );
    let refused =
        from_json::<types::AddSnapshotRepoRequest>(json!({"repoPath": 7})).expect_err("a string");
    assert_eq!(refused.field, "repoPath");
    let error = client_for(&server)
        .add_snapshot_repo()
        .instance_id("es-cn-1")
        .body(types::builder::AddSnapshotRepoRequest::default())
        .send()
        .await
        .expect_err("the builder refuses a body without repoPath");
    let Error::InvalidRequest(message) = &error else {
        panic!("refused locally, got {error:?}")
    };
    assert!(message.contains("repo_path"), "{message}");
    server.verify().await;
}
