//! Random signable requests, generated deterministically from a seed, for the differential test
//! against the official SDKs (`tests/differential.rs`) and the emulator's verifier test
//! (`snapspec-emulator`'s `src/verify_generated.rs`, which includes this file by `#[path]`).
//!
//! Each request is a URL as the `url` crate serialises it (what a client sends), headers present
//! before signing, a body, credentials, a time and a nonce. The shapes cover what the signers
//! must get right: every method, paths with reserved, percent-encoded (also invalid UTF-8) and
//! non-ASCII characters, empty segments and trailing slashes, query strings with repeated, empty,
//! bare and unsorted keys and `+`/`%20` spaces, header names in any case with values padded by
//! spaces and tabs inside and out, empty, text, binary and 1 MiB bodies, and security tokens.
//!
//! Some inputs cannot be given to an SDK in the same form, or mean something else to it; those
//! classes are left out per scheme, each with its reason, where the generator would produce them.

#![allow(dead_code)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The signing scheme a request is generated for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Huawei Cloud `SDK-HMAC-SHA256` (`huaweicloudsdkcore`).
    Huawei,
    /// Alibaba Cloud `ACS3-HMAC-SHA256` (`alibabacloud-tea-openapi`).
    Acs3,
    /// Alibaba Cloud ROA `acs <id>:<HMAC-SHA1>` (`aliyun-python-sdk-core`).
    Roa,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Huawei => "huawei",
            Scheme::Acs3 => "acs3",
            Scheme::Roa => "roa",
        }
    }
}

/// Where the requests go: the SDKs (any header value a Python `str` holds) or an HTTP server
/// (header values are visible ASCII, spaces and tabs: what `http::HeaderValue::to_str` reads).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Sdk,
    Wire,
}

/// One request to sign.
#[derive(Debug, Clone)]
pub struct Generated {
    pub scheme: Scheme,
    pub method: String,
    pub url: url::Url,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub key_id: String,
    pub secret: String,
    pub security_token: Option<String>,
    /// Huawei only.
    pub project_id: Option<String>,
    /// ACS3 only: `x-acs-action` and `x-acs-version`.
    pub action: String,
    pub version: String,
    pub time: SystemTime,
    pub nonce: String,
}

impl Generated {
    /// The headers our signer for the request's scheme adds, at the request's time and nonce.
    pub fn sign_with_snapspec(&self) -> Vec<(&'static str, String)> {
        use snapspec_auth::{AlibabaCredentials, HuaweiCredentials, SignableRequest};
        let headers = self.header_pairs();
        let signable = SignableRequest {
            method: &self.method,
            url: &self.url,
            headers: &headers,
            body: &self.body,
        };
        match self.scheme {
            Scheme::Huawei => {
                let mut credentials = HuaweiCredentials::new(&self.key_id, &self.secret);
                if let Some(project) = &self.project_id {
                    credentials = credentials.with_project_id(project);
                }
                if let Some(token) = &self.security_token {
                    credentials = credentials.with_security_token(token);
                }
                snapspec_auth::huawei::sign(&signable, &credentials, self.time)
            }
            Scheme::Acs3 | Scheme::Roa => {
                let mut credentials = AlibabaCredentials::new(&self.key_id, &self.secret);
                if let Some(token) = &self.security_token {
                    credentials = credentials.with_security_token(token);
                }
                if self.scheme == Scheme::Roa {
                    return snapspec_auth::alibaba_roa::sign(
                        &signable,
                        &credentials,
                        self.time,
                        None,
                    );
                }
                let operation = snapspec_auth::alibaba::Operation {
                    action: &self.action,
                    version: &self.version,
                };
                snapspec_auth::alibaba::sign(
                    &signable,
                    operation,
                    &credentials,
                    self.time,
                    &self.nonce,
                )
            }
        }
    }

