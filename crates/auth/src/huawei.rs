//! Huawei Cloud AK/SK signing, `SDK-HMAC-SHA256`, as `huaweicloudsdkcore` 3.1 does it.
//!
//! The canonical request is `METHOD\nURI\nQUERY\nHEADERS\n\nSIGNED\nPAYLOAD`, where URI is the
//! path decoded as a whole, split at `/`, each segment re-encoded, with a trailing `/`; QUERY the
//! decoded pairs sorted by key then value, both encoded; every header present is signed (names
//! lowercased and sorted, values trimmed; names with `_` are skipped); PAYLOAD the hex SHA-256 of
//! the body, or `X-Sdk-Content-Sha256` when that header is set (`UNSIGNED-PAYLOAD` for bodies that
//! are neither JSON nor BSON). The string to sign is
//! `SDK-HMAC-SHA256\nX-Sdk-Date\nSHA256(canonical request)`.

use std::fmt;
use std::time::SystemTime;

use std::borrow::Cow;
use std::fmt::Write;

use crate::canonical::{
    HashWriter, QueryStyle, authorization, hex_sha256, lowercase, signed_value, write_decoded_uri,
    write_headers, write_method, write_query, write_signed_names,
};
use crate::key::{SigningKey, rfc3339_seconds};
use crate::{AddedHeaders, Secret, SignableRequest, host_header, sha256_hex};

/// The algorithm name in `Authorization`.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The time header the signer adds (`X-Sdk-Date`).
pub const DATE_HEADER: &str = "x-sdk-date";
/// The project header added when the credentials name a project (`X-Project-Id`).
pub const PROJECT_HEADER: &str = "x-project-id";
/// The header carrying the security token of temporary credentials (`X-Security-Token`).
pub const SECURITY_TOKEN_HEADER: &str = "x-security-token";
/// The header carrying an IAM token, for token authentication instead of AK/SK (`X-Auth-Token`).
pub const AUTH_TOKEN_HEADER: &str = "x-auth-token";
/// The header that replaces the body's hash in the canonical request (`X-Sdk-Content-Sha256`).
pub const CONTENT_SHA256_HEADER: &str = "x-sdk-content-sha256";
/// The value the SDK gives [`CONTENT_SHA256_HEADER`] for bodies that are neither JSON nor BSON.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

const EMPTY_BODY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Huawei Cloud AK/SK credentials, with the project they act in and, for temporary credentials,
/// a security token.
#[derive(Clone, PartialEq, Eq)]
pub struct HuaweiCredentials {
    /// Access key id (not secret: it is sent in every `Authorization` header).
    pub ak: String,
    /// Secret access key.
    pub sk: Secret,
    /// Project id, sent as `X-Project-Id` and used as the `project_id` path parameter.
    pub project_id: Option<String>,
    /// Security token of temporary credentials, sent as `X-Security-Token`.
    pub security_token: Option<Secret>,
}

impl HuaweiCredentials {
    /// Permanent AK/SK credentials.
    pub fn new(ak: impl Into<String>, sk: impl Into<String>) -> HuaweiCredentials {
        HuaweiCredentials {
            ak: ak.into(),
            sk: Secret::new(sk),
            project_id: None,
            security_token: None,
        }
    }

    /// The same credentials acting in `project_id`.
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> HuaweiCredentials {
        self.project_id = Some(project_id.into());
        self
    }

    /// The same credentials as temporary ones, with their security token.
    pub fn with_security_token(mut self, token: impl Into<String>) -> HuaweiCredentials {
        self.security_token = Some(Secret::new(token));
        self
    }
}

impl fmt::Debug for HuaweiCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HuaweiCredentials")
            .field("ak", &self.ak)
            .field("sk", &self.sk)
            .field("project_id", &self.project_id)
            .field("security_token", &self.security_token)
            .finish()
    }
}

/// `X-Sdk-Date` for `time`: `yyyyMMddTHHmmssZ`, UTC.
pub fn format_date(time: SystemTime) -> String {
    // RFC 3339 gives `2026-11-24T08:30:15Z`; the SDK's basic format drops the separators.
    let extended = rfc3339_seconds(time);
    let basic: Vec<u8> = extended
        .into_iter()
        .filter(|b| *b != b'-' && *b != b':')
        .collect();
    String::from_utf8(basic).expect("RFC 3339 text is ASCII")
}

/// Parses an `X-Sdk-Date` value back into a time (for servers that verify signatures).
pub fn parse_date(value: &str) -> Option<SystemTime> {
    let b = value.as_bytes();
    // Digits everywhere else: the slicing below is by byte offsets, which must fall on character
    // boundaries (a multi-byte character of the same length used to panic there).
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !digits(0..8) || !digits(9..15) {
        return None;
    }
    let extended = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &value[0..4],
        &value[4..6],
        &value[6..8],
        &value[9..11],
        &value[11..13],
        &value[13..15]
    );
    humantime::parse_rfc3339(&extended).ok()
}

