//! `snapspec`: call the cloud snapshot APIs from the command line, on snapspec's signed clients.

mod alibaba_es;
mod css;
mod dws;
mod prune;
mod waiting;

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use serde_json::{Map, Value};
use snapspec_runtime::{
    AlibabaChain, ClientError, ConfigError, CredentialsError, FieldError, HuaweiChain,
    SignerSource, VendorError,
};

const EXIT_CODES: &str = "\
Exit status:
  0  the service accepted the request; its answer is printed on stdout as JSON
  1  the service refused the request; its code, message and request id are printed on stderr
  2  invalid arguments: a value breaks a documented rule (nothing was sent)
  3  configuration: missing credentials, bad region or endpoint
  4  the service could not be reached, or answered something unreadable
  5  --wait: --timeout passed before the snapshot reached a final status (the request's answer
     is still printed on stdout)
  6  --wait: the snapshot (or CSS restore) ended in the vendor's failed status, or disappeared
  7  prune: snapshots still in progress were left alone (the others were deleted; the JSON
     report on stdout lists them under `refused`)";

/// Call cloud snapshot APIs (Huawei Cloud CSS and DWS, Alibaba Cloud Elasticsearch) with signed
/// requests.
///
/// Credentials are looked for where the official SDKs look, in their order. Huawei Cloud: the
/// variables HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID,
/// HUAWEICLOUD_SDK_SECURITY_TOKEN; then [basic] in ~/.huaweicloud/credentials (or
/// $HUAWEICLOUD_SDK_CREDENTIALS_FILE); then the temporary credentials of the ECS server's agency.
/// Alibaba Cloud: the variables ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET,
/// ALIBABA_CLOUD_SECURITY_TOKEN; then the aliyun CLI's ~/.aliyun/config.json (profile
/// $ALIBABA_CLOUD_PROFILE or the current one); then ~/.alibabacloud/credentials.ini; then the ECS
/// instance's RAM role (ALIBABA_CLOUD_ECS_METADATA_DISABLED=true skips it). When none has them,
/// the error lists every place tried.
#[derive(Debug, Parser)]
#[command(name = "snapspec", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(flatten)]
    common: CommonOptions,
    #[command(subcommand)]
    command: Command,
}

/// Options every API subcommand accepts, before or after the subcommand.
#[derive(Debug, Args)]
struct CommonOptions {
    /// Region id, e.g. cn-north-4 (Huawei Cloud) or cn-hangzhou (Alibaba Cloud). Required unless
    /// --endpoint is given.
    #[arg(long, global = true, value_name = "REGION")]
    region: Option<String>,
    /// Huawei Cloud project id [default: the credentials' own: HUAWEICLOUD_SDK_PROJECT_ID,
    /// project_id in the credentials file, or the ECS server's project].
    #[arg(long, global = true, value_name = "ID")]
    project_id: Option<String>,
    /// Send requests to this endpoint instead of the region's, e.g. the snapspec emulator at
    /// http://127.0.0.1:8080. Plain http is accepted, with a warning unless the host is loopback.
    #[arg(long, global = true, value_name = "URL")]
    endpoint: Option<String>,
    /// The credentials found for the command, looked up before it runs (see [`look_up`]).
    #[arg(skip)]
    credentials: Credentials,
}

/// The outcome of the vendor's credential chain for an API command. It is looked up before the
/// command runs, as the chain may ask an instance metadata service (asynchronously); a command
/// that finds it missing fails with exit status 3 when it builds its client, after its arguments
/// were checked (so that a broken argument is still reported as such).
#[derive(Debug, Default)]
enum Credentials {
    #[default]
    NotLookedUp,
    Found(Arc<dyn SignerSource>),
    Missing(CredentialsError),
}

