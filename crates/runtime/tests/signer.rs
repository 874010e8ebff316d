//! `RequestSigner` on real `reqwest::Request`s: what it adds, that any change after signing
//! breaks the signature, and that no secret shows in Debug output or errors.

use std::time::{Duration, SystemTime};

use snapspec_auth::{SignableRequest, alibaba, huawei};
use snapspec_runtime::{AlibabaCredentials, HuaweiCredentials, RequestSigner};

const SK: &str = "super-secret-sk-value";
const ALIBABA_SECRET: &str = "super-secret-alibaba-value";
const TOKEN: &str = "super-secret-token-value";

fn fixed_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_000_000)
}

/// A POST request as progenitor builds it (no HTTP client needed to build one).
fn post(url: &str, body: &str) -> reqwest::Request {
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
    request
        .headers_mut()
        .insert("content-type", "application/json".parse().unwrap());
    request
        .headers_mut()
        .insert("api-version", "1.0".parse().unwrap());
    *request.body_mut() = Some(body.to_string().into());
    request
}

fn css_request(body: &str) -> reqwest::Request {
    post(
        "https://css.cn-north-4.myhuaweicloud.com/v1.0/p1/clusters/c1/index_snapshot",
        body,
    )
}

fn header(request: &reqwest::Request, name: &str) -> String {
    request
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// Recomputes a Huawei signature from what a server would receive.
fn huawei_signature_of(request: &reqwest::Request, body: &str, sk: &str) -> String {
    let parsed = huawei::parse_authorization(&header(request, "authorization")).unwrap();
    let headers: Vec<(String, String)> = parsed
        .signed_headers
        .iter()
        .map(|name| (name.clone(), header(request, name)))
        .collect();
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest {
        method: request.method().as_str(),
        url: request.url(),
        headers: &refs,
        body: body.as_bytes(),
    };
    let (canonical, _) = huawei::canonical_request(&signable, &refs);
    let date = header(request, "x-sdk-date");
    let string_to_sign = format!(
        "SDK-HMAC-SHA256\n{date}\n{}",
        hex_sha256(canonical.as_bytes())
    );
    hex_hmac(sk, &string_to_sign)
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn hex_hmac(key: &str, data: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[test]
fn huawei_signing_adds_the_documented_headers_and_drops_api_version() {
    let signer = RequestSigner::huawei(
        HuaweiCredentials::new("AK1", SK)
            .with_project_id("p1")
            .with_security_token(TOKEN),
    )
    .with_clock(fixed_time);
    let mut request = css_request(r#"{"name":"snapshot_001"}"#);
    signer
        .sign_request(&mut request, "create_snapshot")
        .unwrap();
    assert!(request.headers().get("api-version").is_none());
    assert_eq!(header(&request, "x-project-id"), "p1");
    assert_eq!(header(&request, "x-security-token"), TOKEN);
    assert_eq!(
        header(&request, "x-sdk-date"),
        huawei::format_date(fixed_time())
    );
    assert_eq!(header(&request, "host"), "css.cn-north-4.myhuaweicloud.com");
    let authorization = header(&request, "authorization");
    assert!(authorization.starts_with("SDK-HMAC-SHA256 Access=AK1, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, Signature="), "{authorization}");
    let signature = huawei::parse_authorization(&authorization)
        .unwrap()
        .signature;
    assert_eq!(
        huawei_signature_of(&request, r#"{"name":"snapshot_001"}"#, SK),
        signature
    );
}

#[test]
fn any_change_after_signing_breaks_a_huawei_signature() {
    let signer = RequestSigner::huawei(HuaweiCredentials::new("AK1", SK).with_project_id("p1"))
        .with_clock(fixed_time);
    let body = r#"{"name":"snapshot_001"}"#;
    let mut request = css_request(body);
    signer
        .sign_request(&mut request, "create_snapshot")
        .unwrap();
    let signature = huawei::parse_authorization(&header(&request, "authorization"))
        .unwrap()
        .signature;

    assert_ne!(
        huawei_signature_of(&request, r#"{"name":"snapshot_002"}"#, SK),
        signature,
        "altered body"
    );
    let mut moved = request.try_clone().unwrap();
    moved
        .url_mut()
        .set_path("/v1.0/p1/clusters/c2/index_snapshot");
    assert_ne!(
        huawei_signature_of(&moved, body, SK),
        signature,
        "altered path"
    );
    let mut other_project = request.try_clone().unwrap();
    other_project
        .headers_mut()
        .insert("x-project-id", "p2".parse().unwrap());
    assert_ne!(
        huawei_signature_of(&other_project, body, SK),
        signature,
        "altered signed header"
    );
    let mut later = request.try_clone().unwrap();
    later.headers_mut().insert(
        "x-sdk-date",
        huawei::format_date(fixed_time() + Duration::from_secs(1))
            .parse()
            .unwrap(),
    );
    assert_ne!(
        huawei_signature_of(&later, body, SK),
        signature,
        "altered date"
    );
    assert_ne!(
        huawei_signature_of(&request, body, "another-sk"),
        signature,
        "another key"
    );
}

#[test]
fn alibaba_signing_encodes_the_path_like_the_sdk_and_signs_every_header() {
    let signer = RequestSigner::alibaba(
        AlibabaCredentials::new("LTAI1", ALIBABA_SECRET),
        "2017-06-13",
    )
    .with_clock(fixed_time)
    .with_nonce(|| "n0nce".to_string());
    let body = r#"{"repoPath":"es-cn-4591jumei000u****"}"#;
    let mut request = post(
        "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-cn-n6w1o1x0w001c****/snapshot-repos",
        body,
    );
    signer
        .sign_request(&mut request, "AddSnapshotRepo")
        .unwrap();
    assert_eq!(
        request.url().path(),
        "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos"
    );
    for (name, value) in [
        ("x-acs-action", "AddSnapshotRepo"),
        ("x-acs-version", "2017-06-13"),
        ("x-acs-signature-nonce", "n0nce"),
        ("x-acs-date", &alibaba::format_date(fixed_time())),
        ("host", "elasticsearch.cn-hangzhou.aliyuncs.com"),
    ] {
        assert_eq!(header(&request, name), value, "{name}");
    }
    assert_eq!(
        header(&request, "x-acs-content-sha256"),
        hex_sha256(body.as_bytes())
    );
    let parsed = alibaba::parse_authorization(&header(&request, "authorization")).unwrap();
    assert_eq!(parsed.credential, "LTAI1");
    // The server side: recompute from what was received.
    let headers: Vec<(String, String)> = parsed
        .signed_headers
        .iter()
        .map(|n| (n.clone(), header(&request, n)))
        .collect();
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest {
        method: "POST",
        url: request.url(),
        headers: &refs,
        body: body.as_bytes(),
    };
    let (canonical, _) = alibaba::canonical_request(&signable, &refs, &hex_sha256(body.as_bytes()));
    assert_eq!(
        alibaba::signature(&canonical, ALIBABA_SECRET),
        parsed.signature
    );
    let tampered = SignableRequest {
        body: br#"{"repoPath":"es-cn-other"}"#,
        ..signable
    };
    let (canonical, _) = alibaba::canonical_request(&tampered, &refs, &hex_sha256(tampered.body));
    assert_ne!(
        alibaba::signature(&canonical, ALIBABA_SECRET),
        parsed.signature
    );
}

#[test]
fn secrets_never_show_in_debug_output_or_errors() {
    let signers = [
        RequestSigner::huawei(HuaweiCredentials::new("AK1", SK).with_security_token(TOKEN)),
        RequestSigner::huawei_token(TOKEN, Some("p1".into())),
        RequestSigner::alibaba(
            AlibabaCredentials::new("LTAI1", ALIBABA_SECRET).with_security_token(TOKEN),
            "2017-06-13",
        ),
    ];
    for signer in &signers {
        let debug = format!("{signer:?} {signer:#?}");
        for secret in [SK, ALIBABA_SECRET, TOKEN] {
            assert!(!debug.contains(secret), "{debug}");
        }
        assert!(debug.contains("***"), "{debug}");
    }
    let mut request = css_request("{}");
    *request.body_mut() = Some(reqwest::Body::wrap_stream(futures_stream()));
    let error = signers[0].sign_request(&mut request, "x").unwrap_err();
    assert!(!error.to_string().contains(SK));
    // Signed secret headers are marked sensitive, so reqwest's own Debug hides them.
    let mut request = css_request("{}");
    signers[1].sign_request(&mut request, "x").unwrap();
    assert!(!format!("{request:?}").contains(TOKEN));
}

fn futures_stream()
-> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + Sync + 'static {
    struct Once(Option<Vec<u8>>);
    impl futures_core::Stream for Once {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.take().map(Ok))
        }
    }
    Once(Some(b"{}".to_vec()))
}

#[test]
fn huawei_token_authentication_sends_the_token_and_project() {
    let mut request = css_request("{}");
    RequestSigner::huawei_token(TOKEN, Some("p1".into()))
        .sign_request(&mut request, "x")
        .unwrap();
    assert_eq!(header(&request, "x-auth-token"), TOKEN);
    assert_eq!(header(&request, "x-project-id"), "p1");
    assert!(request.headers().get("authorization").is_none());
}

/// Recomputes an Alibaba signature from what a server would receive.
fn alibaba_signature_of(request: &reqwest::Request, body: &[u8], secret: &str) -> String {
    let parsed = alibaba::parse_authorization(&header(request, "authorization")).unwrap();
    let headers: Vec<(String, String)> = parsed
        .signed_headers
        .iter()
        .map(|name| (name.clone(), header(request, name)))
        .collect();
    let refs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let signable = SignableRequest {
        method: request.method().as_str(),
        url: request.url(),
        headers: &refs,
        body,
    };
    let (canonical, _) = alibaba::canonical_request(&signable, &refs, &hex_sha256(body));
    alibaba::signature(&canonical, secret)
}

fn signed_add_snapshot_repo() -> (reqwest::Request, &'static str, String) {
    let body = r#"{"repoPath":"es-cn-4591jumei000u****"}"#;
    let mut request = post(
        "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-cn-n6w1o1x0w001c****/snapshot-repos?lang=en",
        body,
    );
    RequestSigner::alibaba(
        AlibabaCredentials::new("LTAI1", ALIBABA_SECRET),
        "2017-06-13",
    )
    .with_clock(fixed_time)
    .with_nonce(|| "n0nce".to_string())
    .sign_request(&mut request, "AddSnapshotRepo")
    .unwrap();
    let signature = alibaba::parse_authorization(&header(&request, "authorization"))
        .unwrap()
        .signature;
    (request, body, signature)
}

#[test]
fn any_change_after_signing_breaks_an_alibaba_signature() {
    let (request, body, signature) = signed_add_snapshot_repo();
    assert_eq!(
        alibaba_signature_of(&request, body.as_bytes(), ALIBABA_SECRET),
        signature,
        "the untouched request verifies"
    );
    assert_ne!(
        alibaba_signature_of(&request, br#"{"repoPath":"other"}"#, ALIBABA_SECRET),
        signature,
        "altered body"
    );
    let mut moved = request.try_clone().unwrap();
    moved
        .url_mut()
        .set_path("/openapi/instances/es-cn-other/snapshot-repos");
    assert_ne!(
        alibaba_signature_of(&moved, body.as_bytes(), ALIBABA_SECRET),
        signature,
        "altered path"
    );
    let mut requery = request.try_clone().unwrap();
    requery.url_mut().set_query(Some("lang=zh"));
    assert_ne!(
        alibaba_signature_of(&requery, body.as_bytes(), ALIBABA_SECRET),
        signature,
        "altered query"
    );
    for (name, value) in [
        ("x-acs-action", "DeleteSnapshotRepo"),
        ("x-acs-signature-nonce", "another"),
        ("x-acs-date", "2026-11-24T08:30:16Z"),
        ("content-type", "text/plain"),
    ] {
        let mut altered = request.try_clone().unwrap();
        altered.headers_mut().insert(name, value.parse().unwrap());
        assert_ne!(
            alibaba_signature_of(&altered, body.as_bytes(), ALIBABA_SECRET),
            signature,
            "altered {name}"
        );
    }
    assert_ne!(
        alibaba_signature_of(&request, body.as_bytes(), "another-secret"),
        signature,
        "another key"
    );
}

#[test]
fn headers_the_signer_sets_replace_the_requests_own() {
    let mut request = post(
        "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-1/snapshot-repos",
        "{}",
    );
    request
        .headers_mut()
        .insert("x-acs-content-sha256", "stale".parse().unwrap());
    request
        .headers_mut()
        .insert("authorization", "stale".parse().unwrap());
    RequestSigner::alibaba(
        AlibabaCredentials::new("LTAI1", ALIBABA_SECRET),
        "2017-06-13",
    )
    .sign_request(&mut request, "AddSnapshotRepo")
    .unwrap();
    assert_eq!(
        request
            .headers()
            .get_all("x-acs-content-sha256")
            .iter()
            .count(),
        1
    );
    assert_eq!(header(&request, "x-acs-content-sha256"), hex_sha256(b"{}"));
    assert_eq!(
        alibaba_signature_of(&request, b"{}", ALIBABA_SECRET),
        alibaba::parse_authorization(&header(&request, "authorization"))
            .unwrap()
            .signature
    );
}

#[test]
fn non_json_bodies_go_unsigned_as_the_huawei_sdk_sends_them() {
    let signer = RequestSigner::huawei(HuaweiCredentials::new("AK1", SK)).with_clock(fixed_time);
    let mut request = css_request("raw");
    request
        .headers_mut()
        .insert("content-type", "application/octet-stream".parse().unwrap());
    signer.sign_request(&mut request, "upload").unwrap();
    assert_eq!(header(&request, "x-sdk-content-sha256"), "UNSIGNED-PAYLOAD");
    let signature = huawei::parse_authorization(&header(&request, "authorization"))
        .unwrap()
        .signature;
    // The body is not part of the signature, the declared payload is.
    assert_eq!(huawei_signature_of(&request, "other bytes", SK), signature);
}

#[test]
fn the_default_nonce_differs_per_request_and_unsigned_adds_nothing() {
    let signer = RequestSigner::alibaba(AlibabaCredentials::new("LTAI1", ALIBABA_SECRET), "v");
    let nonces: Vec<String> = (0..2)
        .map(|_| {
            let mut request = post("https://elasticsearch.cn-hangzhou.aliyuncs.com/x", "{}");
            signer.sign_request(&mut request, "X").unwrap();
            header(&request, "x-acs-signature-nonce")
        })
        .collect();
    assert_ne!(nonces[0], nonces[1]);
    assert!(nonces.iter().all(|n| n.len() >= 32));

    let mut request = css_request("{}");
    RequestSigner::unsigned()
        .sign_request(&mut request, "x")
        .unwrap();
    let names: Vec<&str> = request.headers().keys().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        ["content-type"],
        "only progenitor's api-version is dropped"
    );
}
