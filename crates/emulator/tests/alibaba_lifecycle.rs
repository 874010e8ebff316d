//! The Alibaba Cloud Elasticsearch snapshot lifecycle in the emulator, driven by the generated,
//! signed client and by hand-made signed requests: repositories added, listed, deleted and gone;
//! manual snapshots idempotent by `ClientToken`; the snapshot setting stored and read back with
//! its default; instance errors with each page's status; signatures covering the query.

use serde_json::{Value, json};
use snapspec_alibaba_es::{Client, Error, types, vendor_error};
use snapspec_auth::{AlibabaCredentials, Secret};
use snapspec_emulator::{Credentials, EmulatorConfig};
use snapspec_runtime::RequestSigner;

const KEY_ID: &str = "LTAIlifecycleTest0001";
const KEY_SECRET: &str = "lifecycle-test-alibaba-secret";

fn signer() -> RequestSigner {
    RequestSigner::alibaba(AlibabaCredentials::new(KEY_ID, KEY_SECRET), "2017-06-13")
}

/// Starts an emulator that checks Alibaba signatures, with `config`'s other settings.
async fn start(config: EmulatorConfig) -> String {
    let mut credentials = Credentials::default();
    credentials
        .alibaba
        .insert(KEY_ID.into(), Secret::new(KEY_SECRET));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(
        listener,
        EmulatorConfig {
            credentials,
            ..config
        },
    ));
    format!("http://{address}")
}

async fn client() -> (String, Client) {
    let base = start(EmulatorConfig::default()).await;
    let client = Client::with_endpoint(&base, signer()).unwrap();
    (base, client)
}