/// Looks up the credentials `command` needs: the Huawei chain (acting in `--project-id` when
/// given) or the Alibaba one; the first signer is asked for, so that temporary credentials and
/// the project id are fetched now.
async fn look_up(common: &CommonOptions, command: &Command) -> Credentials {
    let source: Arc<dyn SignerSource> = match command {
        Command::Css(_) | Command::Dws(_) => {
            let chain = HuaweiChain::from_process_env();
            Arc::new(match &common.project_id {
                Some(project_id) => chain.with_project_id(project_id.clone()),
                None => chain,
            })
        }
        Command::AlibabaEs(_) => Arc::new(AlibabaChain::from_process_env(ALIBABA_ES_API_VERSION)),
        Command::Emulate(_) => return Credentials::NotLookedUp,
    };
    match source.signer().await {
        Ok(_) => Credentials::Found(source),
        Err(missing) => Credentials::Missing(missing),
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Huawei Cloud CSS (Cloud Search Service).
    #[command(subcommand, after_help = EXIT_CODES)]
    Css(css::CssCommand),
    /// Huawei Cloud GaussDB(DWS).
    #[command(subcommand, after_help = EXIT_CODES)]
    Dws(dws::DwsCommand),
    /// Alibaba Cloud Elasticsearch (API version 2017-06-13).
    #[command(subcommand, name = "alibaba-es", after_help = EXIT_CODES)]
    AlibabaEs(alibaba_es::AlibabaEsCommand),
    /// Run a local emulator of the three APIs that checks signatures and the specs' rules.
    ///
    /// It accepts the key pairs in HUAWEICLOUD_SDK_AK/_SK and ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET,
    /// and those of --credentials FILE (JSON: {"huawei": [{"ak": "...", "sk": "..."}],
    /// "huawei_tokens": ["..."], "alibaba": [{"access_key_id": "...", "access_key_secret": "..."}]}).
    /// With none configured, it accepts unsigned requests and says so. Any project id is accepted,
    /// each with its own state. Logs go to stderr (RUST_LOG=warn to quiet them).
    ///
    /// Alibaba requests may be signed with ACS3-HMAC-SHA256 or with the ROA signature
    /// (Authorization: acs <AccessKeyId>:<signature>) of the classic SDKs and the aliyun CLI.
    /// --throttle-rate, --drop-every, --error-rate and --latency-ms make it misbehave on demand,
    /// for testing retries. SIGTERM or Ctrl-C stops it: new connections are refused and the
    /// requests in flight are answered before it exits.
    Emulate(EmulateArgs),
}

#[derive(Debug, Args)]
struct EmulateArgs {
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: std::net::SocketAddr,
    /// A JSON file of key pairs to accept (see above).
    #[arg(long, value_name = "FILE")]
    credentials: Option<std::path::PathBuf>,
    /// An Alibaba instance id that answers InstanceNotFound (repeatable).
    #[arg(long, value_name = "ID")]
    instance_not_found: Vec<String>,
    /// An Alibaba instance id that answers InstanceActivating (repeatable).
    #[arg(long, value_name = "ID")]
    instance_activating: Vec<String>,
    /// Milliseconds added to every answer.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency_ms: u64,
    /// Share of requests answered with a 5xx, from 0 to 1.
    #[arg(long, value_name = "RATE", default_value_t = 0.0, value_parser = parse_rate)]
    error_rate: f64,
    /// How long a new snapshot stays in progress (CSS BUILDING, DWS CREATING) before it
    /// completes, e.g. 3s, 500ms, 2m.
    #[arg(long, value_name = "DURATION", default_value = "3s", value_parser = humantime::parse_duration)]
    snapshot_duration: std::time::Duration,
    /// A snapshot name that ends in the vendor's failed status (CSS FAILED, DWS UNAVAILABLE)
    /// instead of completing (repeatable).
    #[arg(long, value_name = "NAME")]
    fail_snapshot: Vec<String>,
    /// Requests per second each access key may make (all unsigned requests share one
    /// allowance), with bursts of up to one second's worth. Requests over it are refused as
    /// each vendor's gateway refuses them, without being carried out: Huawei with HTTP 429 and
    /// APIGW.0308, Alibaba with HTTP 400 and Throttling.User. Off by default.
    #[arg(long, value_name = "PER_SECOND", value_parser = parse_throttle_rate)]
    throttle_rate: Option<f64>,
    /// Carry out every Nth request (counted across the emulator) and then close its connection
    /// without answering, so the client cannot tell whether it was processed. Off by default.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    drop_every: Option<u64>,
    /// How many snapshots the emulator holds at once (all APIs together); a create beyond it
    /// gets the vendor's quota answer (CSS: CSS.0030) until snapshots are deleted.
    #[arg(long, value_name = "N", default_value_t = snapspec_emulator::DEFAULT_MAX_SNAPSHOTS)]
    max_snapshots: usize,
    /// The largest request body accepted, in bytes; larger ones are answered 413.
    #[arg(long, value_name = "BYTES", default_value_t = snapspec_emulator::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// How long a client may take to send a request's headers, from the moment its connection
    /// is ready for one, before the connection is closed (idle kept-alive connections too),
    /// e.g. 10s, 500ms.
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = humantime::parse_duration)]
    header_read_timeout: std::time::Duration,
}

