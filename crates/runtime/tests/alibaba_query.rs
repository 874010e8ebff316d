//! Query parameters under the Alibaba signer, against the official SDK's vectors for the two
//! lifecycle operations that carry them: CreateSnapshot (`ClientToken`) and DeleteSnapshotRepo
//! (`repoPath`, `clientToken`). The generated client writes a query as reqwest does (`*` kept,
//! space as `+`), the SDK as Python's `urlencode` does (`*` as `%2A`); the signature covers the
//! decoded values, so both spellings must carry the SDK's signature, and a server that decodes
//! the query sees the SDK's values.

use std::collections::BTreeMap;
use std::time::SystemTime;

use serde::Deserialize;
use snapspec_runtime::{AlibabaCredentials, RequestSigner};

#[derive(Deserialize)]
struct VectorFile {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    credentials: Keys,
    action: String,
    version: String,
    time: String,
    nonce: String,
    expected: Expected,
}

#[derive(Deserialize)]
struct Keys {
    access_key_id: String,
    access_key_secret: String,
}

#[derive(Deserialize)]
struct Expected {
    added_headers: Vec<(String, String)>,
}

fn case(name: &str) -> Case {
    let file: VectorFile =
        serde_json::from_str(include_str!("../../auth/tests/vectors/alibaba.json"))
            .expect("vector file parses");
    file.cases
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("alibaba.json has no case {name}"))
}

/// The decoded query pairs of `url`, by name.
fn decoded(url: &url::Url) -> BTreeMap<String, String> {
    url.query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// `url` as the generated client builds it: the path with `*` unencoded, the query written by
/// `form_urlencoded` (reqwest's `.query()`), in the SDK's parameter order.
fn as_progenitor_writes_it(url: &str) -> url::Url {
    let mut url = url::Url::parse(url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    url.set_path(&url.path().replace("%2A", "*"));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    url.set_query(Some(&query));
    url
}

fn sign(case: &Case, url: &url::Url) -> reqwest::Request {
    let fixed = humantime::parse_rfc3339(&case.time).expect("RFC 3339 time");
    let nonce = case.nonce.clone();
    let signer = RequestSigner::alibaba(
        AlibabaCredentials::new(
            &case.credentials.access_key_id,
            &case.credentials.access_key_secret,
        ),
        &case.version,
    )
    .with_clock(move || -> SystemTime { fixed })
    .with_nonce(move || nonce.clone());
    let mut request = reqwest::Request::new(case.method.parse().unwrap(), url.clone());
    for (name, value) in &case.headers {
        request.headers_mut().append(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    signer.sign_request(&mut request, &case.action).unwrap();
    request
}

fn sdk_authorization(case: &Case) -> &str {
    case.expected
        .added_headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.as_str())
        .expect("the SDK signed the request")
}

#[test]
fn query_parameters_carry_the_sdks_signature_however_they_are_spelled() {
    for name in ["create-snapshot-client-token", "delete-snapshot-repo-query"] {
        let case = case(name);
        let sdk_url = url::Url::parse(&case.url).unwrap();
        let ours = as_progenitor_writes_it(&case.url);
        assert_ne!(
            ours.query(),
            sdk_url.query(),
            "{name}: the case must exercise a spelling difference"
        );
        for url in [&sdk_url, &ours] {
            let signed = sign(&case, url);
            assert_eq!(
                signed.headers()["authorization"].to_str().unwrap(),
                sdk_authorization(&case),
                "{name}: signed from {url}"
            );
            assert_eq!(
                decoded(signed.url()),
                decoded(&sdk_url),
                "{name}: a server decodes the SDK's values from {url}"
            );
            assert_eq!(
                signed.url().path(),
                sdk_url.path(),
                "{name}: the path goes out as the SDK encodes it"
            );
        }
    }
}

#[test]
fn a_changed_query_value_changes_the_signature() {
    let case = case("create-snapshot-client-token");
    let mut url = url::Url::parse(&case.url).unwrap();
    url.set_query(Some("ClientToken=another-token"));
    let signed = sign(&case, &url);
    assert_ne!(
        signed.headers()["authorization"].to_str().unwrap(),
        sdk_authorization(&case)
    );
}
