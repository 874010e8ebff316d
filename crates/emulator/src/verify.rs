//! Signature verification, with the project's own signers: the canonical request is rebuilt from
//! what was received (method, path as sent, query, the signed headers, the body) and the
//! signature recomputed with the caller's secret.

use std::time::{Duration, SystemTime};

use axum::http::{HeaderMap, Method, Uri};
use snapspec_auth::{Secret, SignableRequest, alibaba, alibaba_roa, huawei, sha256_hex};
use subtle::ConstantTimeEq;

use crate::config::Credentials;

/// Why a request's authentication was refused, in the vendor's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

fn refuse(code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        code,
        message: message.into(),
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The URL the client signed: scheme and host do not enter the canonical request, the path and
/// query are taken as received.
fn received_url(uri: &Uri, headers: &HeaderMap) -> Result<url::Url, Refusal> {
    let host = header(headers, "host").unwrap_or("localhost");
    let path_and_query = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    url::Url::parse(&format!("http://{host}{path_and_query}"))
        .map_err(|e| refuse("BadRequest", e.to_string()))
}

/// The values of the headers named in `SignedHeaders`, as received: every field of a repeated
/// name, in order (ACS3 signs them all, joined; Huawei the last one).
fn signed_header_values<'a>(
    headers: &'a HeaderMap,
    names: &'a [String],
) -> Result<Vec<(&'a str, &'a str)>, String> {
    let mut values = Vec::with_capacity(names.len());
    for name in names {
        let before = values.len();
        values.extend(
            headers
                .get_all(name.as_str())
                .iter()
                .filter_map(|v| Some((name.as_str(), v.to_str().ok()?))),
        );
        if values.len() == before {
            return Err(name.clone());
        }
    }
    Ok(values)
}

/// What the server received, as the signature covers it.
struct Received<'a> {
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

/// Rebuilds what the client signed (the headers named in `SignedHeaders` as received, the path
/// and query as sent, the body) and returns the vendor's canonical request over it.
fn received_canonical(
    received: Received<'_>,
    signed_names: &[String],
    missing: impl Fn(&str) -> Refusal,
    canonical: impl FnOnce(&SignableRequest<'_>, &[(&str, &str)]) -> String,
) -> Result<String, Refusal> {
    let signed =
        signed_header_values(received.headers, signed_names).map_err(|name| missing(&name))?;
    let url = received_url(received.uri, received.headers)?;
    let request = SignableRequest {
        method: received.method.as_str(),
        url: &url,
        headers: &signed,
        body: received.body,
    };
    Ok(canonical(&request, &signed))
}

fn within(time: SystemTime, now: SystemTime, skew: Duration) -> bool {
    match now.duration_since(time) {
        Ok(age) => age <= skew,
        Err(ahead) => ahead.duration() <= skew,
    }
}

/// Verifies a Huawei `SDK-HMAC-SHA256` signature, or accepts a configured IAM token.
pub fn verify_huawei(
    credentials: &Credentials,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
    max_skew: Duration,
) -> Result<(), Refusal> {
    const CODE: &str = "APIGW.0301";
    if let Some(token) = header(headers, huawei::AUTH_TOKEN_HEADER) {
        return match credentials.huawei_tokens.iter().any(|t| t.matches(token)) {
            true => Ok(()),
            false => Err(refuse(
                CODE,
                "Incorrect IAM authentication information: the token is not valid",
            )),
        };
    }
    let authorization = header(headers, "authorization").ok_or_else(|| {
        refuse(
            CODE,
            "Incorrect IAM authentication information: no Authorization header",
        )
    })?;
    let parsed = huawei::parse_authorization(authorization).ok_or_else(|| {
        refuse(
            CODE,
            "Incorrect IAM authentication information: Authorization is not SDK-HMAC-SHA256",
        )
    })?;
    let sk = credentials.huawei.get(&parsed.access).ok_or_else(|| {
        refuse(
            CODE,
            "Incorrect IAM authentication information: the access key does not exist",
        )
    })?;
    let date = header(headers, huawei::DATE_HEADER)
        .and_then(huawei::parse_date)
        .ok_or_else(|| {
            refuse(
                CODE,
                "Incorrect IAM authentication information: X-Sdk-Date is missing or malformed",
            )
        })?;
    if !within(date, now, max_skew) {
        return Err(refuse(
            CODE,
            "Incorrect IAM authentication information: X-Sdk-Date is more than 15 minutes off",
        ));
    }
    if !parsed.signed_headers.iter().any(|h| h == "x-sdk-date")
        || !parsed.signed_headers.iter().any(|h| h == "host")
    {
        return Err(refuse(
            CODE,
            "Incorrect IAM authentication information: host and x-sdk-date must be signed",
        ));
    }
    let canonical = received_canonical(
        Received {
            method,
            uri,
            headers,
            body,
        },
        &parsed.signed_headers,
        |name| {
            refuse(
                CODE,
                format!(
                    "Incorrect IAM authentication information: signed header {name} is missing"
                ),
            )
        },
        |request, signed| huawei::canonical_request(request, signed).0,
    )?;
    let date_value = header(headers, huawei::DATE_HEADER).unwrap_or_default();
    let expected = huawei::signature(&canonical, date_value, sk.expose());
    match expected
        .as_bytes()
        .ct_eq(parsed.signature.as_bytes())
        .into()
    {
        true => Ok(()),
        false => Err(refuse(
            CODE,
            "Incorrect IAM authentication information: verify aksk signature fail",
        )),
    }
}

/// The secret of AccessKey `id`, or Alibaba's refusal of an unknown one.
fn alibaba_secret<'a>(credentials: &'a Credentials, id: &str) -> Result<&'a Secret, Refusal> {
    credentials.alibaba.get(id).ok_or_else(|| {
        refuse(
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        )
    })
}