fn parse_throttle_rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "`{value}` is not a positive number of requests per second (e.g. 5, or 0.5 for one request every 2 seconds)"
        )),
    }
}

fn parse_rate(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(rate) if (0.0..=1.0).contains(&rate) => Ok(rate),
        _ => Err(format!(
            "`{value}` is not a rate between 0 and 1 (e.g. 0.1 for one request in ten)"
        )),
    }
}

async fn emulate(args: EmulateArgs) -> Result<Value, Failure> {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
    let mut credentials = snapspec_emulator::Credentials::from_env(&snapspec_runtime::process_env);
    if let Some(file) = &args.credentials {
        credentials.add_file(file).map_err(Failure::Configuration)?;
    }
    let config = snapspec_emulator::EmulatorConfig {
        credentials,
        unknown_instances: args.instance_not_found.into_iter().collect(),
        activating_instances: args.instance_activating.into_iter().collect(),
        latency: std::time::Duration::from_millis(args.latency_ms),
        error_rate: args.error_rate,
        snapshot_duration: args.snapshot_duration,
        failing_snapshots: args.fail_snapshot.into_iter().collect(),
        throttle_rate: args.throttle_rate,
        drop_every: args.drop_every,
        max_snapshots: args.max_snapshots,
        max_body_bytes: args.max_body_bytes,
        header_read_timeout: args.header_read_timeout,
        ..snapspec_emulator::EmulatorConfig::default()
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| Failure::Configuration(format!("cannot listen on {}: {e}", args.listen)))?;
    snapspec_emulator::serve_until(listener, config, stop_requested())
        .await
        .map_err(|e| Failure::Transport(e.to_string()))?;
    Ok(Value::Null)
}

/// Completes on SIGTERM or Ctrl-C (SIGINT): the emulator then stops accepting connections and
/// finishes the requests in flight before exiting.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Why a command failed; each kind has its own exit status.
#[derive(Debug)]
enum Failure {
    Refused(VendorError),
    InvalidArgument(String),
    Configuration(String),
    Transport(String),
    /// The service answered (`answer` is printed on stdout), then what followed failed.
    After {
        answer: Value,
        then: Box<Failure>,
    },
    /// `--wait`: the deadline passed first.
    DeadlinePassed(String),
    /// `--wait`: the snapshot ended failed.
    WaitFailed(String),
    /// `prune`: snapshots in progress were not deleted.
    PruneRefused(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Failure::Refused(_) => 1,
            Failure::InvalidArgument(_) => 2,
            Failure::Configuration(_) => 3,
            Failure::Transport(_) => 4,
            Failure::After { then, .. } => then.exit_code(),
            Failure::DeadlinePassed(_) => 5,
            Failure::WaitFailed(_) => 6,
            Failure::PruneRefused(_) => 7,
        }
    }

    /// `then`, after the service's `answer` (printed on stdout all the same).
    fn after(answer: Value, then: Failure) -> Failure {
        Failure::After {
            answer,
            then: Box::new(then),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(e: ConfigError) -> Self {
        Failure::Configuration(e.to_string())
    }
}

impl From<snapspec_auth::ConfigError> for Failure {
    fn from(e: snapspec_auth::ConfigError) -> Self {
        Failure::Configuration(e.to_string())
    }
}

impl From<FieldError> for Failure {
    fn from(e: FieldError) -> Self {
        Failure::InvalidArgument(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(4);
        }
    };
    // The emulator is a server: stopped, it has no answer to print (an API call prints its
    // answer as JSON, `null` for an empty body).
    let prints_answer = !matches!(cli.command, Command::Emulate(_));
    match runtime.block_on(run(cli)) {
        Ok(answer) => {
            if prints_answer {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&answer).expect("a JSON value serializes")
                );
            }
            ExitCode::SUCCESS
        }
        Err(failure) => {
            if let Failure::After { answer, .. } = &failure {
                println!(
                    "{}",
                    serde_json::to_string_pretty(answer).expect("a JSON value serializes")
                );
            }
            report(&failure);
            ExitCode::from(failure.exit_code())
        }
    }
}

