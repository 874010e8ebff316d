//! The ROA signer (`acs <id>:<HMAC-SHA1>`) against golden vectors computed by the classic
//! Alibaba Cloud Python SDK (`tests/vectors/generate_alibaba_roa.py`; the file names the packages
//! and versions that made it).
//!
//! Every case is checked through the pure signer: the headers it adds, in order, byte for byte
//! (the Authorization among them), and the string to sign behind them; then as a server sees the
//! request (all headers as sent), which is how the emulator verifies it.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;
use snapspec_auth::{AlibabaCredentials, SignableRequest, alibaba_roa};

#[derive(Deserialize)]
struct VectorFile {
    scheme: String,
    generator: String,
    sdk: Sdk,
    packages: BTreeMap<String, String>,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Sdk {
    package: String,
    version: String,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    via: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: String,
    credentials: Keys,
    time: String,
    expected: Expected,
}

#[derive(Deserialize)]
struct Keys {
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
}

#[derive(Deserialize)]
struct Expected {
    added_headers: Vec<(String, String)>,
    string_to_sign: String,
}

fn file() -> VectorFile {
    serde_json::from_str(include_str!("vectors/alibaba_roa.json")).expect("vector file parses")
}

fn credentials(keys: &Keys) -> AlibabaCredentials {
    let credentials = AlibabaCredentials::new(&keys.access_key_id, &keys.access_key_secret);
    match &keys.security_token {
        Some(token) => credentials.with_security_token(token),
        None => credentials,
    }
}

/// Header names are case-insensitive (the SDK capitalises some, hyper sends all in lower case);
/// values and order must match byte for byte.
fn lowercase_names(headers: &[(impl AsRef<str>, impl AsRef<str>)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.as_ref().to_ascii_lowercase(), v.as_ref().to_string()))
        .collect()
}

fn time(text: &str) -> SystemTime {
    humantime::parse_rfc3339(text).expect("RFC 3339 time")
}

#[test]
fn the_vector_file_records_its_sdk_and_covers_the_required_cases() {
    let vectors = file();
    assert_eq!(vectors.scheme, "acs (ROA, HMAC-SHA1)");
    assert_eq!(
        vectors.generator,
        "crates/auth/tests/vectors/generate_alibaba_roa.py"
    );
    assert_eq!(vectors.sdk.package, "aliyun-python-sdk-core");
    assert_eq!(vectors.sdk.version, "2.16.1");
    assert_eq!(
        vectors.packages.get("aliyun-python-sdk-elasticsearch"),
        Some(&"3.1.2".to_string())
    );
    let names: Vec<&str> = vectors.cases.iter().map(|c| c.name.as_str()).collect();
    for required in [
        "add-snapshot-repo-json-body",
        "add-snapshot-repo-form-body",
        "get-without-body",
        "query-parameters",
        "create-snapshot-client-token",
        "describe-snapshot-setting",
        "update-snapshot-setting",
        "percent-encoding-in-path",
        "extra-acs-headers",
        "security-token",
    ] {
        assert!(
            names.contains(&required),
            "alibaba_roa.json lacks {required}"
        );
    }
}

#[test]
fn roa_signatures_match_aliyun_python_sdk_core_byte_for_byte() {
    for case in file().cases {
        let context = format!("case {} ({})", case.name, case.via);
        let url = url::Url::parse(&case.url).unwrap();
        let headers: Vec<(&str, &str)> = case
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let request = SignableRequest {
            method: &case.method,
            url: &url,
            headers: &headers,
            body: case.body.as_bytes(),
        };
        let added = alibaba_roa::sign(
            &request,
            &credentials(&case.credentials),
            time(&case.time),
            None,
        );
        assert_eq!(
            lowercase_names(&added),
            lowercase_names(&case.expected.added_headers),
            "{context}"
        );

        // As a server sees it: every header of the request as sent.
        let mut sent = headers.clone();
        sent.extend(added.iter().map(|(n, v)| (*n, v.as_str())));
        assert_eq!(
            alibaba_roa::string_to_sign(&case.method, &url, &sent),
            case.expected.string_to_sign,
            "{context}"
        );
        let (id, signature) = alibaba_roa::parse_authorization(&added.last().unwrap().1).unwrap();
        assert_eq!(id, case.credentials.access_key_id, "{context}");
        assert_eq!(
            alibaba_roa::signature(
                &case.expected.string_to_sign,
                &case.credentials.access_key_secret
            ),
            signature,
            "{context}"
        );
        if !case.body.is_empty() {
            let md5 = added.iter().find(|(n, _)| *n == "content-md5").unwrap();
            assert_eq!(
                md5.1,
                alibaba_roa::content_md5(case.body.as_bytes()),
                "{context}: Content-MD5 covers the body"
            );
        }
    }
}

#[test]
fn a_nonce_is_signed_as_an_acs_header() {
    let case = file()
        .cases
        .into_iter()
        .find(|c| c.name == "get-without-body")
        .unwrap();
    let url = url::Url::parse(&case.url).unwrap();
    let headers: Vec<(&str, &str)> = case
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = SignableRequest {
        method: &case.method,
        url: &url,
        headers: &headers,
        body: b"",
    };
    let keys = credentials(&case.credentials);
    let at = time(&case.time);
    let with = alibaba_roa::sign(&request, &keys, at, Some("nonce-1"));
    let without = alibaba_roa::sign(&request, &keys, at, None);
    assert!(with.contains(&("x-acs-signature-nonce", "nonce-1".to_string())));
    assert_ne!(
        with.last(),
        without.last(),
        "the nonce changes the signature"
    );
    let mut sent = headers.clone();
    sent.extend(with.iter().map(|(n, v)| (*n, v.as_str())));
    let text = alibaba_roa::string_to_sign(&case.method, &url, &sent);
    assert!(text.contains("\nx-acs-signature-nonce:nonce-1\n"), "{text}");
}
