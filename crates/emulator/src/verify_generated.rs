//! The verifier on generated signed requests (the generator of `snapspec-auth`'s differential test
//! against the official SDKs): every request our signers sign verifies, and a one-byte change to
//! any part the signature covers (method, path, query, a signed header, the body) is refused.

use std::collections::HashMap;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri};
use snapspec_auth::Secret;

use super::{verify_alibaba, verify_huawei};
use crate::config::Credentials;

#[path = "../../auth/tests/differential/requests.rs"]
mod requests;
use requests::{Generated, Scheme, Target, generate};

const SEED: u64 = 0x0E41_1A70_5EED_0001;
const PER_SCHEME: u64 = 1000;

/// A received request: what the verifier is given.
#[derive(Clone)]
struct Wire {
    method: String,
    path_and_query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn signed(request: &Generated) -> Wire {
    let added = request.sign_with_snapspec();
    // The signer's headers replace a caller's of the same name.
    let mut headers: Vec<(String, String)> = request
        .headers
        .iter()
        .filter(|(n, _)| !added.iter().any(|(a, _)| n.eq_ignore_ascii_case(a)))
        .cloned()
        .collect();
    headers.extend(added.into_iter().map(|(n, v)| (n.to_string(), v)));
    let mut path_and_query = request.url.path().to_string();
    if let Some(query) = request.url.query() {
        path_and_query.push('?');
        path_and_query.push_str(query);
    }
    Wire {
        method: request.method.clone(),
        path_and_query,
        headers,
        body: request.body.clone(),
    }
}

fn credentials(request: &Generated) -> Credentials {
    let mut credentials = Credentials {
        huawei: HashMap::new(),
        huawei_tokens: Vec::new(),
        alibaba: HashMap::new(),
    };
    let map = match request.scheme {
        Scheme::Huawei => &mut credentials.huawei,
        Scheme::Acs3 | Scheme::Roa => &mut credentials.alibaba,
    };
    map.insert(request.key_id.clone(), Secret::new(request.secret.clone()));
    credentials
}

fn verify(request: &Generated, wire: &Wire) -> Result<(), String> {
    let method = Method::from_bytes(wire.method.as_bytes()).map_err(|e| e.to_string())?;
    let uri: Uri = wire.path_and_query.parse().map_err(|e| format!("{e}"))?;
    let mut headers = HeaderMap::new();
    for (name, value) in &wire.headers {
        headers.append(
            HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes()).expect("header name"),
            HeaderValue::from_str(value).expect("header value"),
        );
    }
    let verify = match request.scheme {
        Scheme::Huawei => verify_huawei,
        Scheme::Acs3 | Scheme::Roa => verify_alibaba,
    };
    let skew = Duration::from_secs(15 * 60);
    verify(
        &credentials(request),
        &method,
        &uri,
        &headers,
        &wire.body,
        request.time,
        skew,
    )
    .map_err(|refusal| format!("{}: {}", refusal.code, refusal.message))
}

/// Changes one byte of `text` that the scheme's canonical form cannot absorb: a letter or digit
/// outside a `%XX` escape (so that neither decoding nor case folding hides the change), the
/// `seed`-th such byte (modulo their count). `None` when there is none.
fn flip_text(text: &str, seed: usize) -> Option<String> {
    let bytes = text.as_bytes();
    let mut candidates = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            i += 3;
            continue;
        }
        if bytes[i].is_ascii_alphanumeric() {
            candidates.push(i);
        }
        i += 1;
    }
    if candidates.is_empty() {
        return None;
    }
    let at = candidates[seed % candidates.len()];
    let mut changed = bytes.to_vec();
    changed[at] = match changed[at] {
        b'z' => b'y',
        b'Z' => b'Y',
        b'9' => b'8',
        // Letters keep their case (Huawei upper-cases the method; a case flip could be folded).
        b => b + 1,
    };
    Some(String::from_utf8(changed).expect("ASCII change"))
}