/// The headers the signer adds, in the SDK's order, before `Authorization`.
fn headers_to_add(
    request: &SignableRequest<'_>,
    credentials: &HuaweiCredentials,
    time: SystemTime,
) -> AddedHeaders {
    let mut added = Vec::with_capacity(6);
    if let Some(project_id) = &credentials.project_id {
        added.push((PROJECT_HEADER, project_id.clone()));
    }
    if let Some(token) = &credentials.security_token {
        added.push((SECURITY_TOKEN_HEADER, token.expose().to_string()));
    }
    // The SDK hashes only JSON and BSON bodies; any other declared type is sent unsigned.
    let content_type = request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"));
    if let Some((_, content_type)) = content_type
        && !content_type.is_empty()
        && !content_type.starts_with("application/json")
        && !content_type.starts_with("application/bson")
    {
        added.push((CONTENT_SHA256_HEADER, UNSIGNED_PAYLOAD.to_string()));
    }
    if !has_header(request.headers, DATE_HEADER) {
        added.push((DATE_HEADER, format_date(time)));
    }
    if !has_header(request.headers, "host") {
        added.push(("host", host_header(request.url)));
    }
    added
}

fn has_header(headers: &[(&str, &str)], name: &str) -> bool {
    headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name))
}

/// The signed headers: names lowercased, names with `_` skipped, later duplicates winning (as
/// in the SDK's dict), values trimmed, sorted by name. An `Authorization` already present is not
/// signed: the new one replaces it.
fn signed_headers<'a>(
    headers: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<(Cow<'a, str>, &'a str)> {
    let mut by_name: Vec<(Cow<'a, str>, &'a str)> = Vec::with_capacity(8);
    for (name, value) in headers {
        if name.contains('_') || name.eq_ignore_ascii_case("authorization") {
            continue;
        }
        let name = lowercase(name);
        let value = value.trim();
        match by_name.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => by_name.push((name, value)),
        }
    }
    by_name.sort();
    by_name
}