fn report(failure: &Failure) {
    match failure {
        Failure::Refused(vendor) => {
            eprintln!(
                "error: the service refused the request (HTTP {})",
                vendor.status
            );
            eprintln!("  code: {}", vendor.code.as_deref().unwrap_or("(none)"));
            eprintln!(
                "  message: {}",
                vendor.message.as_deref().unwrap_or("(none)")
            );
            eprintln!(
                "  request id: {}",
                vendor.request_id.as_deref().unwrap_or("(none)")
            );
            if vendor.retryable {
                eprintln!("  a retry may succeed");
            }
        }
        Failure::InvalidArgument(message) => eprintln!("error: {message}\n  nothing was sent"),
        Failure::Configuration(message) => eprintln!("error: {message}"),
        Failure::Transport(message) => eprintln!("error: {message}"),
        Failure::After { then, .. } => report(then),
        Failure::DeadlinePassed(message)
        | Failure::WaitFailed(message)
        | Failure::PruneRefused(message) => eprintln!("error: {message}"),
    }
}

async fn run(cli: Cli) -> Result<Value, Failure> {
    let Cli {
        mut common,
        command,
    } = cli;
    common.credentials = look_up(&common, &command).await;
    match command {
        Command::Emulate(args) => emulate(args).await,
        command => call_api(&common, command).await,
    }
}

/// Sends one API request and returns the service's answer.
async fn call_api(common: &CommonOptions, command: Command) -> Result<Value, Failure> {
    // Checked first, so that its warning shows even when a value is refused afterwards.
    let endpoint_override = endpoint(common)?;
    match command {
        Command::Emulate(args) => emulate(args).await,
        Command::Css(command) => css::run(common, endpoint_override, command).await,
        Command::Dws(command) => dws::run(common, endpoint_override, command).await,
        Command::AlibabaEs(command) => alibaba_es::run(common, endpoint_override, command).await,
    }
}

/// `x-acs-version` of the Elasticsearch API, as the spec's `info.version` states it.
const ALIBABA_ES_API_VERSION: &str = "2017-06-13";

/// A JSON object of the fields that were given.
fn object(fields: &[(&str, Option<String>)]) -> Value {
    let map: Map<String, Value> = fields
        .iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), Value::from(v.as_str()))))
        .collect();
    Value::Object(map)
}

/// A request body from the given fields, checked against the spec's rules (naming the field).
fn from_fields<T: serde::de::DeserializeOwned>(
    fields: &[(&str, Option<String>)],
) -> Result<T, Failure> {
    Ok(snapspec_runtime::from_json(object(fields))?)
}

fn region(common: &CommonOptions) -> Result<&str, Failure> {
    common.region.as_deref().ok_or_else(|| {
        Failure::InvalidArgument(
            "--region is required unless --endpoint is given (e.g. --region cn-north-4)".into(),
        )
    })
}