    pub fn header_pairs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

/// SplitMix64: a small, fixed, seedable generator (the same seed gives the same requests on
/// every machine and every run).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `1/n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    pub fn pick<T: Copy, const N: usize>(&mut self, items: &[T; N]) -> T {
        items[self.below(N)]
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

const HOSTS: [&str; 7] = [
    "https://css.cn-north-4.myhuaweicloud.com",
    "https://elasticsearch.cn-hangzhou.aliyuncs.com",
    "http://127.0.0.1:8080",
    "https://dws.EU-WEST-101.myhuaweicloud.eu:443",
    "http://[::1]:9000",
    "https://Example.COM:8443",
    "http://localhost",
];

const WORDS: [&str; 12] = [
    "v1.0",
    "openapi",
    "instances",
    "es-cn-n6w1o1x0w001c****",
    "snapshot_001",
    "clusters",
    "6204a5bd270343b5885144cf9c8c158d",
    "a.b-c_d~e",
    "index_snapshot",
    "x",
    "UPPER",
    "0",
];

/// Pieces of path segments, query names and values: plain text, sub-delimiters and other reserved
/// characters, percent-encoded sequences (also `%2F`, `%25`, lower-case hex and invalid UTF-8),
/// and non-ASCII text.
const PIECES: [&str; 34] = [
    "a", "Z", "9", "-", ".", "_", "~", "*", "!", "$", "'", "(", ")", ",", ";", ":", "@", "[", "]",
    "|", "%20", "%2A", "%2F", "%25", "%c3%a9", "%E9", "%F0%9F", "%41", "é", "中文", "😀", " ",
    "\"", "^",
];

fn piece_text(rng: &mut Rng, max: usize) -> String {
    let mut text = String::new();
    for _ in 0..rng.below(max + 1) {
        if rng.one_in(2) {
            text.push_str(rng.pick(&WORDS));
        } else {
            text.push_str(rng.pick(&PIECES));
        }
    }
    text
}

fn path(rng: &mut Rng, scheme: Scheme) -> String {
    let mut path = String::new();
    for _ in 0..=rng.below(5) {
        path.push('/');
        // An empty segment now and then (`//`).
        if !rng.one_in(8) {
            path.push_str(&piece_text(rng, 4));
        }
    }
    if rng.one_in(4) {
        path.push('/');
    }
    // Written raw, `?` and `#` would end the path; `%3F` and `%23` are what a client sends.
    let path = path.replace('?', "%3F").replace('#', "%23");
    match scheme {
        // Excluded for ROA: the classic SDK signs the resource before encoding it and splits it
        // at the first `?` (`roa_signature_composer.__build_query_string`), so a path whose
        // decoded form holds `?` signs as a different resource than the one sent.
        Scheme::Roa => path.replace("%3F", "q"),
        _ => path,
    }
}

/// A query name or value written as a client might: pieces as above, spaces as `+` or `%20`,
/// `&`, `=`, `+` and `#` escaped so that they stay inside the name or value.
fn query_text(rng: &mut Rng, max: usize) -> String {
    let mut text = String::new();
    for _ in 0..rng.below(max + 1) {
        match rng.below(10) {
            0 => text.push('+'),
            1 => text.push_str(rng.pick(&["%26", "%3D", "%2B", "%23", "%3F"])),
            2..=5 => text.push_str(rng.pick(&WORDS)),
            _ => text.push_str(rng.pick(&PIECES)),
        }
    }
    text
}

/// The decoded form of a query name, as a form decoder reads it (to keep names distinct).
fn form_decoded(text: &str) -> String {
    url::form_urlencoded::parse(format!("{text}=").as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_default()
}

fn query(rng: &mut Rng, scheme: Scheme) -> Option<String> {
    if rng.one_in(4) {
        return None;
    }
    let mut pairs: Vec<String> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for _ in 0..rng.below(7) {
        // Repeated names: half the time a name already used.
        let name = if !names.is_empty() && rng.one_in(4) {
            names[rng.below(names.len())].clone()
        } else {
            query_text(rng, 3)
        };
        // Excluded for ACS3 and ROA: both SDKs hold the query in a dict, so a name cannot be
        // repeated (also not as two spellings of one decoded name, `a+b` and `a%20b`).
        if scheme != Scheme::Huawei {
            let decoded = form_decoded(&name);
            if names.iter().any(|n| form_decoded(n) == decoded) {
                continue;
            }
        }
        names.push(name.clone());
        let pair = match rng.below(6) {
            // A bare name (`flag`) and an empty value (`flag=`).
            0 => name,
            1 => format!("{name}="),
            _ => format!("{name}={}", query_text(rng, 4)),
        };
        pairs.push(pair);
    }
    // Now and then an empty pair (`a=1&&b=2`), which every decoder skips.
    if rng.one_in(10) {
        pairs.push(String::new());
    }
    Some(pairs.join("&"))
}

/// A header value: visible ASCII with inner runs of spaces, padding of spaces and tabs on either
/// side, empty; for the SDKs also non-ASCII text.
fn header_value(rng: &mut Rng, target: Target) -> String {
    const PADDING: [&str; 5] = ["", " ", "  ", "\t", " \t "];
    const TEXT: [&str; 12] = [
        "value",
        "Mixed Case",
        "a  b",
        "x=y;z",
        "\"quoted\"",
        "1,2",
        "/path?q",
        "é",
        "中文 値",
        "",
        "tab\tinside",
        "~!@#$%^&*()",
    ];
    let mut value = String::new();
    value.push_str(rng.pick(&PADDING));
    for _ in 0..rng.below(4) {
        let text = rng.pick(&TEXT);
        if target == Target::Wire && !text.is_ascii() {
            continue;
        }
        value.push_str(text);
        if rng.one_in(2) {
            value.push(' ');
        }
    }
    value.push_str(rng.pick(&PADDING));
    value
}

fn header_name(rng: &mut Rng, scheme: Scheme) -> String {
    const PREFIXES: [&str; 5] = ["X-Custom", "x-acs-", "X-Acs-", "x-meta-", "Accept-"];
    const TAILS: [&str; 6] = ["a", "Trace-Id", "b1", "resourcegroupid", "Zeta", "request"];
    let mut name = String::new();
    name.push_str(rng.pick(&PREFIXES));
    name.push_str(rng.pick(&TAILS));
    // Huawei's signer skips names with `_`; generate some.
    if scheme == Scheme::Huawei && rng.one_in(6) {
        name.push_str("_under");
    }
    name.replace("--", "-")
}

/// Names the signer itself sets, or that a scheme reads by one spelling only: a custom header
/// never takes one of these names (they are generated deliberately below, where they apply).
fn reserved_name(scheme: Scheme, lower: &str) -> bool {
    let common = ["authorization", "host", "content-type", "accept"];
    let own: &[&str] = match scheme {
        Scheme::Huawei => &[
            "x-sdk-date",
            "x-sdk-content-sha256",
            "x-project-id",
            "x-security-token",
        ],
        Scheme::Acs3 => &[
            "x-acs-version",
            "x-acs-action",
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
            "x-acs-accesskey-id",
            "x-acs-security-token",
            "x-acs-credentials-provider",
            "user-agent",
        ],
        Scheme::Roa => &[
            "content-md5",
            "date",
            "x-acs-signature-method",
            "x-acs-signature-version",
            "x-acs-signature-nonce",
            "x-acs-security-token",
        ],
    };
    common.contains(&lower) || own.contains(&lower)
}

fn custom_headers(rng: &mut Rng, scheme: Scheme, target: Target) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for _ in 0..rng.below(6) {
        let name = header_name(rng, scheme);
        let lower = name.to_ascii_lowercase();
        if reserved_name(scheme, &lower) {
            continue;
        }
        let same_name = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(&name));
        let excluded = match scheme {
            // Excluded for Huawei: the SDK keeps headers in a dict keyed by their spelling and
            // signs each key, so `X-A` and `x-a` would be signed twice under one name; an HTTP
            // request carries one field, which is what our signer signs (the last value).
            Scheme::Huawei => same_name,
            // Excluded for ROA: one `x-acs-*` name in two spellings is kept by the SDK's dict
            // in insertion order with the last winning, as ours does; but an HTTP server reads
            // repeated fields as one, so the pair is not a request a client can send.
            Scheme::Roa => same_name,
            // ACS3 joins repeated names' values (sorted, by `,`) in both: repeats are kept,
            // in the two spellings the SDK's dict can hold (exact repeats of one spelling
            // cannot be in a dict).
            Scheme::Acs3 => headers.iter().any(|(n, _)| *n == name),
        };
        if excluded {
            continue;
        }
        headers.push((name, header_value(rng, target)));
    }
    headers
}

