//! No panic on any input: every public function of this crate that reads text or bytes from the
//! outside (dates, `Authorization` headers, URLs and their queries, error bodies, environment
//! values) is fed arbitrary and mutated input, and must answer with a value (`None`, an `Err`, a
//! string) rather than panic.
//!
//! Cases per property: `PROPTEST_CASES` (proptest's own variable), 256 when unset. The dedicated
//! run (see RELIABILITY.md): `PROPTEST_CASES=100000 cargo test --release -p snapspec-auth --test no_panic`.

#[path = "../../../testsupport/mutation.rs"]
mod mutation;

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mutation::{mutated_bytes, short_text};
use proptest::prelude::*;
use snapspec_auth::{
    AlibabaCredentials, HuaweiCredentials, SignableRequest, VendorError, alibaba, alibaba_roa,
    huawei,
};

/// URLs that parse, built from mutated request URLs of the three APIs (anything `url` rejects
/// falls back to a fixed URL with the mutated text as its path and query).
fn url() -> impl Strategy<Value = url::Url> {
    short_text(&[
        "https://css.cn-north-4.myhuaweicloud.com/v1.0/p1/clusters/c1/index_snapshots?limit=10&offset=0",
        "https://elasticsearch.cn-hangzhou.aliyuncs.com/openapi/instances/es-cn-1%2A/snapshot-repos?RegionId=cn-hangzhou&clientToken=x+y%2B&flag",
        "http://127.0.0.1:8080/a%20b/%E4%B8%AD?q=%ZZ&a=&=b&&c",
    ])
    .prop_map(|text| {
        url::Url::parse(&text).unwrap_or_else(|_| {
            let mut url = url::Url::parse("http://h/").unwrap();
            let (path, query) = text.split_once('?').unwrap_or((&text, ""));
            url.set_path(path);
            url.set_query(Some(query));
            url
        })
    })
}

fn header() -> impl Strategy<Value = (String, String)> {
    (
        short_text(&["content-type", "x-sdk-date", "x-acs-date", "Date", "host"]),
        short_text(&["application/json", "20261124T083015Z", "  a  b  "]),
    )
}

fn time() -> impl Strategy<Value = SystemTime> {
    // From 1970 to year 9999 (the formatters' range).
    (0u64..253_402_300_799).prop_map(|s| UNIX_EPOCH + Duration::from_secs(s))
}

