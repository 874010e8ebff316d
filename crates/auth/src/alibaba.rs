//! Alibaba Cloud signature V3, `ACS3-HMAC-SHA256`, as `alibabacloud-tea-openapi` 0.4 does it for
//! ROA-style calls.
//!
//! The canonical request is `METHOD\nPATH\nQUERY\nHEADERS\n\nSIGNED\nSHA256(body)`, where PATH is
//! the path exactly as sent (already percent-encoded), QUERY the decoded pairs sorted by key as
//! `key=encoded(value)`, and every header present is signed (lowercased, sorted, repeated values
//! sorted and joined by `,`). The string to sign is `ACS3-HMAC-SHA256\nSHA256(canonical request)`.

use std::fmt;
use std::time::SystemTime;

use crate::encoding::{query_pairs, quote, unquote};
use crate::{AddedHeaders, Secret, SignableRequest, hmac_sha256, host_header, sha256_hex};

/// The algorithm name in `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Alibaba Cloud AccessKey credentials and, for STS credentials, a security token.
#[derive(Clone, PartialEq, Eq)]
pub struct AlibabaCredentials {
    /// AccessKey id (not secret: it is sent in every `Authorization` header).
    pub access_key_id: String,
    /// AccessKey secret.
    pub access_key_secret: Secret,
    /// STS security token, sent as `x-acs-security-token`.
    pub security_token: Option<Secret>,
}

impl AlibabaCredentials {
    /// Permanent AccessKey credentials.
    pub fn new(
        access_key_id: impl Into<String>,
        access_key_secret: impl Into<String>,
    ) -> AlibabaCredentials {
        AlibabaCredentials {
            access_key_id: access_key_id.into(),
            access_key_secret: Secret::new(access_key_secret),
            security_token: None,
        }
    }

    /// The same credentials as STS ones, with their security token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> AlibabaCredentials {
        self.security_token = Some(Secret::new(token));
        self
    }
}

impl fmt::Debug for AlibabaCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AlibabaCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token)
            .finish()
    }
}

/// What identifies the call besides the request: the action (`AddSnapshotRepo`) and the API
/// version (`2017-06-13`).
#[derive(Debug, Clone, Copy)]
pub struct Operation<'a> {
    /// `x-acs-action`.
    pub action: &'a str,
    /// `x-acs-version`.
    pub version: &'a str,
}

/// `x-acs-date` for `time`: ISO 8601 UTC to the second.
pub fn format_date(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// Parses an `x-acs-date` value back into a time (for servers that verify signatures).
pub fn parse_date(value: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(value).ok()
}

/// A path encoded as the SDK encodes it: each segment decoded, then every character but
/// `A-Z a-z 0-9 _ . - ~` percent-encoded (`*` becomes `%2A`).
pub fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| quote(&unquote(segment)))
        .collect::<Vec<_>>()
        .join("/")
}

/// The canonical query string: decoded pairs sorted by key, values encoded, keys as they are.
fn canonical_query(url: &url::Url) -> String {
    let mut pairs = query_pairs(url);
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", quote(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request over `headers` (all but `Authorization`) with `payload_hash`, and the
/// signed header names joined by `;`.
pub fn canonical_request(
    request: &SignableRequest<'_>,
    headers: &[(String, String)],
    payload_hash: &str,
) -> (String, String) {
    let mut by_name: Vec<(String, Vec<String>)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let name = name.to_ascii_lowercase();
        let value = value.trim().to_string();
        match by_name.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1.push(value),
            None => by_name.push((name, vec![value])),
        }
    }
    by_name.sort_by(|a, b| a.0.cmp(&b.0));
    let mut canonical_headers = String::new();
    for (name, values) in &mut by_name {
        values.sort();
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let signed = by_name
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let path = if request.url.path().is_empty() {
        "/"
    } else {
        request.url.path()
    };
    let canonical = format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        path,
        canonical_query(request.url),
        canonical_headers,
        signed,
        payload_hash
    );
    (canonical, signed)
}

/// Signs `request` for `operation` with `credentials` at `time` with `nonce`, and returns the
/// headers to add: `host`, `x-acs-version`, `x-acs-action`, `x-acs-date`,
/// `x-acs-signature-nonce`, `x-acs-content-sha256`, for STS credentials `x-acs-accesskey-id` and
/// `x-acs-security-token`, and `Authorization`.
pub fn sign(
    request: &SignableRequest<'_>,
    operation: Operation<'_>,
    credentials: &AlibabaCredentials,
    time: SystemTime,
    nonce: &str,
) -> AddedHeaders {
    let payload_hash = sha256_hex(request.body);
    let mut added: AddedHeaders = vec![
        ("host".to_string(), host_header(request.url)),
        ("x-acs-version".to_string(), operation.version.to_string()),
        ("x-acs-action".to_string(), operation.action.to_string()),
        ("x-acs-date".to_string(), format_date(time)),
        ("x-acs-signature-nonce".to_string(), nonce.to_string()),
        ("x-acs-content-sha256".to_string(), payload_hash.clone()),
    ];
    if let Some(token) = &credentials.security_token {
        added.push((
            "x-acs-accesskey-id".to_string(),
            credentials.access_key_id.clone(),
        ));
        added.push((
            "x-acs-security-token".to_string(),
            token.expose().to_string(),
        ));
    }
    let all: Vec<(String, String)> = request
        .headers
        .iter()
        .cloned()
        .chain(added.iter().cloned())
        .collect();
    let (canonical, signed) = canonical_request(request, &all, &payload_hash);
    let signature = signature(&canonical, credentials.access_key_secret.expose());
    added.push((
        "Authorization".to_string(),
        format!(
            "{ALGORITHM} Credential={},SignedHeaders={signed},Signature={signature}",
            credentials.access_key_id
        ),
    ));
    added
}

/// The hex signature of a canonical request under `secret`.
pub fn signature(canonical_request: &str, secret: &str) -> String {
    let string_to_sign = format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()));
    hex::encode(hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// The parts of an Alibaba `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The AccessKey id.
    pub credential: String,
    /// The signed header names, lowercase.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

/// Parses `ACS3-HMAC-SHA256 Credential=...,SignedHeaders=...,Signature=...`.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.strip_prefix(ALGORITHM)?.trim_start();
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key {
            "Credential" => credential = Some(val.to_string()),
            "SignedHeaders" => signed = Some(val.split(';').map(str::to_string).collect()),
            "Signature" => signature = Some(val.to_string()),
            _ => return None,
        }
    }
    Some(ParsedAuthorization {
        credential: credential?,
        signed_headers: signed?,
        signature: signature?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_like_the_sdk() {
        assert_eq!(
            encode_path("/openapi/instances/es-cn-n6w1o1x0w001c****/snapshot-repos"),
            "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos"
        );
        // Already-encoded input is not encoded twice.
        assert_eq!(encode_path("/a%2A/b%20c"), "/a%2A/b%20c");
    }

    #[test]
    fn authorization_parses_back() {
        let parsed = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=LTAI,SignedHeaders=host;x-acs-date,Signature=ff",
        )
        .unwrap();
        assert_eq!(parsed.credential, "LTAI");
        assert_eq!(parsed.signed_headers, ["host", "x-acs-date"]);
    }
}