/// The headers the signature covers, lower case.
fn signed_names(request: &Generated, wire: &Wire) -> Vec<String> {
    let authorization = &wire
        .headers
        .iter()
        .find(|(n, _)| n == "authorization")
        .expect("signed")
        .1;
    match request.scheme {
        Scheme::Huawei => {
            snapspec_auth::huawei::parse_authorization(authorization)
                .unwrap()
                .signed_headers
        }
        Scheme::Acs3 => {
            snapspec_auth::alibaba::parse_authorization(authorization)
                .unwrap()
                .signed_headers
        }
        Scheme::Roa => wire
            .headers
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .filter(|n| {
                n.starts_with("x-acs-")
                    || ["accept", "content-md5", "content-type", "date"].contains(&n.as_str())
            })
            .collect(),
    }
}

/// Whether the signature covers the body bytes themselves (Huawei signs a declared
/// `X-Sdk-Content-Sha256`, `UNSIGNED-PAYLOAD` among them, instead of the body's hash).
fn body_is_signed(wire: &Wire) -> bool {
    !wire
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("x-sdk-content-sha256"))
}

fn check(scheme: Scheme) {
    let mut changes = [0u32; 5];
    for index in 0..PER_SCHEME {
        let request = generate(SEED, scheme, Target::Wire, index);
        let wire = signed(&request);
        if let Err(refusal) = verify(&request, &wire) {
            panic!(
                "{scheme:?} #{index} {} {}: refused: {refusal}",
                request.method, request.url
            );
        }
        let seed = index as usize;
        let mut must_fail = |part: usize, what: &str, changed: Wire| {
            changes[part] += 1;
            assert!(
                verify(&request, &changed).is_err(),
                "{scheme:?} #{index}: a one-byte change to the {what} still verifies: {} {}",
                changed.method,
                changed.path_and_query
            );
        };
        // The method.
        let mut changed = wire.clone();
        changed.method = flip_text(&wire.method, seed).unwrap();
        must_fail(0, "method", changed);
        // The path, and the query.
        let (path, query) = match wire.path_and_query.split_once('?') {
            Some((p, q)) => (p.to_string(), Some(q.to_string())),
            None => (wire.path_and_query.clone(), None),
        };
        if let Some(flipped) = flip_text(&path, seed) {
            let mut changed = wire.clone();
            changed.path_and_query = match &query {
                Some(q) => format!("{flipped}?{q}"),
                None => flipped,
            };
            must_fail(1, "path", changed);
        }
        if let Some(flipped) = query.as_deref().and_then(|q| flip_text(q, seed)) {
            let mut changed = wire.clone();
            changed.path_and_query = format!("{path}?{flipped}");
            must_fail(2, "query", changed);
        }
        // Each signed header with a letter or digit in its value.
        for name in signed_names(&request, &wire) {
            let position = wire
                .headers
                .iter()
                .rposition(|(n, _)| n.eq_ignore_ascii_case(&name))
                .expect("a signed header is present");
            if let Some(flipped) = flip_text(&wire.headers[position].1, seed) {
                let mut changed = wire.clone();
                changed.headers[position].1 = flipped;
                must_fail(3, &format!("header {name}"), changed);
            }
        }
        // The body: one byte changed, or one added to an empty body.
        if body_is_signed(&wire) {
            let mut changed = wire.clone();
            match changed.body.get_mut(seed % wire.body.len().max(1)) {
                Some(byte) => *byte ^= 0x01,
                None => changed.body.push(b'x'),
            }
            must_fail(4, "body", changed);
        }
    }
    // Every kind of change was tried on most requests.
    for (count, what) in changes
        .iter()
        .zip(["method", "path", "query", "header", "body"])
    {
        assert!(
            *count as u64 >= PER_SCHEME / 2,
            "{scheme:?}: only {count} changes to the {what}"
        );
    }
}

#[test]
fn generated_huawei_requests_verify_and_any_signed_byte_changed_is_refused() {
    check(Scheme::Huawei);
}

#[test]
fn generated_acs3_requests_verify_and_any_signed_byte_changed_is_refused() {
    check(Scheme::Acs3);
}

#[test]
fn generated_roa_requests_verify_and_any_signed_byte_changed_is_refused() {
    check(Scheme::Roa);
}
