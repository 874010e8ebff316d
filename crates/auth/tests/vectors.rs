//! Our signers against golden vectors computed by the vendors' official SDKs
//! (`tests/vectors/generate.py`; each file names the packages and versions that made it).
//!
//! Every case is checked through the pure signer: the headers it adds, in order, and the
//! canonical request and string to sign behind them. `snapspec-runtime`'s
//! `tests/request_signer_vectors.rs` checks the same cases through `RequestSigner` on a real
//! `reqwest::Request`.

use std::time::SystemTime;

use snapspec_auth::{AlibabaCredentials, HuaweiCredentials, SignableRequest, alibaba, huawei};

// The vector files' model is shared with RequestSigner's test in snapspec-runtime, which reads
// `sent_url`; this test reads the rest.
#[allow(dead_code)]
#[path = "vectors/model.rs"]
mod model;
use model::*;

fn pairs(headers: &[(String, String)]) -> Vec<(&str, &str)> {
    headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

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

#[test]
fn the_vector_files_record_their_sdks_and_cover_the_required_cases() {
    let huawei = huawei_file();
    assert_eq!(huawei.scheme, "SDK-HMAC-SHA256");
    assert_eq!(huawei.sdk.package, "huaweicloudsdkcore");
    assert_eq!(
        huawei.packages.get("huaweicloudsdkcore"),
        Some(&huawei.sdk.version)
    );
    let alibaba = alibaba_file();
    assert_eq!(alibaba.scheme, "ACS3-HMAC-SHA256");
    assert_eq!(alibaba.sdk.package, "alibabacloud-tea-openapi");
    assert_eq!(
        alibaba.packages.get("alibabacloud-tea-openapi"),
        Some(&alibaba.sdk.version)
    );
    let huawei_names: Vec<&str> = huawei.cases.iter().map(|c| c.name.as_str()).collect();
    for required in [
        "css-create-snapshot-documented",
        "dws-create-snapshot-documented",
        "get-without-body",
        "query-parameters",
        "percent-encoding-in-path-and-query",
        "security-token",
    ] {
        assert!(
            huawei_names.contains(&required),
            "huawei.json lacks {required}"
        );
    }
    let alibaba_names: Vec<&str> = alibaba.cases.iter().map(|c| c.name.as_str()).collect();
    for required in [
        "add-snapshot-repo-documented",
        "get-without-body",
        "query-parameters",
        "percent-encoding-in-path-and-query",
        "security-token",
    ] {
        assert!(
            alibaba_names.contains(&required),
            "alibaba.json lacks {required}"
        );
    }
    let documented = alibaba
        .cases
        .iter()
        .find(|c| c.name == "add-snapshot-repo-documented")
        .unwrap();
    assert_eq!(
        documented.url,
        "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos",
        "the Elasticsearch SDK encodes `*` in the instance id as %2A"
    );
}

#[test]
fn huawei_signatures_match_huaweicloudsdkcore_byte_for_byte() {
    for case in huawei_file().cases {
        let context = format!("case {} ({})", case.name, case.via);
        let url = url::Url::parse(&case.url).unwrap();
        let headers = pairs(&case.headers);
        let request = SignableRequest {
            method: &case.method,
            url: &url,
            headers: &headers,
            body: case.body.as_bytes(),
        };
        let credentials = huawei_credentials(&case.credentials);
        let added = huawei::sign(&request, &credentials, time(&case.time));
        assert_eq!(
            lowercase_names(&added),
            lowercase_names(&case.expected.added_headers),
            "{context}"
        );

        let mut all: Vec<(&str, &str)> = headers.clone();
        all.extend(
            added
                .iter()
                .filter(|(name, _)| *name != "authorization")
                .map(|(n, v)| (*n, v.as_str())),
        );
        let (canonical, _) = huawei::canonical_request(&request, &all);
        assert_eq!(canonical, case.expected.canonical_request, "{context}");
        let date = added
            .iter()
            .find(|(n, _)| *n == huawei::DATE_HEADER)
            .map(|(_, v)| v.as_str())
            .unwrap();
        assert_eq!(
            huawei::string_to_sign(&canonical, date),
            case.expected.string_to_sign,
            "{context}"
        );
    }
}

#[test]
fn alibaba_signatures_match_alibabacloud_tea_openapi_byte_for_byte() {
    for case in alibaba_file().cases {
        let context = format!("case {} ({})", case.name, case.via);
        let url = url::Url::parse(&case.url).unwrap();
        let headers = pairs(&case.headers);
        let request = SignableRequest {
            method: &case.method,
            url: &url,
            headers: &headers,
            body: case.body.as_bytes(),
        };
        let credentials = alibaba_credentials(&case.credentials);
        let operation = alibaba::Operation {
            action: &case.action,
            version: &case.version,
        };
        let added = alibaba::sign(
            &request,
            operation,
            &credentials,
            time(&case.time),
            &case.nonce,
        );
        assert_eq!(
            lowercase_names(&added),
            lowercase_names(&case.expected.added_headers),
            "{context}"
        );

        let mut all: Vec<(&str, &str)> = headers.clone();
        all.extend(
            added
                .iter()
                .filter(|(name, _)| *name != "authorization")
                .map(|(n, v)| (*n, v.as_str())),
        );
        let payload_hash = snapspec_auth::sha256_hex(case.body.as_bytes());
        let (canonical, _) = alibaba::canonical_request(&request, &all, &payload_hash);
        assert_eq!(canonical, case.expected.canonical_request, "{context}");
        assert_eq!(
            alibaba::string_to_sign(&canonical),
            case.expected.string_to_sign,
            "{context}"
        );
    }
}