fn body(rng: &mut Rng) -> Vec<u8> {
    match rng.below(400) {
        0 => rng.bytes(1 << 20),
        1..=160 => Vec::new(),
        161..=260 => {
            br#"{"name":"snapshot_001","indices":"a,b","description":"\u00e9 x"}"#.to_vec()
        }
        261..=330 => {
            let len = rng.below(300);
            rng.bytes(len)
        }
        _ => {
            let mut text = String::from("{\"k\":\"");
            text.push_str(&piece_text(rng, 6));
            text.push_str("\"}");
            text.into_bytes()
        }
    }
}

fn token(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_";
    let len = 20 + rng.below(300);
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())] as char)
        .collect()
}

fn alnum(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| ALPHABET[rng.below(ALPHABET.len())] as char)
        .collect()
}

fn hex_text(rng: &mut Rng, len: usize) -> String {
    hex::encode(rng.bytes(len.div_ceil(2)))[..len].to_string()
}

/// A time between 2020 and 2035, to the second.
fn time(rng: &mut Rng) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_577_836_800 + rng.below(473_040_000) as u64)
}

/// The `index`-th request of `scheme` for `target` from `seed`: the same arguments give the same
/// request.
pub fn generate(seed: u64, scheme: Scheme, target: Target, index: u64) -> Generated {
    let mut rng = Rng::new(seed ^ index.wrapping_mul(0xA24B_AED4_963E_E407) ^ scheme as u64);
    let method = rng.pick(&METHODS).to_string();
    let base = rng.pick(&HOSTS);
    let mut text = format!("{base}{}", path(&mut rng, scheme));
    if let Some(query) = query(&mut rng, scheme) {
        text.push('?');
        text.push_str(&query);
    }
    let url = url::Url::parse(&text).unwrap_or_else(|e| panic!("generated URL {text:?}: {e}"));
    let body = body(&mut rng);
    let mut headers = custom_headers(&mut rng, scheme, target);
    let time = time(&mut rng);
    let nonce = hex_text(&mut rng, 32);
    let secret_len = 30 + rng.below(20);
    let security_token = rng.one_in(3).then(|| token(&mut rng));
    let key_id = alnum(&mut rng, 20);
    let secret = alnum(&mut rng, secret_len);
    let mut project_id = None;
    let (mut action, mut version) = (String::new(), String::new());
    match scheme {
        Scheme::Huawei => {
            project_id = rng.one_in(2).then(|| hex_text(&mut rng, 32));
            // `Content-Type` decides whether the body is hashed (JSON, BSON) or sent unsigned.
            // Spelled only `Content-Type`: the SDK looks that spelling up and no other, while
            // its own clients (and ours, through hyper) send one content type whatever the case.
            if !body.is_empty() || rng.one_in(4) {
                let content_type = rng.pick(&[
                    "application/json",
                    "application/json;charset=UTF-8",
                    "application/bson",
                    "application/octet-stream",
                    "text/plain; charset=utf-8",
                    " application/json",
                    "",
                ]);
                headers.push(("Content-Type".into(), content_type.to_string()));
            }
            // A caller's own `X-Sdk-Content-Sha256`, `X-Sdk-Date` and `Host`, now and then:
            // the signer keeps them. (Spelled as the SDK spells them: see above.)
            if rng.one_in(20) {
                headers.push(("X-Sdk-Content-Sha256".into(), hex_text(&mut rng, 64)));
            }
            if rng.one_in(20) {
                headers.push((
                    "X-Sdk-Date".into(),
                    snapspec_auth::huawei::format_date(time),
                ));
            }
            if rng.one_in(20) {
                headers.push(("Host".into(), snapspec_auth_host(&url)));
            }
        }
        Scheme::Acs3 => {
            action = rng
                .pick(&["AddSnapshotRepo", "ListInstance", "CreateSnapshot", "Get"])
                .to_string();
            version = rng.pick(&["2017-06-13", "2019-01-01"]).to_string();
            // The SDK always sends `user-agent` and `accept` (its defaults, which a caller's
            // headers of the same lower-case names replace) and `x-acs-credentials-provider`
            // (set after the caller's headers, `static_ak` or `static_sts` for keys given in its
            // Config). A request carries them as caller headers here.
            headers.push((
                "user-agent".into(),
                format!("snapspec/1 {}", header_value(&mut rng, target)),
            ));
            headers.push((
                "accept".into(),
                rng.pick(&["application/json", "*/*", " text/xml "])
                    .to_string(),
            ));
            let provider = if security_token.is_some() {
                "static_sts"
            } else {
                "static_ak"
            };
            headers.push(("x-acs-credentials-provider".into(), provider.into()));
            if !body.is_empty() || rng.one_in(4) {
                let name = rng.pick(&["content-type", "Content-Type"]);
                headers.push((name.to_string(), "application/octet-stream".into()));
            }
            // A caller's own value for a header the SDK defaults (in the SDK's lower-case
            // spelling, which is the one that replaces the default in its dict).
            if rng.one_in(20) {
                headers.push(("x-acs-signature-nonce".into(), hex_text(&mut rng, 16)));
            }
            if rng.one_in(20) {
                headers.push(("host".into(), snapspec_auth_host(&url)));
            }
        }
        Scheme::Roa => {
            // The SDK sets `Accept` from the request's format (`application/json`,
            // `application/xml`, or `application/octet-stream` for raw): one of those three.
            headers.push((
                "Accept".into(),
                rng.pick(&[
                    "application/json",
                    "application/xml",
                    "application/octet-stream",
                ])
                .to_string(),
            ));
            // `Content-Type` in the SDK's spelling (it reads that key only), for a body.
            if !body.is_empty() {
                headers.push((
                    "Content-Type".into(),
                    rng.pick(&["application/json", "application/octet-stream"])
                        .to_string(),
                ));
            }
            headers.push(("x-acs-version".into(), "2017-06-13".into()));
            headers.push(("x-acs-region-id".into(), "cn-hangzhou".into()));
        }
    }
    // Callers' headers come in any order.
    for i in (1..headers.len()).rev() {
        headers.swap(i, rng.below(i + 1));
    }
    Generated {
        scheme,
        method,
        url,
        headers,
        body,
        key_id,
        secret,
        security_token,
        project_id,
        action,
        version,
        time,
        nonce,
    }
}

/// `host[:port]` of `url`, as a client's `Host` header.
fn snapspec_auth_host(url: &url::Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_string(),
    }
}
