//! The emulator over loopback, driven by our generated, signed clients and by hand-made requests:
//! documented examples accepted, rules and signatures enforced, state kept, faults on demand.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use snapspec_auth::{AlibabaCredentials, HuaweiCredentials, Secret};
use snapspec_emulator::{Credentials, EmulatorConfig, FORCE_STATUS_HEADER};
use snapspec_runtime::RequestSigner;

const AK: &str = "EMULATORTESTAK000001";
const SK: &str = "emulator-test-secret-key";
const KEY_ID: &str = "LTAIemulatorTest0001";
const KEY_SECRET: &str = "emulator-test-alibaba-secret";
const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";

fn credentials() -> Credentials {
    let mut credentials = Credentials::default();
    credentials.huawei.insert(AK.into(), Secret::new(SK));
    credentials
        .alibaba
        .insert(KEY_ID.into(), Secret::new(KEY_SECRET));
    credentials
}

/// Starts an emulator on an ephemeral loopback port and returns its base URL.
async fn start(config: EmulatorConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(listener, config));
    format!("http://{address}")
}

async fn signed_start() -> String {
    start(EmulatorConfig {
        credentials: credentials(),
        ..EmulatorConfig::default()
    })
    .await
}

fn huawei_signer() -> RequestSigner {
    RequestSigner::huawei(HuaweiCredentials::new(AK, SK).with_project_id(PROJECT))
}

fn alibaba_signer() -> RequestSigner {
    RequestSigner::alibaba(AlibabaCredentials::new(KEY_ID, KEY_SECRET), "2017-06-13")
}

fn spec_examples(yaml: &str, operation_id: &str) -> Vec<Value> {
    snapspec_testkit::Spec::parse(yaml)
        .operation(operation_id)
        .request_examples()
        .into_iter()
        .map(|e| e.value)
        .collect()
}

/// Sends a hand-made JSON request, signed by `signer` (then changed by `tamper`), and returns
/// status, headers and body.
async fn send(
    base: &str,
    path: &str,
    body: &str,
    signer: &RequestSigner,
    action: &str,
    tamper: impl FnOnce(&mut reqwest::Request),
) -> (u16, reqwest::header::HeaderMap, Value) {
    let mut request = reqwest::Request::new(
        reqwest::Method::POST,
        format!("{base}{path}").parse().unwrap(),
    );
    request
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    *request.body_mut() = Some(body.to_string().into());
    signer.sign_request(&mut request, action).unwrap();
    tamper(&mut request);
    let response = snapspec_runtime::http_client()
        .unwrap()
        .execute(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, headers, body)
}

#[tokio::test]
async fn every_documented_example_request_is_accepted_from_our_signed_clients() {
    let base = signed_start().await;
    let css = snapspec_css::Client::with_endpoint(&base, huawei_signer()).unwrap();
    for example in spec_examples(include_str!("../../../spec/css.yaml"), "CreateSnapshot") {
        let created = css
            .create_snapshot()
            .project_id(PROJECT)
            .cluster_id("ea244205-d641-45d9-9dcb-ab2236bcd07e")
            .body(
                snapspec_runtime::from_json::<snapspec_css::types::CreateSnapshotReq>(example)
                    .unwrap(),
            )
            .send()
            .await
            .expect("the CSS example is accepted");
        let backup = created.into_inner().backup.unwrap();
        assert_eq!(backup.name, "snapshot_001");
        assert_eq!(backup.indices.as_deref(), Some("myindex1,myindex2"));
    }
    let dws = snapspec_dws::Client::with_endpoint(&base, huawei_signer()).unwrap();
    // The three pages share one example: one cluster, so each page's copy goes to its own project.
    for (i, example) in spec_examples(include_str!("../../../spec/dws.yaml"), "CreateSnapshot")
        .into_iter()
        .enumerate()
    {
        let created = dws
            .create_snapshot()
            .project_id(format!("project-{i}"))
            .body(
                snapspec_runtime::from_json::<snapspec_dws::types::CreateSnapshotRequestBody>(
                    example,
                )
                .unwrap(),
            )
            .send()
            .await
            .expect("the DWS example is accepted");
        assert_eq!(created.snapshot.id.len(), 36);
    }
    let es = snapspec_alibaba_es::Client::with_endpoint(&base, alibaba_signer()).unwrap();
    for example in spec_examples(
        include_str!("../../../spec/alibaba-es.yaml"),
        "AddSnapshotRepo",
    ) {
        let added = es
            .add_snapshot_repo()
            .instance_id("es-cn-n6w1o1x0w001c****")
            .body(
                snapspec_runtime::from_json::<snapspec_alibaba_es::types::AddSnapshotRepoRequest>(
                    example,
                )
                .unwrap(),
            )
            .send()
            .await
            .expect("the Alibaba example is accepted");
        assert!(added.result);
        assert_eq!(added.request_id.len(), 36);
    }
}