/// The endpoint override, with a warning when requests would travel in clear text to another
/// machine.
fn endpoint(common: &CommonOptions) -> Result<Option<String>, Failure> {
    let Some(url) = &common.endpoint else {
        return Ok(None);
    };
    let checked = snapspec_runtime::check_endpoint(url)?;
    if let Some(warning) = plain_http_warning(&checked) {
        eprintln!("{warning}");
    }
    Ok(Some(checked))
}

/// A warning for a plain `http://` endpoint whose host is not loopback (the emulator listens on
/// loopback; anything else would carry signed requests unencrypted).
fn plain_http_warning(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let authority = rest.split('/').next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
        None => authority.split(':').next().unwrap_or(""),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then(|| format!("warning: {url} is plain http to a host that is not loopback: requests travel unencrypted"))
}

/// Where a command's signers come from (the credential chain looked up for it), or why there
/// are no credentials (exit status 3).
fn signer_source(common: &CommonOptions) -> Result<Arc<dyn SignerSource>, Failure> {
    match &common.credentials {
        Credentials::Found(source) => Ok(source.clone()),
        Credentials::Missing(missing) => Err(Failure::Configuration(missing.to_string())),
        Credentials::NotLookedUp => Err(Failure::Configuration(
            "no credentials were looked up for this command".into(),
        )),
    }
}

/// The Huawei Cloud signer source (the chain, acting in `--project-id` when given).
fn huawei_signer(common: &CommonOptions) -> Result<Arc<dyn SignerSource>, Failure> {
    signer_source(common)
}

/// The Alibaba Cloud signer source.
fn alibaba_signer(common: &CommonOptions) -> Result<Arc<dyn SignerSource>, Failure> {
    signer_source(common)
}

/// The project id of the path: `--project-id`, else the credentials' own.
fn project_id(signer: &Arc<dyn SignerSource>) -> Result<String, Failure> {
    signer.project_id().ok_or_else(|| {
        Failure::Configuration(
            "no project id: pass --project-id, set HUAWEICLOUD_SDK_PROJECT_ID, or add project_id to [basic] in the credentials file".into(),
        )
    })
}

/// The service's answer as JSON, or the failure it amounts to.
async fn answer<T: Serialize, E: Serialize + std::fmt::Debug>(
    sent: Result<snapspec_runtime::__private::progenitor_client::ResponseValue<T>, ClientError<E>>,
) -> Result<Value, Failure> {
    match sent {
        Ok(response) => serde_json::to_value(response.into_inner())
            .map_err(|e| Failure::Transport(e.to_string())),
        Err(ClientError::InvalidRequest(message)) => Err(Failure::InvalidArgument(message)),
        Err(error) => match snapspec_runtime::into_vendor_error(error).await {
            Ok(vendor) => Err(Failure::Refused(vendor)),
            Err(other) => Err(Failure::Transport(other.to_string())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_warned_about_unless_the_host_is_loopback() {
        for quiet in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:8080",
            "https://css.cn-north-4.myhuaweicloud.com",
        ] {
            assert_eq!(plain_http_warning(quiet), None, "{quiet}");
        }
        for loud in [
            "http://10.0.0.5:8080",
            "http://emulator.internal",
            "http://[2001:db8::1]:80",
        ] {
            assert!(
                plain_http_warning(loud).is_some_and(|w| w.contains(loud)),
                "{loud}"
            );
        }
    }

    #[test]
    fn common_options_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "snapspec",
            "css",
            "create-snapshot",
            "--region",
            "cn-north-4",
            "--cluster-id",
            "c",
            "--name",
            "snapshot_001",
            "--project-id",
            "p",
            "--endpoint",
            "http://127.0.0.1:1",
        ])
        .unwrap();
        assert_eq!(cli.common.region.as_deref(), Some("cn-north-4"));
        assert_eq!(cli.common.project_id.as_deref(), Some("p"));
        assert_eq!(cli.common.endpoint.as_deref(), Some("http://127.0.0.1:1"));
    }
}