fn write_canonical(
    out: &mut impl Write,
    request: &SignableRequest<'_>,
    headers: &[(Cow<'_, str>, &str)],
) -> std::fmt::Result {
    write_method(out, request.method)?;
    out.write_char('\n')?;
    write_decoded_uri(out, request.url.path())?;
    out.write_char('\n')?;
    write_query(out, request.url, QueryStyle::EncodeBoth)?;
    out.write_char('\n')?;
    write_headers(out, headers)?;
    out.write_char('\n')?;
    let declared_hash = signed_value(headers, CONTENT_SHA256_HEADER);
    if request.body.is_empty() {
        out.write_str(EMPTY_BODY_SHA256)
    } else if !declared_hash.is_empty() {
        out.write_str(declared_hash)
    } else {
        let mut hex = [0u8; 64];
        out.write_str(hex_sha256(request.body, &mut hex))
    }
}

/// The canonical request over `headers` (the request's and the added ones), and the signed
/// header names joined by `;`.
pub fn canonical_request(
    request: &SignableRequest<'_>,
    headers: &[(&str, &str)],
) -> (String, String) {
    let sorted = signed_headers(headers.iter().copied());
    let mut canonical = String::with_capacity(512);
    let mut signed = String::with_capacity(64);
    write_canonical(&mut canonical, request, &sorted).expect("writing to a String");
    write_signed_names(&mut signed, &sorted).expect("writing to a String");
    (canonical, signed)
}

/// Signs `request` with `credentials` at `time` and returns the headers to add, in the order the
/// SDK adds them: `X-Project-Id` and `X-Security-Token` when the credentials have them,
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` when the content type is neither JSON nor BSON,
/// `X-Sdk-Date` and `Host` unless the request has them, and `Authorization`. Every other header
/// of the request is signed as it is.
pub fn sign(
    request: &SignableRequest<'_>,
    credentials: &HuaweiCredentials,
    time: SystemTime,
) -> AddedHeaders {
    sign_with_key(
        request,
        credentials,
        &SigningKey::new(credentials.sk.expose()),
        time,
    )
}

/// [`sign`] with the key schedule of `credentials.sk` computed beforehand (`key`).
pub fn sign_with_key(
    request: &SignableRequest<'_>,
    credentials: &HuaweiCredentials,
    key: &SigningKey,
    time: SystemTime,
) -> AddedHeaders {
    let mut added = headers_to_add(request, credentials, time);
    let value = {
        let added_pairs = added.iter().map(|(n, v)| (*n, v.as_str()));
        let sorted = signed_headers(request.headers.iter().copied().chain(added_pairs));
        let date = signed_value(&sorted, DATE_HEADER);
        // The canonical request is only hashed here, so it is written straight into the hasher.
        let mut hasher = HashWriter::new();
        write_canonical(&mut hasher, request, &sorted).expect("hashing cannot fail");
        let (mut canonical_hex, mut signature_hex) = ([0u8; 64], [0u8; 64]);
        let canonical_hash = hasher.hex(&mut canonical_hex);
        let signature = signature_of_hash(key, canonical_hash, date, &mut signature_hex);
        authorization(
            ALGORITHM,
            ("Access", &credentials.ak),
            ", ",
            &sorted,
            signature,
        )
    };
    added.push(("authorization", value));
    added
}

/// The hex signature of a canonical request signed at `date` (the `X-Sdk-Date` value) with `sk`.
pub fn signature(canonical_request: &str, date: &str, sk: &str) -> String {
    let mut out = [0u8; 64];
    let key = SigningKey::new(sk);
    signature_of_hash(
        &key,
        &sha256_hex(canonical_request.as_bytes()),
        date,
        &mut out,
    )
    .to_string()
}

/// The string to sign for a canonical request signed at `date` (the `X-Sdk-Date` value):
/// `SDK-HMAC-SHA256\n{date}\n{hex SHA-256 of the canonical request}`.
pub fn string_to_sign(canonical_request: &str, date: &str) -> String {
    format!(
        "{ALGORITHM}\n{date}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

/// The query of `url` as the SDK sends it: the canonical query string (pairs sorted by key then
/// value, both percent-encoded, spaces as `%20`), `None` when there is no query.
pub fn canonical_query(url: &url::Url) -> Option<String> {
    let raw = url.query()?;
    let mut query = String::with_capacity(raw.len() + 16);
    write_query(&mut query, url, QueryStyle::EncodeBoth).expect("writing to a String");
    Some(query)
}

/// The hex HMAC of the string to sign, `SDK-HMAC-SHA256\n{date}\n{canonical_hash}`.
fn signature_of_hash<'a>(
    key: &SigningKey,
    canonical_hash: &str,
    date: &str,
    out: &'a mut [u8; 64],
) -> &'a str {
    key.hex_mac(&[ALGORITHM, "\n", date, "\n", canonical_hash], out)
}

/// The parts of a Huawei `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The access key id.
    pub access: String,
    /// The signed header names, lowercase.
    pub signed_headers: Vec<String>,
    /// The hex signature.
    pub signature: String,
}

/// Parses `SDK-HMAC-SHA256 Access=..., SignedHeaders=...;..., Signature=...`.
pub fn parse_authorization(value: &str) -> Option<ParsedAuthorization> {
    let rest = value.strip_prefix(ALGORITHM)?.trim_start();
    let (mut access, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (key, val) = part.trim().split_once('=')?;
        match key {
            "Access" => access = Some(val.to_string()),
            "SignedHeaders" => signed = Some(val.split(';').map(str::to_string).collect()),
            "Signature" => signature = Some(val.to_string()),
            _ => return None,
        }
    }
    Some(ParsedAuthorization {
        access: access?,
        signed_headers: signed?,
        signature: signature?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_in_the_basic_format() {
        let time = humantime::parse_rfc3339("2026-11-24T08:30:15Z").unwrap();
        assert_eq!(format_date(time), "20261124T083015Z");
        assert_eq!(parse_date("20261124T083015Z"), Some(time));
        assert_eq!(parse_date("2026-11-24T08:30:15Z"), None);
        // Sixteen bytes with `T` and `Z` in place, but not digits around them.
        assert_eq!(parse_date("2026112xT083015Z"), None);
        assert_eq!(parse_date("20261124T0é015Z"), None);
    }

    #[test]
    fn canonical_uri_decodes_then_encodes_and_ends_with_a_slash() {
        let uri = |path: &str| {
            let mut out = String::new();
            write_decoded_uri(&mut out, path).unwrap();
            out
        };
        assert_eq!(uri("/v1.0/a%20b%2A~c/x"), "/v1.0/a%20b%2A~c/x/");
        assert_eq!(uri("/v1.0/a b*/"), "/v1.0/a%20b%2A/");
    }

    #[test]
    fn authorization_parses_back() {
        let parsed = parse_authorization(
            "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=ab12",
        )
        .unwrap();
        assert_eq!(parsed.access, "AK1");
        assert_eq!(parsed.signed_headers, ["host", "x-sdk-date"]);
        assert_eq!(parsed.signature, "ab12");
        assert_eq!(parse_authorization("ACS3-HMAC-SHA256 Credential=x"), None);
    }
}