/// Alibaba's refusal of a signed date more than `max_skew` away from `now`.
fn alibaba_fresh(date: SystemTime, now: SystemTime, max_skew: Duration) -> Result<(), Refusal> {
    if within(date, now, max_skew) {
        Ok(())
    } else {
        Err(refuse(
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired (more than 15 minutes off).",
        ))
    }
}

/// Compares two signatures in constant time; Alibaba's refusal when they differ.
fn alibaba_signature_matches(expected: &str, received: &str) -> Result<(), Refusal> {
    match expected.as_bytes().ct_eq(received.as_bytes()).into() {
        true => Ok(()),
        false => Err(refuse(
            "SignatureDoesNotMatch",
            "Specified signature does not match our calculation.",
        )),
    }
}

/// Verifies an Alibaba signature: `ACS3-HMAC-SHA256` (the current SDKs) or the ROA signature
/// `acs <AccessKeyId>:<signature>` (the classic SDKs and the aliyun CLI).
pub fn verify_alibaba(
    credentials: &Credentials,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
    now: SystemTime,
    max_skew: Duration,
) -> Result<(), Refusal> {
    let authorization = header(headers, "authorization")
        .ok_or_else(|| refuse("IncompleteSignature", "The request signature does not conform to Alibaba Cloud standards: no Authorization header"))?;
    if let Some((id, signature)) = alibaba_roa::parse_authorization(authorization) {
        let received = Received {
            method,
            uri,
            headers,
            body,
        };
        return verify_alibaba_roa(credentials, received, id, signature, now, max_skew);
    }
    let parsed = alibaba::parse_authorization(authorization).ok_or_else(|| {
        refuse("IncompleteSignature", "The request signature does not conform to Alibaba Cloud standards: Authorization is neither ACS3-HMAC-SHA256 nor acs <AccessKeyId>:<signature>")
    })?;
    let secret = alibaba_secret(credentials, &parsed.credential)?;
    let date = header(headers, "x-acs-date")
        .and_then(alibaba::parse_date)
        .ok_or_else(|| refuse("IncompleteSignature", "x-acs-date is missing or malformed"))?;
    alibaba_fresh(date, now, max_skew)?;
    for required in [
        "host",
        "x-acs-date",
        "x-acs-content-sha256",
        "x-acs-signature-nonce",
        "x-acs-action",
        "x-acs-version",
    ] {
        if !parsed.signed_headers.iter().any(|h| h == required) {
            return Err(refuse(
                "IncompleteSignature",
                format!("the header {required} must be signed"),
            ));
        }
    }
    let payload_hash = sha256_hex(body);
    if header(headers, "x-acs-content-sha256") != Some(payload_hash.as_str()) {
        return Err(refuse(
            "SignatureDoesNotMatch",
            "The request body does not match x-acs-content-sha256.",
        ));
    }
    let canonical = received_canonical(
        Received {
            method,
            uri,
            headers,
            body,
        },
        &parsed.signed_headers,
        |name| {
            refuse(
                "IncompleteSignature",
                format!("signed header {name} is missing"),
            )
        },
        |request, signed| alibaba::canonical_request(request, signed, &payload_hash).0,
    )?;
    let expected = alibaba::signature(&canonical, secret.expose());
    alibaba_signature_matches(&expected, &parsed.signature)
}

