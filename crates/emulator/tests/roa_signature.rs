//! The emulator accepts Alibaba's ROA signature (`Authorization: acs <id>:<HMAC-SHA1>`, the
//! classic SDK's and the aliyun CLI's) made with snapspec's own ROA signer, and refuses it as it
//! refuses ACS3: a wrong secret, any signed part changed by one byte after signing, a date too
//! old or too far ahead, an unknown key, missing headers. Refused requests change nothing.

use std::time::{Duration, SystemTime};

use serde_json::Value;
use snapspec_auth::{AlibabaCredentials, Secret, SignableRequest, alibaba_roa};
use snapspec_emulator::{Credentials, EmulatorConfig};

const KEY_ID: &str = "LTAIroaSignatureTest01";
const KEY_SECRET: &str = "roa-signature-test-secret";
const INSTANCE: &str = "es-cn-n6w1o1x0w001c****";
const REPO_BODY: &str = r#"{"repoPath":"es-cn-n6w1rux8i000w****"}"#;

/// Starts an emulator that checks Alibaba signatures with one key pair.
async fn start() -> String {
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
            ..EmulatorConfig::default()
        },
    ));
    format!("http://{address}")
}

/// A call as the classic SDK makes it: its headers, signed with `credentials` at `time`.
struct Call<'a> {
    method: reqwest::Method,
    path_and_query: String,
    action: &'a str,
    body: Option<&'a str>,
    credentials: AlibabaCredentials,
    time: SystemTime,
}

impl Call<'_> {
    fn new(method: reqwest::Method, path_and_query: String, action: &str) -> Call<'_> {
        Call {
            method,
            path_and_query,
            action,
            body: None,
            credentials: AlibabaCredentials::new(KEY_ID, KEY_SECRET),
            time: SystemTime::now(),
        }
    }

    fn add_repo() -> Call<'static> {
        let mut call = Call::new(
            reqwest::Method::POST,
            format!("/openapi/instances/{INSTANCE}/snapshot-repos?RegionId=cn-hangzhou"),
            "AddSnapshotRepo",
        );
        call.body = Some(REPO_BODY);
        call
    }

    /// The signed request, changed by `tamper` after signing.
    fn request(&self, base: &str, tamper: impl FnOnce(&mut reqwest::Request)) -> reqwest::Request {
        let url: url::Url = format!("{base}{}", self.path_and_query).parse().unwrap();
        let mut headers = vec![
            ("accept", "application/json"),
            ("x-acs-action", self.action),
            ("x-acs-version", "2017-06-13"),
            ("x-acs-region-id", "cn-hangzhou"),
        ];
        if self.body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let body = self.body.unwrap_or_default();
        let signable = SignableRequest {
            method: self.method.as_str(),
            url: &url,
            headers: &headers,
            body: body.as_bytes(),
        };
        let added = alibaba_roa::sign(&signable, &self.credentials, self.time, None);
        let mut request = reqwest::Request::new(self.method.clone(), url.clone());
        for (name, value) in headers
            .iter()
            .map(|(n, v)| (*n, v.to_string()))
            .chain(added)
        {
            request.headers_mut().insert(name, value.parse().unwrap());
        }
        if self.body.is_some() {
            *request.body_mut() = Some(body.to_string().into());
        }
        tamper(&mut request);
        request
    }

    async fn send(&self, base: &str, tamper: impl FnOnce(&mut reqwest::Request)) -> (u16, Value) {
        let response = snapspec_runtime::http_client()
            .unwrap()
            .execute(self.request(base, tamper))
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// The repositories the emulator lists for [`INSTANCE`], asked with a correct ROA signature.
async fn repo_paths(base: &str) -> Vec<String> {
    let (status, body) = Call::new(
        reqwest::Method::GET,
        format!("/openapi/instances/{INSTANCE}/snapshot-repos?RegionId=cn-hangzhou"),
        "ListSnapshotReposByInstanceId",
    )
    .send(base, |_| {})
    .await;
    assert_eq!(status, 200, "{body}");
    body["Result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["repoPath"].as_str().unwrap().to_string())
        .collect()
}

fn untouched(_: &mut reqwest::Request) {}

#[tokio::test]
async fn roa_signed_calls_are_accepted_and_take_effect() {
    let base = start().await;
    let (status, body) = Call::add_repo().send(&base, untouched).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Result"], true, "{body}");
    assert_eq!(repo_paths(&base).await, ["es-cn-n6w1rux8i000w****"]);

    // Query parameters (percent-encoded on the wire) are signed decoded, as the SDK signs them.
    let (status, body) = Call::new(
        reqwest::Method::DELETE,
        format!(
            "/openapi/instances/{INSTANCE}/snapshot-repos?repoPath=es-cn-n6w1rux8i000w%2A%2A%2A%2A&clientToken=token+with+space&RegionId=cn-hangzhou"
        ),
        "DeleteSnapshotRepo",
    )
    .send(&base, untouched)
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(repo_paths(&base).await.is_empty());
}

#[tokio::test]
async fn sts_credentials_sign_their_token() {
    let base = start().await;
    let mut call = Call::add_repo();
    call.credentials = AlibabaCredentials::new(KEY_ID, KEY_SECRET).with_security_token("sts-1");
    let (status, body) = call.send(&base, untouched).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call
        .send(&base, |r| {
            r.headers_mut()
                .insert("x-acs-security-token", "sts-2".parse().unwrap());
        })
        .await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (403, Some("SignatureDoesNotMatch"))
    );
}

#[tokio::test]
async fn a_wrong_secret_or_an_unknown_key_is_refused() {
    let base = start().await;
    let mut call = Call::add_repo();
    call.credentials = AlibabaCredentials::new(KEY_ID, "not-the-secret");
    let (status, body) = call.send(&base, untouched).await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (403, Some("SignatureDoesNotMatch")),
        "{body}"
    );
    call.credentials = AlibabaCredentials::new("LTAIunknownKey0000001", KEY_SECRET);
    let (status, body) = call.send(&base, untouched).await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (403, Some("InvalidAccessKeyId.NotFound")),
        "{body}"
    );
    assert!(
        repo_paths(&base).await.is_empty(),
        "refused calls add nothing"
    );
}

