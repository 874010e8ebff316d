//! `RequestSigner` on a real `reqwest::Request` against the golden vectors of `snapspec-auth`
//! (computed by the vendors' official SDKs, `crates/auth/tests/vectors/generate.py`): the headers
//! and the URL that would go on the wire. The pure signers are checked against the same vectors
//! in `crates/auth/tests/vectors.rs`.

use std::time::SystemTime;

use snapspec_runtime::{AlibabaCredentials, HuaweiCredentials, RequestSigner};

// The vector files' model is shared with the pure signers' test in snapspec-auth; this test
// reads only some of its fields.
#[allow(dead_code)]
#[path = "../../auth/tests/vectors/model.rs"]
mod model;
use model::*;

/// Header names are case-insensitive (the SDKs write some capitalised, hyper sends all in lower
/// case); values, order and the signature must match byte for byte.
fn lowercase_names(headers: &[(impl AsRef<str>, impl AsRef<str>)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.as_ref().to_ascii_lowercase(), v.as_ref().to_string()))
        .collect()
}

fn time(text: &str) -> SystemTime {
    humantime::parse_rfc3339(text).expect("RFC 3339 time")
}

fn huawei_credentials(keys: &HuaweiKeys) -> HuaweiCredentials {
    let mut credentials = HuaweiCredentials::new(&keys.ak, &keys.sk);
    if let Some(project_id) = &keys.project_id {
        credentials = credentials.with_project_id(project_id);
    }
    if let Some(token) = &keys.security_token {
        credentials = credentials.with_security_token(token);
    }
    credentials
}

fn alibaba_credentials(keys: &AlibabaKeys) -> AlibabaCredentials {
    let mut credentials = AlibabaCredentials::new(&keys.access_key_id, &keys.access_key_secret);
    if let Some(token) = &keys.security_token {
        credentials = credentials.with_security_token(token);
    }
    credentials
}

/// The request as the client would hand it to the signer, with progenitor's `api-version`.
fn reqwest_request(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: &str,
) -> reqwest::Request {
    let mut request = reqwest::Request::new(method.parse().unwrap(), url.parse().unwrap());
    for (name, value) in headers {
        request.headers_mut().append(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    request
        .headers_mut()
        .insert("api-version", "1.0".parse().unwrap());
    if !body.is_empty() {
        *request.body_mut() = Some(body.to_string().into());
    }
    request
}

/// The request's headers after signing, as lowercase name/value pairs.
fn wire_headers(request: &reqwest::Request) -> Vec<(String, String)> {
    request
        .headers()
        .iter()
        .map(|(k, v)| {
            let value = std::str::from_utf8(v.as_bytes()).unwrap();
            (k.as_str().to_string(), value.to_string())
        })
        .collect()
}

/// `given` plus `added`, sorted (a `HeaderMap` does not keep insertion order across names).
fn sorted_union(given: &[(String, String)], added: &[(String, String)]) -> Vec<(String, String)> {
    let mut all = lowercase_names(given);
    all.extend(lowercase_names(added));
    all.sort();
    all
}

#[test]
fn huawei_request_signer_sends_what_huaweicloudsdkcore_sends() {
    for case in huawei_file().cases {
        let context = format!("case {} ({})", case.name, case.via);
        let fixed = time(&case.time);
        let signer =
            RequestSigner::huawei(huawei_credentials(&case.credentials)).with_clock(move || fixed);
        let mut request = reqwest_request(&case.method, &case.url, &case.headers, &case.body);
        signer
            .sign_request(&mut request, "ignored_by_huawei")
            .unwrap();
        assert_eq!(
            request.url().as_str(),
            case.expected.sent_url,
            "{context}: the query goes out in canonical form"
        );
        let mut sent = wire_headers(&request);
        sent.sort();
        assert_eq!(
            sent,
            sorted_union(&case.headers, &case.expected.added_headers),
            "{context}: exactly the given and the signed headers, without api-version"
        );
    }
}

#[test]
fn alibaba_request_signer_sends_what_alibabacloud_tea_openapi_sends() {
    for case in alibaba_file().cases {
        let context = format!("case {} ({})", case.name, case.via);
        let fixed = time(&case.time);
        let nonce = case.nonce.clone();
        let signer = RequestSigner::alibaba(alibaba_credentials(&case.credentials), &case.version)
            .with_clock(move || fixed)
            .with_nonce(move || nonce.clone());
        // As progenitor would build it: path parameters not encoded the SDK's way (`*` as is).
        let mut url = url::Url::parse(&case.url).unwrap();
        url.set_path(&url.path().replace("%2A", "*"));
        let mut request = reqwest_request(&case.method, url.as_str(), &case.headers, &case.body);
        signer.sign_request(&mut request, &case.action).unwrap();
        assert_eq!(
            request.url().as_str(),
            case.expected.sent_url,
            "{context}: the path goes out encoded as the SDK encodes it"
        );
        let mut sent = wire_headers(&request);
        sent.sort();
        assert_eq!(
            sent,
            sorted_union(&case.headers, &case.expected.added_headers),
            "{context}: exactly the given and the signed headers, without api-version"
        );
    }
}
