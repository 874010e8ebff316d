//! The lifecycle operations of the generated client over the wire (ListSnapshotReposByInstanceId,
//! DeleteSnapshotRepo, CreateSnapshot, DescribeSnapshotSetting, UpdateSnapshotSetting), against a
//! loopback wiremock server: each documented request goes out as documented (method, path, query,
//! body), each documented answer parses into the typed response and serializes back to the same
//! JSON, and each documented error is a typed vendor error. Examples are read from the spec.

// The helpers hand back the client's own error, as large as the generated type makes it.
#![allow(clippy::result_large_err)]

use serde_json::{Value, json};
use snapspec_alibaba_es::{Client, Error, RequestSigner, from_json, types, vendor_error};
use snapspec_testkit::Spec;
use wiremock::matchers::{any, body_json, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SPEC_YAML: &str = include_str!("../spec.yaml");

/// The new operations, in the order the tests visit them.
const OPERATIONS: [&str; 5] = [
    "ListSnapshotReposByInstanceId",
    "DeleteSnapshotRepo",
    "CreateSnapshot",
    "DescribeSnapshotSetting",
    "UpdateSnapshotSetting",
];

fn spec() -> Spec {
    Spec::parse(SPEC_YAML)
}

fn client_for(server: &MockServer) -> Client {
    Client::with_endpoint(&server.uri(), RequestSigner::unsigned()).expect("loopback endpoint")
}

/// What one call of an operation answered: the typed success as JSON, or the typed error.
type Answer = Result<Value, Error<types::ErrorResponse>>;

fn as_json<T: serde::Serialize>(
    sent: Result<progenitor_client::ResponseValue<T>, Error<types::ErrorResponse>>,
) -> Answer {
    sent.map(|ok| serde_json::to_value(ok.into_inner()).expect("a typed answer serializes"))
}

/// Calls `operation` with the spec's documented parameters (and request body).
async fn call_documented(client: &Client, spec: &Spec, operation: &str) -> Answer {
    let op = spec.operation(operation);
    let instance = op.parameter_example("InstanceId");
    match operation {
        "ListSnapshotReposByInstanceId" => as_json(
            client
                .list_snapshot_repos_by_instance_id()
                .instance_id(instance)
                .send()
                .await,
        ),
        "DeleteSnapshotRepo" => as_json(
            client
                .delete_snapshot_repo()
                .instance_id(instance)
                .repo_path(op.parameter_example("repoPath"))
                .send()
                .await,
        ),
        "CreateSnapshot" => as_json(
            client
                .create_snapshot()
                .instance_id(instance)
                .client_token(op.parameter_example("ClientToken"))
                .send()
                .await,
        ),
        "DescribeSnapshotSetting" => as_json(
            client
                .describe_snapshot_setting()
                .instance_id(instance)
                .send()
                .await,
        ),
        "UpdateSnapshotSetting" => {
            let body: types::UpdateSnapshotSettingRequest =
                from_json(op.request_examples().remove(0).value)
                    .expect("the documented body fits the generated type");
            as_json(
                client
                    .update_snapshot_setting()
                    .instance_id(instance)
                    .body(body)
                    .send()
                    .await,
            )
        }
        other => panic!("not a lifecycle operation: {other}"),
    }
}

/// The method and path template of `operation`, from the spec.
fn route_of(spec: &Spec, operation: &str) -> (String, String) {
    for (template, item) in spec.root()["paths"].as_object().unwrap() {
        for (verb, op) in item.as_object().unwrap() {
            if op["operationId"] == operation {
                return (verb.to_uppercase(), template.clone());
            }
        }
    }
    panic!("no route for {operation}")
}

#[tokio::test]
async fn each_documented_request_goes_out_as_documented() {
    let spec = spec();
    for operation in OPERATIONS {
        let op = spec.operation(operation);
        let (verb, template) = route_of(&spec, operation);
        let expected_path = template.replace("{InstanceId}", &op.parameter_example("InstanceId"));
        let server = MockServer::start().await;
        let mut mock = Mock::given(method(verb.as_str())).and(path(expected_path.as_str()));
        mock = match operation {
            // The documented request has repoPath and no clientToken.
            "DeleteSnapshotRepo" => mock
                .and(query_param("repoPath", op.parameter_example("repoPath")))
                .and(query_param_is_missing("clientToken")),
            "CreateSnapshot" => mock.and(query_param(
                "ClientToken",
                op.parameter_example("ClientToken"),
            )),
            "UpdateSnapshotSetting" => mock.and(body_json(op.request_examples().remove(0).value)),
            _ => mock,
        };
        mock.respond_with(
            ResponseTemplate::new(200).set_body_json(op.response_examples("200").remove(0).value),
        )
        .expect(1)
        .mount(&server)
        .await;
        call_documented(&client_for(&server), &spec, operation)
            .await
            .unwrap_or_else(|e| panic!("{operation}: {e}"));
        server.verify().await;
        // Operations without a documented body send none (CreateSnapshot included).
        if operation != "UpdateSnapshotSetting" {
            let received = server.received_requests().await.unwrap();
            assert!(received[0].body.is_empty(), "{operation} sent a body");
        }
    }
}

#[tokio::test]
async fn each_documented_answer_round_trips_through_the_generated_types() {
    let spec = spec();
    for operation in OPERATIONS {
        let op = spec.operation(operation);
        let schema = op.response_schema("200").clone();
        let examples = op.response_examples("200");
        assert!(!examples.is_empty(), "{operation} has a documented answer");
        for example in examples {
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(ResponseTemplate::new(200).set_body_json(&example.value))
                .mount(&server)
                .await;
            let again = call_documented(&client_for(&server), &spec, operation)
                .await
                .unwrap_or_else(|e| panic!("{operation} {}: does not parse: {e}", example.name));
            let differences = spec.json_differences(&example.value, &again, &schema);
            assert!(
                differences.is_empty(),
                "{operation} {}: {differences:#?}",
                example.name
            );
        }
    }
}

#[tokio::test]
async fn each_documented_error_is_a_typed_vendor_error() {
    let spec = spec();
    for operation in OPERATIONS {
        let op = spec.operation(operation);
        let statuses = op.error_statuses();
        assert!(!statuses.is_empty(), "{operation} declares its errors");
        for status in statuses {
            for example in op.response_examples(&status.to_string()) {
                let server = MockServer::start().await;
                Mock::given(any())
                    .respond_with(ResponseTemplate::new(status).set_body_json(&example.value))
                    .mount(&server)
                    .await;
                let error = call_documented(&client_for(&server), &spec, operation)
                    .await
                    .expect_err("an error status is an error");
                let Error::ErrorResponse(typed) = &error else {
                    panic!("{operation} {}: typed error, got {error:?}", example.name)
                };
                assert_eq!(json!(typed.code), example.value["Code"]);
                let vendor = vendor_error(&error).expect("a vendor error");
                assert_eq!(vendor.status, status);
                assert_eq!(json!(vendor.message), example.value["Message"]);
                assert_eq!(json!(vendor.request_id), example.value["RequestId"]);
            }
        }
    }
}

#[test]
fn describe_and_update_spell_the_setting_differently_as_documented() {
    // DescribeSnapshotSetting answers `Enable`/`QuartzRegex`, UpdateSnapshotSetting
    // `enable`/`quartzRegex`: each typed answer reads its own spelling only.
    let described: types::DescribeSnapshotSettingResponseBody = from_json(json!({
        "RequestId": "r", "Result": {"Enable": true, "QuartzRegex": "0 0 01 ? * * *"}
    }))
    .unwrap();
    assert!(described.result.enable);
    assert_eq!(
        described.result.quartz_regex.as_deref(),
        Some("0 0 01 ? * * *")
    );
    let updated: types::UpdateSnapshotSettingResponseBody = from_json(json!({
        "RequestId": "r", "Result": {"enable": false, "quartzRegex": "0 0 02 ? * * *"}
    }))
    .unwrap();
    assert!(!updated.result.enable);
    let refused = from_json::<types::DescribeSnapshotSettingResponseBody>(json!({
        "RequestId": "r", "Result": {"enable": true}
    }))
    .expect_err("the lower camel case spelling is not Describe's");
    assert!(refused.to_string().contains("Enable"), "{refused}");
}

#[tokio::test]
async fn a_client_token_over_64_characters_or_missing_is_refused_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let long = "x".repeat(65);
    let error = client
        .create_snapshot()
        .instance_id("es-cn-1")
        .client_token(long.as_str())
        .send()
        .await
        .expect_err("65 characters are refused");
    let Error::InvalidRequest(message) = &error else {
        panic!("refused locally, got {error:?}")
    };
    assert!(message.contains("client_token"), "{message}");
    let error = client
        .create_snapshot()
        .instance_id("es-cn-1")
        .send()
        .await
        .expect_err("ClientToken is required");
    let Error::InvalidRequest(message) = &error else {
        panic!("refused locally, got {error:?}")
    };
    assert!(message.contains("client_token"), "{message}");
    let error = client
        .delete_snapshot_repo()
        .instance_id("es-cn-1")
        .repo_path("es-cn-2")
        .client_token(long.as_str())
        .send()
        .await
        .expect_err("clientToken has the same limit");
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    let exactly = "y".repeat(64);
    assert!(types::CreateSnapshotClientToken::try_from(exactly.as_str()).is_ok());
    server.verify().await;
}

#[tokio::test]
async fn update_snapshot_setting_requires_enable_before_sending() {
    let refused =
        from_json::<types::UpdateSnapshotSettingRequest>(json!({"quartzRegex": "0 0 01 ? * * *"}))
            .expect_err("enable is required");
    assert!(refused.to_string().contains("enable"), "{refused}");
    let refused = from_json::<types::UpdateSnapshotSettingRequest>(json!({"enable": "yes"}))
        .expect_err("enable is a boolean");
    assert_eq!(refused.field, "enable");
    // Turning automatic snapshots off needs no schedule.
    let off: types::UpdateSnapshotSettingRequest = from_json(json!({"enable": false})).unwrap();
    assert_eq!(
        serde_json::to_value(&off).unwrap(),
        json!({"enable": false})
    );
}