/// Changes one byte of header `name`'s value: its last digit (so that a date stays a date), or
/// its last character when it has no digit.
fn change_header(request: &mut reqwest::Request, name: &str) {
    let mut value = request.headers()[name]
        .to_str()
        .unwrap()
        .as_bytes()
        .to_vec();
    let at = value
        .iter()
        .rposition(u8::is_ascii_digit)
        .unwrap_or(value.len() - 1);
    value[at] = if value[at] == b'1' { b'2' } else { b'1' };
    let name = reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap();
    request.headers_mut().insert(
        name,
        reqwest::header::HeaderValue::from_bytes(&value).unwrap(),
    );
}

#[tokio::test]
async fn a_one_byte_change_to_any_signed_part_is_refused() {
    let base = start().await;
    type Tamper = Box<dyn FnOnce(&mut reqwest::Request)>;
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "the path",
            Box::new(|r| {
                let path = r.url().path().replace("n6w1", "n6w2");
                r.url_mut().set_path(&path);
            }),
        ),
        (
            "a query value",
            Box::new(|r| r.url_mut().set_query(Some("RegionId=cn-hangzhoU"))),
        ),
        (
            "the body (Content-MD5 no longer matches)",
            Box::new(|r| {
                *r.body_mut() = Some(REPO_BODY.replace("n6w1", "n6w2").into());
            }),
        ),
        ("the Date", Box::new(|r| change_header(r, "date"))),
        (
            "an x-acs- header",
            Box::new(|r| change_header(r, "x-acs-region-id")),
        ),
        (
            "Content-Type",
            Box::new(|r| change_header(r, "content-type")),
        ),
        ("Accept", Box::new(|r| change_header(r, "accept"))),
        (
            "the method",
            Box::new(|r| *r.method_mut() = reqwest::Method::PUT),
        ),
        (
            "an added x-acs- header",
            Box::new(|r| {
                r.headers_mut()
                    .insert("x-acs-resourcegroupid", "rg-1".parse().unwrap());
            }),
        ),
    ];
    for (part, tamper) in cases {
        let (status, body) = Call::add_repo().send(&base, tamper).await;
        assert_eq!(
            (status, body["Code"].as_str()),
            (403, Some("SignatureDoesNotMatch")),
            "changing {part}: {body}"
        );
    }
    assert!(
        repo_paths(&base).await.is_empty(),
        "refused calls add nothing"
    );
}

#[tokio::test]
async fn a_date_too_old_or_too_far_ahead_is_refused() {
    let base = start().await;
    for (when, time) in [
        (
            "20 minutes old",
            SystemTime::now() - Duration::from_secs(20 * 60),
        ),
        (
            "20 minutes ahead",
            SystemTime::now() + Duration::from_secs(20 * 60),
        ),
    ] {
        let mut call = Call::add_repo();
        call.time = time;
        let (status, body) = call.send(&base, untouched).await;
        assert_eq!(
            (status, body["Code"].as_str()),
            (403, Some("InvalidTimeStamp.Expired")),
            "{when}: {body}"
        );
    }
    // Within the allowed skew it is accepted.
    let mut call = Call::add_repo();
    call.time = SystemTime::now() - Duration::from_secs(60);
    assert_eq!(call.send(&base, untouched).await.0, 200);
}

#[tokio::test]
async fn missing_headers_are_named() {
    let base = start().await;
    let (status, body) = Call::add_repo()
        .send(&base, |r| {
            r.headers_mut().remove("date");
            r.headers_mut().remove("content-md5");
            r.headers_mut().remove("x-acs-signature-method");
        })
        .await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (403, Some("IncompleteSignature")),
        "{body}"
    );
    let message = body["Message"].as_str().unwrap();
    for name in ["date", "content-md5", "x-acs-signature-method"] {
        assert!(message.contains(name), "{message} names {name}");
    }
    assert!(!message.contains("x-acs-version"), "{message}");

    let (status, body) = Call::add_repo()
        .send(&base, |r| {
            r.headers_mut()
                .insert("date", "2026-11-24T08:30:15Z".parse().unwrap());
        })
        .await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (403, Some("IncompleteSignature")),
        "a malformed Date: {body}"
    );
    let (status, body) = Call::add_repo()
        .send(&base, |r| {
            r.headers_mut()
                .insert("x-acs-signature-method", "HMAC-SHA256".parse().unwrap());
        })
        .await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (403, Some("InvalidSignatureMethod")),
        "{body}"
    );
    let (status, body) = Call::add_repo()
        .send(&base, |r| {
            r.headers_mut().insert(
                "authorization",
                "acs LTAIroaSignatureTest01".parse().unwrap(),
            );
        })
        .await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (403, Some("IncompleteSignature")),
        "an Authorization that is neither scheme: {body}"
    );
}
