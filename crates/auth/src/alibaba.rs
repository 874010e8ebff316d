//! Alibaba Cloud signature V3, `ACS3-HMAC-SHA256`, as `alibabacloud-tea-openapi` 0.4 does it for
//! ROA-style calls.
//!
//! The canonical request is `METHOD\nPATH\nQUERY\nHEADERS\n\nSIGNED\nSHA256(body)`, where PATH is
//! the path exactly as sent (already percent-encoded), QUERY the decoded pairs sorted by key as
//! `key=encoded(value)`, and every header present is signed (lowercased, sorted, repeated values
//! sorted and joined by `,`). The string to sign is `ACS3-HMAC-SHA256\nSHA256(canonical request)`.

use std::fmt;
use std::time::SystemTime;

use std::borrow::Cow;
use std::fmt::Write;

use crate::canonical::{
    HashWriter, QueryStyle, lowercase, write_headers, write_query, write_signed_names,
};
use crate::encoding::{quote, unquote};
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
    let mut added: AddedHeaders = Vec::with_capacity(9);
    added.push(("host", host_header(request.url)));
    added.push(("x-acs-version", operation.version.to_string()));
    added.push(("x-acs-action", operation.action.to_string()));
    added.push(("x-acs-date", format_date(time)));
    added.push(("x-acs-signature-nonce", nonce.to_string()));
    if let Some(token) = &credentials.security_token {
        added.push(("x-acs-accesskey-id", credentials.access_key_id.clone()));
        added.push(("x-acs-security-token", token.expose().to_string()));
    }
    let (signed, signature) = {
        let hash_header = ("x-acs-content-sha256", payload_hash);
        let added_pairs = added.iter().map(|(n, v)| (*n, v.as_str()));
        let hash_pair = std::iter::once((hash_header.0, hash_header.1.as_str()));
        let sorted = signed_headers(
            request
                .headers
                .iter()
                .copied()
                .chain(added_pairs)
                .chain(hash_pair),
        );
        // The canonical request is only hashed here, so it is written straight into the hasher.
        let mut hasher = HashWriter::new();
        write_canonical(&mut hasher, request, &sorted, &hash_header.1)
            .expect("hashing cannot fail");
        let mut hex = [0u8; 64];
        let signature =
            signature_of_hash(hasher.hex(&mut hex), credentials.access_key_secret.expose());
        let mut signed = String::with_capacity(160);
        write_signed_names(&mut signed, &sorted).expect("writing to a String");
        drop(sorted);
        added.push(hash_header);
        (signed, signature)
    };
    added.push((
        "authorization",
        format!(
            "{ALGORITHM} Credential={},SignedHeaders={signed},Signature={signature}",
            credentials.access_key_id
        ),
    ));
    added
}

/// The hex signature of a canonical request under `secret`.
pub fn signature(canonical_request: &str, secret: &str) -> String {
    signature_of_hash(&sha256_hex(canonical_request.as_bytes()), secret)
}

fn signature_of_hash(canonical_hash: &str, secret: &str) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    for part in [ALGORITHM, "\n", canonical_hash] {
        mac.update(part.as_bytes());
    }
    hex::encode(mac.finalize().into_bytes())
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