#[tokio::test]
async fn every_broken_rule_is_refused_with_400_naming_the_field() {
    let base = signed_start().await;
    let css_path = format!("/v1.0/{PROJECT}/clusters/c1/index_snapshot");
    let dws_path = format!("/v1.0/{PROJECT}/snapshots");
    let es_path = "/openapi/instances/es-1/snapshot-repos";
    let (huawei, alibaba) = (huawei_signer(), alibaba_signer());
    let cases: Vec<(&str, String, &RequestSigner, &str, &str)> = vec![
        (
            css_path.as_str(),
            r#"{"name":"Upper_Case"}"#.into(),
            &huawei,
            "create_snapshot",
            "name",
        ),
        (
            css_path.as_str(),
            r#"{"name":"abc"}"#.into(),
            &huawei,
            "create_snapshot",
            "name",
        ),
        (
            css_path.as_str(),
            format!(r#"{{"name":"snap","description":"{}"}}"#, "d".repeat(257)),
            &huawei,
            "create_snapshot",
            "description",
        ),
        (
            css_path.as_str(),
            r#"{"name":"snap","indices":"a|b"}"#.into(),
            &huawei,
            "create_snapshot",
            "indices",
        ),
        (
            css_path.as_str(),
            r#"{"description":"no name"}"#.into(),
            &huawei,
            "create_snapshot",
            "name",
        ),
        (
            css_path.as_str(),
            r#"{"name":12}"#.into(),
            &huawei,
            "create_snapshot",
            "name",
        ),
        (
            css_path.as_str(),
            r#"{"name":"snap""#.into(),
            &huawei,
            "create_snapshot",
            "malformed JSON",
        ),
        (
            dws_path.as_str(),
            r#"{"snapshot":{"name":"1abc","cluster_id":"c"}}"#.into(),
            &huawei,
            "create_snapshot",
            "snapshot.name",
        ),
        (
            dws_path.as_str(),
            r#"{"snapshot":{"name":"abcd","cluster_id":"c","description":"a&b"}}"#.into(),
            &huawei,
            "create_snapshot",
            "snapshot.description",
        ),
        (
            dws_path.as_str(),
            r#"{"snapshot":{"name":"abcd"}}"#.into(),
            &huawei,
            "create_snapshot",
            "cluster_id",
        ),
        (
            es_path,
            r#"{}"#.into(),
            &alibaba,
            "AddSnapshotRepo",
            "repoPath",
        ),
        (
            es_path,
            r#"{"repoPath":true}"#.into(),
            &alibaba,
            "AddSnapshotRepo",
            "repoPath",
        ),
    ];
    for (path, body, signer, action, field) in cases {
        let (status, headers, answer) = send(&base, path, &body, signer, action, |_| {}).await;
        assert_eq!(status, 400, "{path} {body}: {answer}");
        let message = answer["externalMessage"]
            .as_str()
            .or(answer["error_msg"].as_str())
            .or(answer["Message"].as_str())
            .unwrap_or_default();
        assert!(
            message.contains(field),
            "{body}: the message names {field}: {answer}"
        );
        assert!(headers.contains_key("x-request-id"));
    }
}

/// A change made to a request after it was signed.
type Tamper = Box<dyn FnOnce(&mut reqwest::Request)>;

#[tokio::test]
async fn a_request_altered_after_signing_is_refused_with_the_vendors_auth_error() {
    let base = signed_start().await;
    let path = format!("/v1.0/{PROJECT}/clusters/c1/index_snapshot");
    let body = r#"{"name":"snapshot_tamper"}"#;
    let tampers: Vec<(&str, Tamper)> = vec![
        (
            "body",
            Box::new(|r| *r.body_mut() = Some(r#"{"name":"snapshot_other"}"#.into())),
        ),
        (
            "path",
            Box::new(|r| {
                r.url_mut()
                    .set_path(&format!("/v1.0/{PROJECT}/clusters/c2/index_snapshot"))
            }),
        ),
        (
            "signed header",
            Box::new(|r| {
                r.headers_mut()
                    .insert("x-project-id", "another".parse().unwrap());
            }),
        ),
        (
            "date",
            Box::new(|r| {
                let old = SystemTime::now() - Duration::from_secs(16 * 60);
                r.headers_mut().insert(
                    "x-sdk-date",
                    snapspec_auth::huawei::format_date(old).parse().unwrap(),
                );
            }),
        ),
    ];
    for (what, tamper) in tampers {
        let (status, _, answer) = send(
            &base,
            &path,
            body,
            &huawei_signer(),
            "create_snapshot",
            tamper,
        )
        .await;
        assert_eq!(
            (status, answer["error_code"].as_str()),
            (401, Some("APIGW.0301")),
            "altered {what}: {answer}"
        );
    }
    // An old but honestly signed date is refused too.
    let stale = huawei_signer().with_clock(|| SystemTime::now() - Duration::from_secs(20 * 60));
    let (status, _, _) = send(&base, &path, body, &stale, "create_snapshot", |_| {}).await;
    assert_eq!(status, 401);
    let wrong_key = RequestSigner::huawei(HuaweiCredentials::new(AK, "not-the-secret"));
    assert_eq!(
        send(&base, &path, body, &wrong_key, "create_snapshot", |_| {})
            .await
            .0,
        401
    );
    assert_eq!(
        send(
            &base,
            &path,
            body,
            &RequestSigner::unsigned(),
            "create_snapshot",
            |_| {}
        )
        .await
        .0,
        401
    );

    let es = "/openapi/instances/es-1/snapshot-repos";
    let body = r#"{"repoPath":"es-2"}"#;
    let (status, _, answer) = send(&base, es, body, &alibaba_signer(), "AddSnapshotRepo", |r| {
        *r.body_mut() = Some(r#"{"repoPath":"es-3"}"#.into())
    })
    .await;
    assert_eq!(
        (status, answer["Code"].as_str()),
        (403, Some("SignatureDoesNotMatch")),
        "{answer}"
    );
    let (status, _, answer) = send(&base, es, body, &alibaba_signer(), "AddSnapshotRepo", |r| {
        r.headers_mut()
            .insert("x-acs-action", "DeleteSnapshotRepo".parse().unwrap());
    })
    .await;
    assert_eq!(
        (status, answer["Code"].as_str()),
        (403, Some("SignatureDoesNotMatch")),
        "{answer}"
    );
    let stranger = RequestSigner::alibaba(
        AlibabaCredentials::new("LTAIunknown", KEY_SECRET),
        "2017-06-13",
    );
    let (status, _, answer) = send(&base, es, body, &stranger, "AddSnapshotRepo", |_| {}).await;
    assert_eq!(
        (status, answer["Code"].as_str()),
        (403, Some("InvalidAccessKeyId.NotFound"))
    );
    let (status, _, answer) = send(
        &base,
        es,
        body,
        &alibaba_signer(),
        "AddSnapshotRepo",
        |_| {},
    )
    .await;
    assert_eq!(
        (status, answer["Result"].as_bool()),
        (200, Some(true)),
        "the untouched request passes: {answer}"
    );
}

#[tokio::test]
async fn snapshots_are_kept_per_project_and_cluster_and_names_are_unique() {
    let base = signed_start().await;
    let css = snapspec_css::Client::with_endpoint(&base, huawei_signer()).unwrap();
    let create = |project: &'static str, cluster: &'static str| {
        css.create_snapshot()
            .project_id(project)
            .cluster_id(cluster)
            .body(snapspec_css::types::CreateSnapshotReq {
                name: "nightly-1".parse().unwrap(),
                description: None,
                indices: None,
            })
            .send()
    };
    assert!(create("p1", "c1").await.is_ok());
    let again = create("p1", "c1")
        .await
        .expect_err("the same name twice in one cluster");
    let vendor = snapspec_css::vendor_error(&again).unwrap();
    assert_eq!(
        (vendor.status, vendor.code.as_deref()),
        (400, Some("CSS.0043"))
    );
    assert!(vendor.request_id.is_some());
    assert!(create("p1", "c2").await.is_ok(), "another cluster");
    assert!(create("p2", "c1").await.is_ok(), "another project");

    let dws = snapspec_dws::Client::with_endpoint(&base, huawei_signer()).unwrap();
    let snapshot = |name: &str| snapspec_dws::types::CreateSnapshotRequestBody {
        snapshot: snapspec_dws::types::Snapshot {
            name: name.parse().unwrap(),
            cluster_id: "c1".into(),
            description: None,
        },
    };
    assert!(
        dws.create_snapshot()
            .project_id("p1")
            .body(snapshot("Weekly-1"))
            .send()
            .await
            .is_ok()
    );
    let clash = dws
        .create_snapshot()
        .project_id("p1")
        .body(snapshot("weekly-1"))
        .send()
        .await;
    assert_eq!(
        snapspec_dws::vendor_error(&clash.expect_err("case-insensitive"))
            .unwrap()
            .status,
        400
    );
}

#[tokio::test]
async fn every_documented_status_can_be_forced_and_reads_as_a_typed_vendor_error() {
    let base = signed_start().await;
    let css = snapspec_css::Client::with_endpoint(&base, huawei_signer()).unwrap();
    for status in [400u16, 403, 406, 500, 501] {
        let path = format!("/v1.0/{PROJECT}/clusters/c1/index_snapshot");
        let (got, headers, answer) = send(
            &base,
            &path,
            r#"{"name":"snap"}"#,
            &huawei_signer(),
            "create_snapshot",
            |r| {
                r.headers_mut()
                    .insert(FORCE_STATUS_HEADER, status.to_string().parse().unwrap());
            },
        )
        .await;
        assert_eq!(got, status, "{answer}");
        assert!(headers.contains_key("x-request-id"));
        assert_eq!(answer["errCode"], format!("Emulator.Forced{status}"));
    }
    // Through the typed client the same answers are typed errors.
    let error = css
        .create_snapshot()
        .project_id(PROJECT)
        .cluster_id("c1")
        .body(snapspec_css::types::CreateSnapshotReq {
            name: "snapshot_001".parse().unwrap(),
            description: None,
            indices: None,
        })
        .send()
        .await;
    assert!(error.is_ok());
    for (status, expected_code) in [
        (400u16, "Emulator.Forced400"),
        (401, "Emulator.Forced401"),
        (404, "Emulator.Forced404"),
        (503, "Emulator.Forced503"),
    ] {
        let path = format!("/v1.0/{PROJECT}/snapshots");
        let (got, _, answer) = send(
            &base,
            &path,
            r#"{"snapshot":{"name":"abcd","cluster_id":"c"}}"#,
            &huawei_signer(),
            "create_snapshot",
            |r| {
                r.headers_mut()
                    .insert(FORCE_STATUS_HEADER, status.to_string().parse().unwrap());
            },
        )
        .await;
        assert_eq!(
            (got, answer["error_code"].as_str()),
            (status, Some(expected_code))
        );
    }
    let (got, _, answer) = send(
        &base,
        "/openapi/instances/es-1/snapshot-repos",
        r#"{"repoPath":"x"}"#,
        &alibaba_signer(),
        "AddSnapshotRepo",
        |r| {
            r.headers_mut()
                .insert(FORCE_STATUS_HEADER, "503".parse().unwrap());
        },
    )
    .await;
    assert_eq!(
        got, 400,
        "503 is not documented for AddSnapshotRepo: {answer}"
    );
    assert_eq!(answer["Code"], "Emulator.InvalidForceStatus");
}

#[tokio::test]
async fn alibaba_instance_errors_come_from_the_configuration() {
    let base = start(EmulatorConfig {
        credentials: credentials(),
        unknown_instances: ["es-gone".to_string()].into(),
        activating_instances: ["es-new".to_string()].into(),
        ..EmulatorConfig::default()
    })
    .await;
    let es = snapspec_alibaba_es::Client::with_endpoint(&base, alibaba_signer()).unwrap();
    for (instance, code, retryable) in [
        ("es-gone", "InstanceNotFound", false),
        ("es-new", "InstanceActivating", true),
    ] {
        let error = es
            .add_snapshot_repo()
            .instance_id(instance)
            .body(snapspec_alibaba_es::types::AddSnapshotRepoRequest {
                repo_path: "es-src".into(),
            })
            .send()
            .await
            .expect_err("a configured instance error");
        let vendor = snapspec_alibaba_es::vendor_error(&error).unwrap();
        assert_eq!(
            (vendor.status, vendor.code.as_deref(), vendor.retryable),
            (400, Some(code), retryable)
        );
        assert!(vendor.request_id.is_some());
    }
}

#[tokio::test]
async fn without_credentials_unsigned_requests_are_accepted() {
    let base = start(EmulatorConfig::default()).await;
    let (status, _, answer) = send(
        &base,
        "/v1.0/p/snapshots",
        r#"{"snapshot":{"name":"abcd","cluster_id":"c"}}"#,
        &RequestSigner::unsigned(),
        "x",
        |_| {},
    )
    .await;
    assert_eq!(status, 200, "{answer}");
}

#[tokio::test]
async fn the_error_rate_turns_that_share_of_requests_into_5xx() {
    let base = start(EmulatorConfig {
        error_rate: 0.25,
        ..EmulatorConfig::default()
    })
    .await;
    let mut failures = 0;
    for i in 0..40 {
        let body = format!(r#"{{"snapshot":{{"name":"snap-{i}","cluster_id":"c"}}}}"#);
        let (status, _, _) = send(
            &base,
            "/v1.0/p/snapshots",
            &body,
            &RequestSigner::unsigned(),
            "x",
            |_| {},
        )
        .await;
        if status == 503 {
            failures += 1;
        }
    }
    assert_eq!(failures, 10);
}

#[tokio::test]
async fn the_emulator_serves_its_own_openapi_document() {
    let base = start(EmulatorConfig::default()).await;
    let client = snapspec_runtime::http_client().unwrap();
    let document: Value = client
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let paths: Vec<&String> = document["paths"].as_object().unwrap().keys().collect();
    // One path per path of the three specs (their paths do not overlap).
    let specified: usize = [
        include_str!("../../../spec/css.yaml"),
        include_str!("../../../spec/dws.yaml"),
        include_str!("../../../spec/alibaba-es.yaml"),
    ]
    .into_iter()
    .map(|yaml| {
        snapspec_testkit::Spec::parse(yaml).root()["paths"]
            .as_object()
            .unwrap()
            .len()
    })
    .sum();
    assert_eq!(paths.len(), specified, "{paths:?}");
    assert_eq!(document, json!(snapspec_emulator::openapi()));
}

/// An HTTP client that asks the emulator for `status` on every request.
fn forcing(status: u16) -> reqwest::Client {
    snapspec_runtime::http_client().unwrap(); // installs the TLS provider the builder needs
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(FORCE_STATUS_HEADER, status.to_string().parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap()
}

/// Sends each request once: these tests look at the answer to one request, not at retries.
fn once(signer: RequestSigner) -> snapspec_runtime::Transport {
    snapspec_runtime::Transport::new(signer).with_retry(snapspec_runtime::RetryPolicy::none())
}

#[tokio::test]
async fn our_generated_clients_meet_every_documented_status_as_a_typed_answer() {
    let base = signed_start().await;
    let spec = |yaml: &str, operation_id: &str| {
        snapspec_testkit::Spec::parse(yaml)
            .operation(operation_id)
            .statuses()
    };
    for status in spec(include_str!("../../../spec/css.yaml"), "CreateSnapshot") {
        let client =
            snapspec_css::Client::new_with_client(&base, forcing(status), once(huawei_signer()));
        let name = format!("forced-{status}");
        let answer = client
            .create_snapshot()
            .project_id(PROJECT)
            .cluster_id("c-forced")
            .body(snapspec_css::types::CreateSnapshotReq {
                name: name.parse().unwrap(),
                description: None,
                indices: None,
            })
            .send()
            .await;
        match answer {
            Ok(created) => assert_eq!((status, created.status().as_u16()), (201, 201)),
            Err(error) => {
                let vendor = snapspec_css::vendor_error(&error).expect("a typed vendor error");
                assert_eq!(
                    (vendor.status, vendor.code),
                    (status, Some(format!("Emulator.Forced{status}")))
                );
                assert!(vendor.request_id.is_some());
            }
        }
    }
    for status in spec(include_str!("../../../spec/dws.yaml"), "CreateSnapshot") {
        let client =
            snapspec_dws::Client::new_with_client(&base, forcing(status), once(huawei_signer()));
        let body = snapspec_dws::types::CreateSnapshotRequestBody {
            snapshot: snapspec_dws::types::Snapshot {
                name: format!("forced-{status}").parse().unwrap(),
                cluster_id: "c-forced".into(),
                description: None,
            },
        };
        match client
            .create_snapshot()
            .project_id(PROJECT)
            .body(body)
            .send()
            .await
        {
            Ok(created) => assert_eq!((status, created.status().as_u16()), (200, 200)),
            Err(error) => {
                let vendor = snapspec_dws::vendor_error(&error).expect("a typed vendor error");
                assert_eq!(vendor.status, status);
                assert!(vendor.request_id.is_some());
            }
        }
    }
    for status in spec(
        include_str!("../../../spec/alibaba-es.yaml"),
        "AddSnapshotRepo",
    ) {
        let client = snapspec_alibaba_es::Client::new_with_client(
            &base,
            forcing(status),
            once(alibaba_signer()),
        );
        let answer = client
            .add_snapshot_repo()
            .instance_id("es-forced")
            .body(snapspec_alibaba_es::types::AddSnapshotRepoRequest {
                repo_path: "es-src".into(),
            })
            .send()
            .await;
        match answer {
            Ok(added) => assert_eq!((status, added.status().as_u16()), (200, 200)),
            Err(error) => {
                let vendor =
                    snapspec_alibaba_es::vendor_error(&error).expect("a typed vendor error");
                assert_eq!(
                    (vendor.status, vendor.code),
                    (status, Some(format!("Emulator.Forced{status}")))
                );
                assert!(
                    vendor.request_id.is_some(),
                    "Alibaba carries the request id in the body"
                );
            }
        }
    }
}

/// Found by the conformance run (tests/conformance/run.sh): fields the specs declare as strings
/// came as `null`, and an empty body was reported as "the parameter `.`".
#[tokio::test]
async fn error_and_success_bodies_carry_no_null_and_an_empty_body_is_named_as_such() {
    let base = start(EmulatorConfig::default()).await;
    let unsigned = RequestSigner::unsigned();
    let cases = [
        (
            "/openapi/instances/es-cn-1/snapshot-repos",
            "InvalidParameter",
        ),
        ("/v1.0/p/clusters/c/index_snapshot", "CSS.0001"),
        ("/v1.0/p/snapshots", "DWS.0001"),
    ];
    for (path, code) in cases {
        let (status, _, answer) = send(&base, path, "", &unsigned, "x", |_| {}).await;
        assert_eq!(status, 400, "{path}: {answer}");
        let text = answer.to_string();
        assert!(!text.contains("null"), "{path}: {text}");
        assert!(text.contains(code), "{path}: {text}");
        assert!(text.contains("request body"), "{path}: {text}");
        assert!(!text.contains("parameter ."), "{path}: {text}");
    }
    let (status, _, created) = send(
        &base,
        "/v1.0/p/clusters/c/index_snapshot",
        r#"{"name":"snapshot_001"}"#,
        &unsigned,
        "x",
        |_| {},
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert!(!created.to_string().contains("null"), "{created}");
}