/// Verifies the ROA signature `acs <id>:<signature>`: the string to sign is rebuilt from what was
/// received (method, `Accept`, `Content-MD5`, `Content-Type`, `Date`, every `x-acs-*` header, the
/// decoded path and sorted query), and the body is checked against `Content-MD5`, the only place
/// the signature covers it. The same refusals as ACS3: unknown key, a date too far off, a
/// signature or body that does not match; and `IncompleteSignature` naming every header missing.
fn verify_alibaba_roa(
    credentials: &Credentials,
    received: Received<'_>,
    id: &str,
    signature: &str,
    now: SystemTime,
    max_skew: Duration,
) -> Result<(), Refusal> {
    let headers = received.headers;
    let secret = alibaba_secret(credentials, id)?;
    // What the classic SDK always sends; Content-MD5 whenever there is a body.
    let mut required = vec![
        "date",
        "x-acs-signature-method",
        "x-acs-signature-version",
        "x-acs-version",
    ];
    if !received.body.is_empty() {
        required.push("content-md5");
    }
    let missing: Vec<&str> = required
        .into_iter()
        .filter(|name| header(headers, name).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(refuse(
            "IncompleteSignature",
            format!(
                "The request signature does not conform to Alibaba Cloud standards: the acs (ROA) signature needs the header(s) {}",
                missing.join(", ")
            ),
        ));
    }
    let date = header(headers, "date")
        .and_then(alibaba_roa::parse_date)
        .ok_or_else(|| {
            refuse(
                "IncompleteSignature",
                "Date is malformed: expected an HTTP date such as `Tue, 24 Nov 2026 08:30:15 GMT`",
            )
        })?;
    alibaba_fresh(date, now, max_skew)?;
    let signature_method = header(headers, "x-acs-signature-method").unwrap_or_default();
    if signature_method != alibaba_roa::SIGNATURE_METHOD {
        return Err(refuse(
            "InvalidSignatureMethod",
            format!(
                "Specified signature method is not valid: x-acs-signature-method must be {}",
                alibaba_roa::SIGNATURE_METHOD
            ),
        ));
    }
    if let Some(md5) = header(headers, "content-md5")
        && md5 != alibaba_roa::content_md5(received.body)
    {
        return Err(refuse(
            "SignatureDoesNotMatch",
            "The request body does not match Content-MD5.",
        ));
    }
    let url = received_url(received.uri, headers)?;
    let all: Vec<(&str, &str)> = headers
        .iter()
        .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?)))
        .collect();
    let text = alibaba_roa::string_to_sign(received.method.as_str(), &url, &all);
    let expected = alibaba_roa::signature(&text, secret.expose());
    alibaba_signature_matches(&expected, signature)
}

#[cfg(test)]
#[path = "verify_generated.rs"]
mod generated_requests;