/// The snapshots the emulator holds for `instance` (its inspection route).
async fn snapshots_of(base: &str, instance: &str) -> Vec<Value> {
    let answer: Value = snapspec_runtime::http_client()
        .unwrap()
        .get(format!(
            "{base}/emulator/alibaba-es/instances/{instance}/snapshots"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["snapshots"].as_array().cloned().unwrap_or_default()
}

/// Sends a hand-made request signed for `action`, changed by `tamper` after signing; returns the
/// status and the JSON body.
async fn send(
    base: &str,
    verb: reqwest::Method,
    path_and_query: &str,
    body: Option<&str>,
    action: &str,
    tamper: impl FnOnce(&mut reqwest::Request),
) -> (u16, Value) {
    let mut request =
        reqwest::Request::new(verb, format!("{base}{path_and_query}").parse().unwrap());
    if let Some(body) = body {
        request
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        *request.body_mut() = Some(body.to_string().into());
    }
    signer().sign_request(&mut request, action).unwrap();
    tamper(&mut request);
    let response = snapspec_runtime::http_client()
        .unwrap()
        .execute(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn add(client: &Client, instance: &str, source: &str) {
    client
        .add_snapshot_repo()
        .instance_id(instance)
        .body(types::AddSnapshotRepoRequest {
            repo_path: source.into(),
        })
        .send()
        .await
        .expect("the repository is added");
}

async fn listed(client: &Client, instance: &str) -> Vec<String> {
    client
        .list_snapshot_repos_by_instance_id()
        .instance_id(instance)
        .send()
        .await
        .expect("the list is answered")
        .into_inner()
        .result
        .into_iter()
        .map(|repo| repo.repo_path)
        .collect()
}

#[tokio::test]
async fn repositories_are_listed_deleted_and_gone() {
    let (_, es) = client().await;
    let instance = "es-cn-n6w1o1x0w001c****";
    assert!(listed(&es, instance).await.is_empty(), "none at first");
    add(&es, instance, "es-cn-source-a").await;
    add(&es, instance, "es-cn-source-b").await;
    add(&es, instance, "es-cn-source-a").await;
    let answer = es
        .list_snapshot_repos_by_instance_id()
        .instance_id(instance)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        serde_json::to_value(&answer.result).unwrap(),
        json!([
            {"instanceId": "es-cn-source-a", "repoPath": "es-cn-source-a",
             "snapWarehouse": "aliyun_snapshot_from_es-cn-source-a", "status": "available"},
            {"instanceId": "es-cn-source-b", "repoPath": "es-cn-source-b",
             "snapWarehouse": "aliyun_snapshot_from_es-cn-source-b", "status": "available"},
        ]),
        "each source once, in the order added"
    );
    assert!(
        listed(&es, "es-other").await.is_empty(),
        "state is per instance"
    );

    let deleted = es
        .delete_snapshot_repo()
        .instance_id(instance)
        .repo_path("es-cn-source-a")
        .send()
        .await
        .expect("an existing repository is deleted")
        .into_inner();
    assert!(deleted.result);
    assert_eq!(listed(&es, instance).await, ["es-cn-source-b"]);

    let error = es
        .delete_snapshot_repo()
        .instance_id(instance)
        .repo_path("es-cn-source-a")
        .send()
        .await
        .expect_err("a deleted repository is gone");
    let vendor = vendor_error(&error).expect("a vendor error");
    assert_eq!(
        (vendor.status, vendor.code.as_deref()),
        (400, Some("RepoNotFound"))
    );
    assert!(
        vendor
            .message
            .as_deref()
            .unwrap_or("")
            .contains("es-cn-source-a"),
        "{vendor:?}"
    );
    assert!(vendor.request_id.is_some());
}

#[tokio::test]
async fn a_repeated_deletion_with_the_same_client_token_answers_as_the_first() {
    let (_, es) = client().await;
    add(&es, "es-1", "es-src").await;
    for attempt in 0..2 {
        let deleted = es
            .delete_snapshot_repo()
            .instance_id("es-1")
            .repo_path("es-src")
            .client_token("5A2CFF0E-5718-45B5-9D4D-70B3FF0001")
            .send()
            .await
            .unwrap_or_else(|e| panic!("attempt {attempt}: {e}"));
        assert!(deleted.result, "attempt {attempt}");
    }
    let error = es
        .delete_snapshot_repo()
        .instance_id("es-1")
        .repo_path("es-src")
        .client_token("another-token")
        .send()
        .await
        .expect_err("a new token is a new deletion, of a repository that is gone");
    assert_eq!(
        vendor_error(&error).unwrap().code.as_deref(),
        Some("RepoNotFound")
    );
}

#[tokio::test]
async fn create_snapshot_is_idempotent_by_client_token_per_instance() {
    let (base, es) = client().await;
    let token = "5A2CFF0E-5718-45B5-9D4D-70B3FF****";
    let mut request_ids = Vec::new();
    for attempt in 0..3 {
        let created = es
            .create_snapshot()
            .instance_id("es-cn-oew1oxiro000f****")
            .client_token(token)
            .send()
            .await
            .unwrap_or_else(|e| panic!("attempt {attempt}: {e}"))
            .into_inner();
        assert!(created.result, "every retry answers as the first call");
        request_ids.push(created.request_id);
    }
    let taken = snapshots_of(&base, "es-cn-oew1oxiro000f****").await;
    assert_eq!(taken.len(), 1, "one snapshot for one token: {taken:?}");
    assert_eq!(taken[0]["clientToken"], token);
    request_ids.dedup();
    assert_eq!(request_ids.len(), 3, "each call has its own request id");

    es.create_snapshot()
        .instance_id("es-cn-oew1oxiro000f****")
        .client_token("a-second-token")
        .send()
        .await
        .unwrap();
    assert_eq!(
        snapshots_of(&base, "es-cn-oew1oxiro000f****").await.len(),
        2
    );
    // The same token on another instance is another request.
    es.create_snapshot()
        .instance_id("es-other")
        .client_token(token)
        .send()
        .await
        .unwrap();
    assert_eq!(snapshots_of(&base, "es-other").await.len(), 1);
    assert_eq!(
        snapshots_of(&base, "es-cn-oew1oxiro000f****").await.len(),
        2
    );
}

#[tokio::test]
async fn a_bad_or_missing_client_token_is_refused_naming_it() {
    let base = start(EmulatorConfig::default()).await;
    let path = "/openapi/instances/es-1/snapshots";
    let long = "x".repeat(65);
    for (query, detail) in [
        (String::new(), "required"),
        (format!("?ClientToken={long}"), "65 characters"),
        ("?ClientToken=%C3%A9t%C3%A9".to_string(), "ASCII"),
    ] {
        let (status, answer) = send(
            &base,
            reqwest::Method::POST,
            &format!("{path}{query}"),
            None,
            "CreateSnapshot",
            |_| {},
        )
        .await;
        assert_eq!(status, 400, "{query}: {answer}");
        assert_eq!(answer["Code"], "InvalidParameter", "{query}");
        let message = answer["Message"].as_str().unwrap();
        assert!(
            message.contains("ClientToken") && message.contains(detail),
            "{query}: {message}"
        );
    }
    assert!(snapshots_of(&base, "es-1").await.is_empty());
    let (status, answer) = send(
        &base,
        reqwest::Method::DELETE,
        "/openapi/instances/es-1/snapshot-repos",
        None,
        "DeleteSnapshotRepo",
        |_| {},
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        answer["Message"].as_str().unwrap().contains("repoPath"),
        "{answer}"
    );
}

#[tokio::test]
async fn the_signature_covers_the_query() {
    let base = start(EmulatorConfig::default()).await;
    let (status, answer) = send(
        &base,
        reqwest::Method::POST,
        "/openapi/instances/es-1/snapshots?ClientToken=signed-token",
        None,
        "CreateSnapshot",
        |request| {
            request
                .url_mut()
                .set_query(Some("ClientToken=forged-token"));
        },
    )
    .await;
    assert_eq!(status, 403, "{answer}");
    assert!(snapshots_of(&base, "es-1").await.is_empty());
    // Encoded as the official SDK encodes it (`*` as %2A), or as reqwest does (`*` kept), the
    // value is the same once decoded, and so is the signature.
    for query in ["ClientToken=tok%2A%2A", "ClientToken=tok**"] {
        let (status, answer) = send(
            &base,
            reqwest::Method::POST,
            &format!("/openapi/instances/es-1/snapshots?{query}"),
            None,
            "CreateSnapshot",
            |_| {},
        )
        .await;
        assert_eq!(status, 200, "{query}: {answer}");
    }
    let taken = snapshots_of(&base, "es-1").await;
    assert_eq!(taken.len(), 1, "both spellings are one token: {taken:?}");
    assert_eq!(taken[0]["clientToken"], "tok**");
}

#[tokio::test]
async fn the_snapshot_setting_is_stored_and_read_back_with_its_default() {
    let (base, es) = client().await;
    let instance = "es-cn-0pp1jxvcl000z****";
    let describe = || async {
        es.describe_snapshot_setting()
            .instance_id(instance)
            .send()
            .await
            .expect("the setting is answered")
            .into_inner()
            .result
    };
    let default = describe().await;
    assert!(!default.enable, "automatic snapshots are off by default");
    assert_eq!(default.quartz_regex, None, "and have no schedule");

    let updated = es
        .update_snapshot_setting()
        .instance_id(instance)
        .body(types::UpdateSnapshotSettingRequest {
            enable: true,
            quartz_regex: Some("0 0 01 ? * * *".into()),
        })
        .send()
        .await
        .expect("the documented setting is accepted")
        .into_inner();
    assert!(updated.result.enable);
    assert_eq!(
        updated.result.quartz_regex.as_deref(),
        Some("0 0 01 ? * * *")
    );
    let read = describe().await;
    assert!(read.enable);
    assert_eq!(read.quartz_regex.as_deref(), Some("0 0 01 ? * * *"));

    // Off without a schedule keeps the schedule; PUT, the metadata's other method, works too.
    let (status, answer) = send(
        &base,
        reqwest::Method::PUT,
        &format!("/openapi/instances/{instance}/snapshot-setting"),
        Some(r#"{"enable": false}"#),
        "UpdateSnapshotSetting",
        |_| {},
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        answer["Result"],
        json!({"enable": false, "quartzRegex": "0 0 01 ? * * *"})
    );
    let read = describe().await;
    assert!(!read.enable);
    assert_eq!(read.quartz_regex.as_deref(), Some("0 0 01 ? * * *"));

    // Another instance is untouched.
    let other = es
        .describe_snapshot_setting()
        .instance_id("es-other")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!other.result.enable);
}

#[tokio::test]
async fn a_setting_that_breaks_the_rules_is_refused_naming_the_field() {
    let (base, es) = client().await;
    let path = "/openapi/instances/es-1/snapshot-setting";
    for (body, field, detail) in [
        (
            r#"{"enable": true}"#,
            "quartzRegex",
            "required when enable is true",
        ),
        (
            r#"{"enable": true, "quartzRegex": "0 1 * * *"}"#,
            "quartzRegex",
            "5 fields",
        ),
        (r#"{"quartzRegex": "0 0 01 ? * * *"}"#, "enable", "enable"),
        (r#"{"enable": "yes"}"#, "enable", "enable"),
    ] {
        let (status, answer) = send(
            &base,
            reqwest::Method::POST,
            path,
            Some(body),
            "UpdateSnapshotSetting",
            |_| {},
        )
        .await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["Code"], "InvalidParameter", "{body}");
        let message = answer["Message"].as_str().unwrap();
        assert!(
            message.contains(field) && message.contains(detail),
            "{body}: {message}"
        );
    }
    let read = es
        .describe_snapshot_setting()
        .instance_id("es-1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!read.result.enable, "nothing refused was stored");
}

#[tokio::test]
async fn instance_errors_follow_each_page() {
    let base = start(EmulatorConfig {
        unknown_instances: ["es-gone".to_string()].into(),
        activating_instances: ["es-new".to_string()].into(),
        ..EmulatorConfig::default()
    })
    .await;
    let es = Client::with_endpoint(&base, signer()).unwrap();
    let code = |error: &Error<types::ErrorResponse>| {
        let vendor = vendor_error(error).expect("a vendor error");
        (vendor.status, vendor.code.unwrap_or_default())
    };
    // DescribeSnapshotSetting's page documents 404, the others 400.
    let error = es
        .describe_snapshot_setting()
        .instance_id("es-gone")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), (404, "InstanceNotFound".to_string()));
    let error = es
        .list_snapshot_repos_by_instance_id()
        .instance_id("es-gone")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), (400, "InstanceNotFound".to_string()));
    let error = es
        .create_snapshot()
        .instance_id("es-gone")
        .client_token("t")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), (400, "InstanceNotFound".to_string()));
    let error = es
        .delete_snapshot_repo()
        .instance_id("es-gone")
        .repo_path("es-src")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), (400, "InstanceNotFound".to_string()));
    let error = es
        .update_snapshot_setting()
        .instance_id("es-gone")
        .body(types::UpdateSnapshotSettingRequest {
            enable: false,
            quartz_regex: None,
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), (400, "InstanceNotFound".to_string()));
    // An instance still activating takes no snapshot, but its setting can be read.
    let error = es
        .create_snapshot()
        .instance_id("es-new")
        .client_token("t")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&error), (400, "InstanceActivating".to_string()));
    assert!(vendor_error(&error).unwrap().retryable);
    assert!(snapshots_of(&base, "es-new").await.is_empty());
    es.describe_snapshot_setting()
        .instance_id("es-new")
        .send()
        .await
        .expect("reads are answered while activating");
}

