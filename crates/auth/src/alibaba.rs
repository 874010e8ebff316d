//! Alibaba Cloud signature V3, `ACS3-HMAC-SHA256`, as `alibabacloud-tea-openapi` 0.4 does it for
//! ROA-style calls.
//!
//! The canonical request is `METHOD\nPATH\nQUERY\nHEADERS\n\nSIGNED\nSHA256(body)`, where PATH is
//! the path exactly as sent (already percent-encoded: the SDK encodes path parameters with
//! `DaraURL.percent_encode`, see [`encode_path`]), QUERY the decoded pairs sorted by key as
//! `key=encoded(value)` (the key is not encoded), and every header present is signed (names
//! lowercased and sorted, values trimmed, repeated values sorted and joined by `,`). The string to
//! sign is `ACS3-HMAC-SHA256\nSHA256(canonical request)`.

use std::fmt;
use std::time::SystemTime;

use std::borrow::Cow;
use std::fmt::Write;

use crate::canonical::{
    HashWriter, QueryStyle, authorization, lowercase, signed_value, write_headers, write_query,
    write_quoted, write_signed_names,
};
use crate::encoding::unquote;
use crate::key::{SigningKey, rfc3339_seconds};
use crate::{AddedHeaders, Secret, SignableRequest, host_header, sha256_hex};

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
    String::from_utf8_lossy(&rfc3339_seconds(time)).into_owned()
}

/// Parses an `x-acs-date` value back into a time (for servers that verify signatures).
pub fn parse_date(value: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339(value).ok()
}

/// A path encoded as the SDK encodes it: each segment decoded, then every character but
/// `A-Z a-z 0-9 _ . - ~` percent-encoded (`*` becomes `%2A`), which is what the generated
/// product clients do to each path parameter (`DaraURL.percent_encode`, that is
/// `quote(value, safe='')` with `*` as `%2A`). Segments are split before decoding, so an encoded
/// `/` inside a parameter stays `%2F`.
pub fn encode_path(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len() + 16);
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            encoded.push('/');
        }
        let written = if segment.contains('%') {
            write_quoted(&mut encoded, &unquote(segment))
        } else {
            write_quoted(&mut encoded, segment)
        };
        written.expect("writing to a String");
    }
    encoded
}

/// The signed headers: names lowercased, values trimmed, sorted by name then value (repeated
/// names are joined by `,` when written).
fn signed_headers<'a>(
    headers: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<(Cow<'a, str>, &'a str)> {
    let mut sorted: Vec<(Cow<'a, str>, &'a str)> =
        headers.map(|(n, v)| (lowercase(n), v.trim())).collect();
    sorted.sort();
    sorted
}

/// Headers the SDK sets after the caller's headers are merged in, so that its values replace the
/// caller's: a request's own copies are neither signed nor kept.
const REPLACED_HEADERS: [&str; 4] = [
    "x-acs-content-sha256",
    "x-acs-accesskey-id",
    "x-acs-security-token",
    "authorization",
];

/// Whether the request has header `name`, in any case.
fn has_header(request: &SignableRequest<'_>, name: &str) -> bool {
    request
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case(name))
}

