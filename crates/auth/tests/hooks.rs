//! `impl_signing_hooks!` on a stand-in for a progenitor-generated client: the hook signs the
//! request progenitor built, with the operation id as the action, and reports failures as
//! `Error::Custom` without secrets.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use snapspec_auth::{AlibabaCredentials, HuaweiCredentials, RequestSigner};

const SECRET: &str = "hook-test-secret-value";

/// What progenitor generates with `inner_type = RequestSigner`, minus the operations.
struct Client {
    inner: RequestSigner,
}

impl ClientInfo<RequestSigner> for Client {
    fn api_version() -> &'static str {
        "2017-06-13"
    }
    fn baseurl(&self) -> &str {
        "https://elasticsearch.cn-hangzhou.aliyuncs.com"
    }
    fn client(&self) -> &reqwest::Client {
        unreachable!("the pre hook does not send")
    }
    fn inner(&self) -> &RequestSigner {
        &self.inner
    }
}

snapspec_auth::impl_signing_hooks!(Client);

/// The same, mapping progenitor's snake_case names back to the vendor's operation ids.
struct MappedClient {
    inner: RequestSigner,
}

impl ClientInfo<RequestSigner> for MappedClient {
    fn api_version() -> &'static str {
        "2017-06-13"
    }
    fn baseurl(&self) -> &str {
        "https://elasticsearch.cn-hangzhou.aliyuncs.com"
    }
    fn client(&self) -> &reqwest::Client {
        unreachable!("the pre hook does not send")
    }
    fn inner(&self) -> &RequestSigner {
        &self.inner
    }
}

const OPERATION_IDS: &[(&str, &str)] = &[("add_snapshot_repo", "AddSnapshotRepo")];

snapspec_auth::impl_signing_hooks!(MappedClient, operation_ids = OPERATION_IDS);

/// Runs a future that never waits (the hook does no I/O) to completion.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the signing hook waited"),
    }
}

fn alibaba_signer() -> RequestSigner {
    RequestSigner::alibaba(AlibabaCredentials::new("LTAI1", SECRET), "2017-06-13")
        .with_clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000))
        .with_nonce(|| "fixed-nonce".to_string())
}

fn add_snapshot_repo_request() -> reqwest::Request {
    let mut request = reqwest::Request::new(
        reqwest::Method::POST,
        "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-cn-n6w1o1x0w001c****/snapshot-repos"
            .parse()
            .unwrap(),
    );
    request
        .headers_mut()
        .insert("api-version", "2017-06-13".parse().unwrap());
    *request.body_mut() = Some(r#"{"repoPath":"es-cn-4591jumei000u****"}"#.into());
    request
}

fn header<'a>(request: &'a reqwest::Request, name: &str) -> &'a str {
    request
        .headers()
        .get(name)
        .map_or("", |v| v.to_str().unwrap())
}

const INFO: OperationInfo = OperationInfo {
    operation_id: "add_snapshot_repo",
};

#[test]
fn the_pre_hook_signs_with_the_operation_id_progenitor_passes() {
    let client = Client {
        inner: alibaba_signer(),
    };
    let mut request = add_snapshot_repo_request();
    ready(ClientHooks::pre::<()>(&client, &mut request, &INFO)).unwrap();
    assert_eq!(header(&request, "x-acs-action"), "add_snapshot_repo");
    assert_eq!(header(&request, "api-version"), "");
    assert!(header(&request, "authorization").starts_with("ACS3-HMAC-SHA256 Credential=LTAI1,"));
    assert_eq!(
        request.url().path(),
        "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos"
    );
}

#[test]
fn an_operation_table_maps_the_action_back_to_the_vendor_id() {
    let client = MappedClient {
        inner: alibaba_signer(),
    };
    let mut request = add_snapshot_repo_request();
    ready(ClientHooks::pre::<()>(&client, &mut request, &INFO)).unwrap();
    assert_eq!(header(&request, "x-acs-action"), "AddSnapshotRepo");
    let mut request = add_snapshot_repo_request();
    let unknown = OperationInfo {
        operation_id: "not_in_the_table",
    };
    ready(ClientHooks::pre::<()>(&client, &mut request, &unknown)).unwrap();
    assert_eq!(header(&request, "x-acs-action"), "not_in_the_table");
}

#[test]
fn a_signing_failure_is_a_custom_error_without_secrets() {
    let client = Client {
        inner: RequestSigner::huawei(HuaweiCredentials::new("AK1", SECRET)),
    };
    let mut request = add_snapshot_repo_request();
    request.headers_mut().insert(
        "x-binary",
        reqwest::header::HeaderValue::from_bytes(b"\xff").unwrap(),
    );
    let error = ready(ClientHooks::pre::<()>(&client, &mut request, &INFO)).unwrap_err();
    match &error {
        Error::Custom(message) => assert!(message.contains("x-binary"), "{message}"),
        other => panic!("expected Error::Custom, got {other:?}"),
    }
    assert!(!format!("{error} {error:?}").contains(SECRET));
}
