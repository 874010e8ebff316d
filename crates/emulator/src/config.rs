//! What the emulator accepts and how it misbehaves on demand.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use snapspec_auth::Secret;

/// Key pairs the emulator accepts. Empty: signatures are not checked.
#[derive(Clone, Default)]
pub struct Credentials {
    /// Huawei Cloud AK -> SK.
    pub huawei: HashMap<String, Secret>,
    /// Huawei Cloud IAM tokens accepted in `X-Auth-Token`.
    pub huawei_tokens: Vec<Secret>,
    /// Alibaba Cloud AccessKey id -> secret.
    pub alibaba: HashMap<String, Secret>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Ids are not secret; the secrets print as *** through `Secret`.
        f.debug_struct("Credentials")
            .field("huawei", &self.huawei)
            .field("huawei_tokens", &self.huawei_tokens)
            .field("alibaba", &self.alibaba)
            .finish()
    }
}

/// The `--credentials FILE` format (JSON):
///
/// ```json
/// {
///   "huawei": [{"ak": "AK1", "sk": "SK1"}],
///   "huawei_tokens": ["an-iam-token"],
///   "alibaba": [{"access_key_id": "LTAI1", "access_key_secret": "secret1"}]
/// }
/// ```
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialsFile {
    #[serde(default)]
    huawei: Vec<HuaweiPair>,
    #[serde(default)]
    huawei_tokens: Vec<String>,
    #[serde(default)]
    alibaba: Vec<AlibabaPair>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HuaweiPair {
    ak: String,
    sk: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlibabaPair {
    access_key_id: String,
    access_key_secret: String,
}

impl Credentials {
    /// Whether any credential is configured, i.e. whether signatures are checked.
    pub fn checks_signatures(&self) -> bool {
        !(self.huawei.is_empty() && self.huawei_tokens.is_empty() && self.alibaba.is_empty())
    }

    /// The pairs given in the clients' environment variables (`HUAWEICLOUD_SDK_AK`/`_SK`,
    /// `ALIBABA_CLOUD_ACCESS_KEY_ID`/`_SECRET`); a vendor whose variables are unset adds nothing.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Credentials {
        let mut credentials = Credentials::default();
        if let Ok(huawei) = snapspec_auth::HuaweiCredentials::from_env(env) {
            credentials.huawei.insert(huawei.ak, huawei.sk);
        }
        if let Ok(alibaba) = snapspec_auth::AlibabaCredentials::from_env(env) {
            credentials
                .alibaba
                .insert(alibaba.access_key_id, alibaba.access_key_secret);
        }
        credentials
    }

    /// Adds the pairs of a credentials file. The error names the file and what is wrong, never a
    /// secret.
    pub fn add_file(&mut self, path: &Path) -> Result<(), String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file: CredentialsFile = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}: line {}, column {}: not a credentials file ({}); expected {{\"huawei\": [{{\"ak\": ..., \"sk\": ...}}], \"alibaba\": [{{\"access_key_id\": ..., \"access_key_secret\": ...}}]}}",
                path.display(),
                e.line(),
                e.column(),
                e.classify_name()
            )
        })?;
        for pair in file.huawei {
            self.huawei.insert(pair.ak, Secret::new(pair.sk));
        }
        self.huawei_tokens
            .extend(file.huawei_tokens.into_iter().map(Secret::new));
        for pair in file.alibaba {
            self.alibaba
                .insert(pair.access_key_id, Secret::new(pair.access_key_secret));
        }
        Ok(())
    }
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "JSON syntax error",
            serde_json::error::Category::Data => "unexpected field or type",
            serde_json::error::Category::Eof => "unexpected end of file",
        }
    }
}

/// The default of [`EmulatorConfig::max_snapshots`]: far more than any test or benchmark run
/// keeps at once (the vendors' own quotas are in the hundreds per cluster), and small enough that
/// a full store stays in the tens of megabytes (a CSS snapshot takes a few hundred bytes).
pub const DEFAULT_MAX_SNAPSHOTS: usize = 100_000;

/// The default of [`EmulatorConfig::max_body_bytes`]: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// The default of [`EmulatorConfig::header_read_timeout`].
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything the emulator is told at start-up.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub credentials: Credentials,
    /// Alibaba instance ids that answer `InstanceNotFound`.
    pub unknown_instances: BTreeSet<String>,
    /// Alibaba instance ids that answer `InstanceActivating`.
    pub activating_instances: BTreeSet<String>,
    /// Added to every answer.
    pub latency: Duration,
    /// Share of requests answered with a 5xx, from 0.0 to 1.0.
    pub error_rate: f64,
    /// How far a signed date may be from the emulator's clock.
    pub max_clock_skew: Duration,
    /// How long a new snapshot stays in progress (CSS `BUILDING`, DWS `CREATING`) before it
    /// reaches its final status.
    pub snapshot_duration: Duration,
    /// Snapshot names that end in the vendor's failed status (CSS `FAILED`, DWS `UNAVAILABLE`)
    /// instead of completing: failures on demand.
    pub failing_snapshots: BTreeSet<String>,
    /// Requests per second each access key may make (one bucket for all unsigned requests), as an
    /// API gateway's token bucket holding one second's worth of requests (at least one); a
    /// request over the rate gets the vendor's throttling answer and reaches no handler. `None`:
    /// no throttling.
    pub throttle_rate: Option<f64>,
    /// Every Nth vendor request (counted across the emulator, after signature checks and
    /// throttling) is carried out, then its connection is closed without an answer: an
    /// ambiguous failure for the client. `None` or `Some(0)`: never.
    pub drop_every: Option<u64>,
    /// How many snapshots the emulator holds at once, all APIs, projects and clusters together.
    /// A create beyond it gets the vendor's quota answer instead of growing the store, so that a
    /// long-running shared emulator keeps a bounded memory. Deleting a snapshot frees its place.
    pub max_snapshots: usize,
    /// The largest request body accepted, in bytes; a larger one is answered 413 without being
    /// read further. The documented request bodies are a few hundred bytes.
    pub max_body_bytes: usize,
    /// How long a client may take to send a request's complete headers, counted from the moment
    /// its connection is ready for a request (accepted, or the previous answer sent), before
    /// the connection is closed; so an idle kept-alive connection is closed after it too. Only
    /// [`serve`](crate::serve) and [`serve_until`](crate::serve_until) enforce it.
    pub header_read_timeout: Duration,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            credentials: Credentials::default(),
            unknown_instances: BTreeSet::new(),
            activating_instances: BTreeSet::new(),
            latency: Duration::ZERO,
            error_rate: 0.0,
            max_clock_skew: Duration::from_secs(15 * 60),
            snapshot_duration: Duration::from_secs(3),
            failing_snapshots: BTreeSet::new(),
            throttle_rate: None,
            drop_every: None,
            max_snapshots: DEFAULT_MAX_SNAPSHOTS,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
        }
    }
}