fn write_canonical(
    out: &mut impl Write,
    request: &SignableRequest<'_>,
    headers: &[(Cow<'_, str>, &str)],
    payload_hash: &str,
) -> std::fmt::Result {
    out.write_str(request.method)?;
    out.write_char('\n')?;
    out.write_str(if request.url.path().is_empty() {
        "/"
    } else {
        request.url.path()
    })?;
    out.write_char('\n')?;
    write_query(out, request.url, QueryStyle::EncodeValues)?;
    out.write_char('\n')?;
    write_headers(out, headers)?;
    out.write_char('\n')?;
    out.write_str(payload_hash)
}

/// The canonical request over `headers` (all but `Authorization`) with `payload_hash`, and the
/// signed header names joined by `;`.
pub fn canonical_request(
    request: &SignableRequest<'_>,
    headers: &[(&str, &str)],
    payload_hash: &str,
) -> (String, String) {
    let sorted = signed_headers(headers.iter().copied());
    let mut canonical = String::with_capacity(512);
    let mut signed = String::with_capacity(128);
    write_canonical(&mut canonical, request, &sorted, payload_hash).expect("writing to a String");
    write_signed_names(&mut signed, &sorted).expect("writing to a String");
    (canonical, signed)
}

/// Signs `request` for `operation` with `credentials` at `time` with `nonce`, and returns the
/// headers to add, in the order the SDK sets them: `host`, `x-acs-version`, `x-acs-action`,
/// `x-acs-date` and `x-acs-signature-nonce` (each unless the request has it: the SDK lets the
/// caller's headers win over these defaults), `x-acs-content-sha256`, for STS credentials
/// `x-acs-accesskey-id` and `x-acs-security-token`, and `Authorization`. Every other header of
/// the request is signed as it is.
pub fn sign(
    request: &SignableRequest<'_>,
    operation: Operation<'_>,
    credentials: &AlibabaCredentials,
    time: SystemTime,
    nonce: &str,
) -> AddedHeaders {
    let key = SigningKey::new(credentials.access_key_secret.expose());
    sign_with_key(request, operation, credentials, &key, time, nonce)
}

/// [`sign`] with the key schedule of the AccessKey secret computed beforehand (`key`).
pub fn sign_with_key(
    request: &SignableRequest<'_>,
    operation: Operation<'_>,
    credentials: &AlibabaCredentials,
    key: &SigningKey,
    time: SystemTime,
    nonce: &str,
) -> AddedHeaders {
    // The SDK merges the caller's headers over these defaults, so a request's own value wins.
    let defaults = [
        ("host", host_header(request.url)),
        ("x-acs-version", operation.version.to_string()),
        ("x-acs-action", operation.action.to_string()),
        ("x-acs-date", format_date(time)),
        ("x-acs-signature-nonce", nonce.to_string()),
    ];
    let mut added: AddedHeaders = Vec::with_capacity(9);
    added.extend(
        defaults
            .into_iter()
            .filter(|(name, _)| !has_header(request, name)),
    );
    added.push(("x-acs-content-sha256", sha256_hex(request.body)));
    if let Some(token) = &credentials.security_token {
        added.push(("x-acs-accesskey-id", credentials.access_key_id.clone()));
        added.push(("x-acs-security-token", token.expose().to_string()));
    }
    let value = {
        let own_headers = request.headers.iter().copied().filter(|(name, _)| {
            !REPLACED_HEADERS
                .iter()
                .any(|replaced| name.eq_ignore_ascii_case(replaced))
        });
        let added_pairs = added.iter().map(|(n, v)| (*n, v.as_str()));
        let sorted = signed_headers(own_headers.chain(added_pairs));
        let payload_hash = signed_value(&sorted, "x-acs-content-sha256");
        // The canonical request is only hashed here, so it is written straight into the hasher.
        let mut hasher = HashWriter::new();
        write_canonical(&mut hasher, request, &sorted, payload_hash).expect("hashing cannot fail");
        let (mut canonical_hex, mut signature_hex) = ([0u8; 64], [0u8; 64]);
        let canonical_hash = hasher.hex(&mut canonical_hex);
        let signature = signature_of_hash(key, canonical_hash, &mut signature_hex);
        authorization(
            ALGORITHM,
            ("Credential", &credentials.access_key_id),
            ",",
            &sorted,
            signature,
        )
    };
    added.push(("authorization", value));
    added
}

/// The hex signature of a canonical request under `secret`.
pub fn signature(canonical_request: &str, secret: &str) -> String {
    let mut out = [0u8; 64];
    let key = SigningKey::new(secret);
    signature_of_hash(&key, &sha256_hex(canonical_request.as_bytes()), &mut out).to_string()
}

/// The string to sign for a canonical request:
/// `ACS3-HMAC-SHA256\n{hex SHA-256 of the canonical request}`.
pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// The hex HMAC of the string to sign, `ACS3-HMAC-SHA256\n{canonical_hash}`.
fn signature_of_hash<'a>(key: &SigningKey, canonical_hash: &str, out: &'a mut [u8; 64]) -> &'a str {
    key.hex_mac(&[ALGORITHM, "\n", canonical_hash], out)
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