#[tokio::test]
async fn every_documented_lifecycle_request_is_accepted() {
    let spec = snapspec_testkit::Spec::parse(include_str!("../../../spec/alibaba-es.yaml"));
    let (_, es) = client().await;
    let example =
        |operation: &str, parameter: &str| spec.operation(operation).parameter_example(parameter);
    let delete = "DeleteSnapshotRepo";
    // The documented deletion needs the documented repository first.
    add(
        &es,
        &example(delete, "InstanceId"),
        &example(delete, "repoPath"),
    )
    .await;
    es.delete_snapshot_repo()
        .instance_id(example(delete, "InstanceId"))
        .repo_path(example(delete, "repoPath"))
        .client_token(example(delete, "clientToken"))
        .send()
        .await
        .expect("the documented DeleteSnapshotRepo request is accepted");
    es.list_snapshot_repos_by_instance_id()
        .instance_id(example("ListSnapshotReposByInstanceId", "InstanceId"))
        .send()
        .await
        .expect("the documented ListSnapshotReposByInstanceId request is accepted");
    es.create_snapshot()
        .instance_id(example("CreateSnapshot", "InstanceId"))
        .client_token(example("CreateSnapshot", "ClientToken"))
        .send()
        .await
        .expect("the documented CreateSnapshot request is accepted");
    es.describe_snapshot_setting()
        .instance_id(example("DescribeSnapshotSetting", "InstanceId"))
        .send()
        .await
        .expect("the documented DescribeSnapshotSetting request is accepted");
    for body in spec.operation("UpdateSnapshotSetting").request_examples() {
        let body: types::UpdateSnapshotSettingRequest =
            snapspec_runtime::from_json(body.value).expect("the example fits the generated type");
        es.update_snapshot_setting()
            .instance_id(example("UpdateSnapshotSetting", "InstanceId"))
            .body(body)
            .send()
            .await
            .expect("the documented UpdateSnapshotSetting request is accepted");
    }
}
