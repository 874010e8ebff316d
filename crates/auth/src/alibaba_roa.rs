//! Alibaba Cloud's ROA signature, `Authorization: acs <AccessKeyId>:<signature>`, as the classic
//! Python SDK (`aliyun-python-sdk-core` 2.16.1, `RoaRequest`) and the aliyun CLI sign REST-style
//! calls.
//!
//! The string to sign is seven parts, the first five each followed by `\n`:
//!
//! 1. the method (`POST`);
//! 2. the `Accept` value (empty when the request has none);
//! 3. the `Content-MD5` value: base64 of the MD5 of the body, set for a request with a body;
//! 4. the `Content-Type` value;
//! 5. the `Date` value, an HTTP date (`Wed, 02 Dec 2026 14:54:16 GMT`);
//! 6. every header whose name starts with `x-acs-`, name lowercased, sorted by name, written as
//!    `name:value\n` with the value untouched;
//! 7. the resource: the path with its parameters as plain text (not percent-encoded), then, when
//!    the query has parameters, `?` and the parameters sorted by name as `name=value` joined by
//!    `&`, names and values as plain text as well.
//!
//! The signature is the base64 HMAC-SHA1 of that text keyed with the AccessKey secret. Nothing
//! else of the request is signed: the body only through `Content-MD5`, so a server must check
//! that one against the body it received ([`content_md5`]).
//!
//! The SDK signs the path and query it composed before encoding them; a server sees them encoded
//! (path parameters by the HTTP library, query values by `urlencode`, spaces as `+`). So this
//! module always works from the URL as sent and decodes it: the path percent-decoded, each query
//! name and value form-decoded. For everything the SDK sends the two agree (the golden vectors in
//! `tests/vectors/alibaba_roa.json` are computed by the SDK's own code).

use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use md5::{Digest, Md5};
use percent_encoding::percent_decode_str;
use sha1::Sha1;

use crate::{AddedHeaders, AlibabaCredentials, SignableRequest};

/// The first word of the `Authorization` value.
pub const SCHEME: &str = "acs";

/// `x-acs-signature-method`: the only method this scheme signs with here.
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";

/// `x-acs-signature-version`.
pub const SIGNATURE_VERSION: &str = "1.0";

/// Headers the signer sets; a request's own copies are replaced: they are neither signed nor
/// meant to be sent (the caller drops them when it adds the signer's).
pub const REPLACED_HEADERS: [&str; 7] = [
    "content-md5",
    "date",
    "x-acs-signature-method",
    "x-acs-signature-version",
    "x-acs-signature-nonce",
    "x-acs-security-token",
    "authorization",
];

/// The `Date` header for `time`: an HTTP date in GMT, to the second.
pub fn format_date(time: SystemTime) -> String {
    httpdate::fmt_http_date(time)
}

/// Parses a `Date` header back into a time (for servers that verify signatures).
pub fn parse_date(value: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(value).ok()
}

/// `Content-MD5` of `body`: the base64 of its MD5 digest.
pub fn content_md5(body: &[u8]) -> String {
    STANDARD.encode(Md5::digest(body))
}

/// The value of header `name` (any case) among `headers`; the last one when it is repeated.
fn value_of<'a>(headers: &[(&str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .rev()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
}

/// `s` form-decoded: `+` is a space, then `%XX` sequences as UTF-8 (invalid ones replaced).
fn form_decode(s: &str) -> String {
    if s.contains('+') {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    } else {
        percent_decode_str(s).decode_utf8_lossy().into_owned()
    }
}

/// The canonical resource of `url`: the decoded path, then `?` and the decoded query parameters
/// sorted by name (a parameter written without `=` stays without it).
pub fn canonical_resource(url: &url::Url) -> String {
    let mut resource = percent_decode_str(url.path())
        .decode_utf8_lossy()
        .into_owned();
    let mut pairs: Vec<(String, Option<String>)> = url
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => (form_decode(name), Some(form_decode(value))),
            None => (form_decode(pair), None),
        })
        .collect();
    // A stable sort by name only: the order of repeated names is the order they were sent in.
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    for (i, (name, value)) in pairs.iter().enumerate() {
        resource.push(if i == 0 { '?' } else { '&' });
        resource.push_str(name);
        if let Some(value) = value {
            resource.push('=');
            resource.push_str(value);
        }
    }
    resource
}

/// The string to sign for a request with `method` to `url` carrying `headers` (all of them, in
/// any case; only `Accept`, `Content-MD5`, `Content-Type`, `Date` and the `x-acs-*` ones count).
pub fn string_to_sign(method: &str, url: &url::Url, headers: &[(&str, &str)]) -> String {
    let mut text = String::with_capacity(256);
    text.push_str(method);
    text.push('\n');
    for name in ["accept", "content-md5", "content-type", "date"] {
        text.push_str(value_of(headers, name).unwrap_or_default());
        text.push('\n');
    }
    // Lowercased names, the last value of a repeated name, sorted by name.
    let mut acs: Vec<(String, &str)> = Vec::new();
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if !lower.starts_with("x-acs-") {
            continue;
        }
        match acs.iter_mut().find(|(n, _)| *n == lower) {
            Some(entry) => entry.1 = value,
            None => acs.push((lower, value)),
        }
    }
    acs.sort();
    for (name, value) in acs {
        text.push_str(&name);
        text.push(':');
        text.push_str(value);
        text.push('\n');
    }
    text.push_str(&canonical_resource(url));
    text
}