proptest! {
    #[test]
    fn huawei_dates_parse_or_are_refused(value in short_text(&["20261124T083015Z", "99991231T235959Z"])) {
        if let Some(time) = huawei::parse_date(&value) {
            // What parses is a date the formatter writes back identically.
            prop_assert_eq!(huawei::format_date(time), value);
        }
    }

    #[test]
    fn alibaba_dates_parse_or_are_refused(value in short_text(&["2026-11-24T08:30:15Z", "2026-11-24T08:30:15.5+08:00"])) {
        let _ = alibaba::parse_date(&value);
    }

    #[test]
    fn roa_dates_parse_or_are_refused(value in short_text(&["Tue, 24 Nov 2026 08:34:16 GMT", "Tuesday, 24-Nov-26 08:34:16 GMT"])) {
        let _ = alibaba_roa::parse_date(&value);
    }

    #[test]
    fn huawei_authorization_parses_or_is_refused(value in short_text(&[
        "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=ab12",
    ])) {
        if let Some(parsed) = huawei::parse_authorization(&value) {
            prop_assert!(value.contains(&parsed.access));
            prop_assert!(value.contains(&parsed.signature));
        }
    }

    #[test]
    fn alibaba_authorization_parses_or_is_refused(value in short_text(&[
        "ACS3-HMAC-SHA256 Credential=LTAI,SignedHeaders=host;x-acs-date,Signature=ff",
    ])) {
        if let Some(parsed) = alibaba::parse_authorization(&value) {
            prop_assert!(value.contains(&parsed.credential));
        }
    }

    #[test]
    fn roa_authorization_parses_or_is_refused(value in short_text(&["acs LTAI5t:Fa/ySY/J2Jx8YtiWDyfox2CIS/0="])) {
        if let Some((id, signature)) = alibaba_roa::parse_authorization(&value) {
            prop_assert!(!id.is_empty() && !signature.is_empty());
        }
    }

    #[test]
    fn paths_encode(path in short_text(&["/openapi/instances/es-cn-n6w1o1x0w001c****/snapshot-repos", "/a%2A/b%20c/%E4%B8%AD%"])) {
        let encoded = alibaba::encode_path(&path);
        // Every byte left is unreserved, `/` or part of an escape.
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~/%".contains(&b)), "{}", encoded);
    }

    #[test]
    fn queries_and_resources_are_written_for_any_url(url in url()) {
        let query = huawei::canonical_query(&url);
        prop_assert_eq!(query.is_some(), url.query().is_some());
        let _ = alibaba_roa::canonical_resource(&url);
    }

    #[test]
    fn every_signer_signs_any_request(
        method in short_text(&["GET", "POST", "delete"]),
        url in url(),
        headers in prop::collection::vec(header(), 0..6),
        body in prop::collection::vec(any::<u8>(), 0..64),
        secret in any::<String>(),
        token in proptest::option::of(any::<String>()),
        time in time(),
        nonce in any::<String>(),
    ) {
        let header_refs: Vec<(&str, &str)> =
            headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let request = SignableRequest { method: &method, url: &url, headers: &header_refs, body: &body };

        let mut huawei_credentials = HuaweiCredentials::new("AK", secret.clone()).with_project_id("p");
        if let Some(token) = &token {
            huawei_credentials = huawei_credentials.with_security_token(token.clone());
        }
        let added = huawei::sign(&request, &huawei_credentials, time);
        // Header names are not checked (an empty or comma-holding name is signed as it is), so
        // the value need not parse back; it is still a Huawei authorization for the access key.
        let (name, authorization) = added.last().unwrap();
        prop_assert_eq!(*name, "authorization");
        prop_assert!(authorization.starts_with("SDK-HMAC-SHA256 Access=AK, "), "{}", authorization);
        let _ = huawei::canonical_request(&request, &header_refs);

        let mut alibaba_credentials = AlibabaCredentials::new("LTAI", secret);
        if let Some(token) = token {
            alibaba_credentials = alibaba_credentials.with_security_token(token);
        }
        let operation = alibaba::Operation { action: "ListSnapshotReposByInstanceId", version: "2017-06-13" };
        let added = alibaba::sign(&request, operation, &alibaba_credentials, time, &nonce);
        prop_assert_eq!(added.last().unwrap().0, "authorization");
        let _ = alibaba::canonical_request(&request, &header_refs, "UNSIGNED-PAYLOAD");

        let added = alibaba_roa::sign(&request, &alibaba_credentials, time, Some(&nonce));
        prop_assert!(alibaba_roa::parse_authorization(&added.last().unwrap().1).is_some());
        let _ = alibaba_roa::string_to_sign(&method, &url, &header_refs);
    }

    #[test]
    fn error_bodies_read_as_values(
        status in any::<u16>(),
        request_id in proptest::option::of(prop::collection::vec(any::<u8>(), 0..24)),
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..128),
            mutated_bytes(vec![
                r#"{"error_code":"CSS.0001","error_msg":"bad","request_id":"r"}"#.to_string(),
                r#"{"errCode":"CSS.5001","externalMessage":"x"}"#.to_string(),
                r#"{"error":{"code":401,"message":"token expired"}}"#.to_string(),
                r#"{"Code":"Throttling.User","Message":"slow down","RequestId":"A1-B2"}"#.to_string(),
                r#"{"code":1.5e400,"message":["a"],"RequestId":null}"#.to_string(),
            ], 6),
        ],
    ) {
        let mut headers = http::HeaderMap::new();
        if let Some(value) = request_id.and_then(|v| http::HeaderValue::from_bytes(&v).ok()) {
            headers.insert("x-request-id", value);
        }
        let error = VendorError::from_response(status, &headers, &body);
        prop_assert_eq!(error.status, status);
        // It formats, whatever was in it.
        let _ = error.to_string();
    }

    #[test]
    fn credentials_and_endpoints_from_any_environment(
        values in prop::collection::vec(
            (
                prop::sample::select(vec![
                    "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID",
                    "HUAWEICLOUD_SDK_SECURITY_TOKEN", "ALIBABA_CLOUD_ACCESS_KEY_ID",
                    "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN",
                    "HUAWEICLOUD_SDK_REGION_CSS_CN_NORTH_4",
                ]),
                short_text(&["", " ", "https://a.example, https://b.example", "ftp://x"]),
            ),
            0..8,
        ),
        service in short_text(&["css", "dws", "elasticsearch"]),
        region in short_text(&["cn-north-4", "cn-hangzhou"]),
    ) {
        let map: HashMap<&str, String> = values.into_iter().collect();
        let env = |name: &str| map.get(name).cloned();
        let _ = HuaweiCredentials::from_env(&env);
        let _ = AlibabaCredentials::from_env(&env);
        match snapspec_auth::huawei_endpoint(&service, &region, &env) {
            Ok(endpoint) => prop_assert!(endpoint.starts_with("http"), "{}", endpoint),
            Err(error) => { let _ = error.to_string(); }
        }
        let _ = snapspec_auth::alibaba_endpoint(&service, &region);
        let _ = snapspec_auth::alibaba_elasticsearch_endpoint(&region);
    }
}

/// The minimal input proptest found for `huawei_dates_parse_or_are_refused` (after 1,130 cases
/// of the dedicated run): sixteen bytes with `T` and `Z` in place but a four-byte character
/// across a field boundary. `parse_date` sliced the text at byte offsets and panicked ("end byte
/// index 4 is not a char boundary").
#[test]
fn huawei_date_with_a_multibyte_character_is_refused() {
    assert_eq!(huawei::parse_date("2\u{1132a}124T083015Z"), None);
    assert_eq!(huawei::parse_date("202é124T083015Z"), None);
    assert_eq!(huawei::parse_date("20261124T0é015Z"), None);
}