/// The base64 HMAC-SHA1 of `string_to_sign` keyed with `secret`.
pub fn signature(string_to_sign: &str, secret: &str) -> String {
    let mut mac =
        Hmac::<Sha1>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Signs `request` with `credentials` at `time`, and returns the headers to add, in the order the
/// SDK sets them: `x-acs-security-token` (STS credentials only), `content-md5` (a request with a
/// body), `date`, `x-acs-signature-method`, `x-acs-signature-version`, `x-acs-signature-nonce`
/// (when `nonce` is given; the Python SDK sends none, the gateway accepts one as it accepts any
/// `x-acs-` header) and `authorization`.
///
/// The request's own headers are signed as they are, except those in [`REPLACED_HEADERS`]. It
/// should carry what the SDK sets before signing: `Accept`, `Content-Type` for a body,
/// `x-acs-version`, `x-acs-action`, `x-acs-region-id` (and the `RegionId` query parameter).
pub fn sign(
    request: &SignableRequest<'_>,
    credentials: &AlibabaCredentials,
    time: SystemTime,
    nonce: Option<&str>,
) -> AddedHeaders {
    let mut added: AddedHeaders = Vec::with_capacity(7);
    if let Some(token) = &credentials.security_token {
        added.push(("x-acs-security-token", token.expose().to_string()));
    }
    if !request.body.is_empty() {
        added.push(("content-md5", content_md5(request.body)));
    }
    added.push(("date", format_date(time)));
    added.push(("x-acs-signature-method", SIGNATURE_METHOD.to_string()));
    added.push(("x-acs-signature-version", SIGNATURE_VERSION.to_string()));
    if let Some(nonce) = nonce {
        added.push(("x-acs-signature-nonce", nonce.to_string()));
    }
    let mut headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .copied()
        .filter(|(name, _)| {
            !REPLACED_HEADERS
                .iter()
                .any(|replaced| name.eq_ignore_ascii_case(replaced))
        })
        .collect();
    headers.extend(added.iter().map(|(n, v)| (*n, v.as_str())));
    let text = string_to_sign(request.method, request.url, &headers);
    let signed = signature(&text, credentials.access_key_secret.expose());
    added.push((
        "authorization",
        authorization(&credentials.access_key_id, &signed),
    ));
    added
}

/// `acs <AccessKeyId>:<signature>`.
pub fn authorization(access_key_id: &str, signature: &str) -> String {
    format!("{SCHEME} {access_key_id}:{signature}")
}

/// The AccessKey id and the signature of an `acs <AccessKeyId>:<signature>` value; `None` for
/// anything else (an ACS3 value among them).
pub fn parse_authorization(value: &str) -> Option<(&str, &str)> {
    let rest = value.strip_prefix(SCHEME)?.strip_prefix(' ')?.trim_start();
    // The id has no `:`; a base64 signature has none either.
    let (id, signature) = rest.split_once(':')?;
    // Trimmed before the emptiness check: `acs id:` followed by whitespace has no signature.
    let signature = signature.trim_end();
    if id.is_empty() || signature.is_empty() || id.contains(char::is_whitespace) {
        return None;
    }
    Some((id, signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resource_is_decoded_and_the_query_sorted_by_name() {
        let url = url::Url::parse(
            "http://h/openapi/instances/es%20cn*/snapshot-repos?repoPath=a%2A&RegionId=cn-hangzhou&clientToken=x+y%2B&flag",
        )
        .unwrap();
        assert_eq!(
            canonical_resource(&url),
            "/openapi/instances/es cn*/snapshot-repos?RegionId=cn-hangzhou&clientToken=x y+&flag&repoPath=a*"
        );
        let bare = url::Url::parse("http://h/openapi/instances/i/snapshots").unwrap();
        assert_eq!(canonical_resource(&bare), "/openapi/instances/i/snapshots");
    }

    #[test]
    fn dates_are_http_dates_and_parse_back() {
        let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_509_256);
        let text = format_date(time);
        assert_eq!(text, "Tue, 24 Nov 2026 08:34:16 GMT");
        assert_eq!(parse_date(&text), Some(time));
        assert_eq!(parse_date("2026-12-02T14:34:16Z"), None);
    }

    #[test]
    fn authorization_parses_back_and_acs3_is_not_taken_for_it() {
        let value = authorization("LTAI5t", "Fa/ySY/J2Jx8YtiWDyfox2CIS/0=");
        assert_eq!(value, "acs LTAI5t:Fa/ySY/J2Jx8YtiWDyfox2CIS/0=");
        assert_eq!(
            parse_authorization(&value),
            Some(("LTAI5t", "Fa/ySY/J2Jx8YtiWDyfox2CIS/0="))
        );
        assert_eq!(
            parse_authorization("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=f"),
            None
        );
        assert_eq!(parse_authorization("acs :sig"), None);
        assert_eq!(parse_authorization("acs LTAI5t"), None);
        // Found by the no-panic property test: only whitespace after the `:` is no signature
        // (it used to give `Some(("LTAI5t", ""))`).
        assert_eq!(parse_authorization("acs LTAI5t:\n"), None);
        assert_eq!(parse_authorization("acs LTAI5t: \t"), None);
        assert_eq!(parse_authorization("acsLTAI5t:sig"), None);
    }

    #[test]
    fn content_md5_is_base64_of_the_digest() {
        // RFC 1321's test suite: MD5("abc") = 900150983cd24fb0d6963f7d28e17f72.
        assert_eq!(content_md5(b"abc"), "kAFQmDzST7DWlj99KOF/cg==");
    }
}
