//! The credential chains over the wire: a metadata server on loopback (never the real
//! 169.254.169.254 or 100.100.100.200), profile files in temporary directories, the environment
//! as an injected lookup. What is protected: the SDKs' order, each file format, one metadata
//! fetch serving every request until the refresh margin and then exactly one refresh however many
//! callers, errors that list every place tried, and no secret in any Debug or error text.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, put};
use serde_json::json;
use snapspec_runtime::{AlibabaChain, HuaweiChain, RequestSigner, SignerSource};

const VERSION: &str = "2017-06-13";
const HUAWEI_SESSION: &str = "huawei-session-token-0001";
const ALIBABA_SESSION: &str = "alibaba-session-token-0001";
const ROLE: &str = "SnapspecBackupRole";
const SERVER_PROJECT: &str = "6e8b0c94265645f39c5abbe63c4113c6";
/// Every secret the tests hand out contains this, so that a leak is easy to find.
const SECRET_MARK: &str = "never-shown";

/// A settable clock shared by a chain and the metadata server (seconds since the epoch).
#[derive(Clone)]
struct FakeClock(Arc<AtomicU64>);

impl FakeClock {
    fn starting_now() -> FakeClock {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        FakeClock(Arc::new(AtomicU64::new(now)))
    }
    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }
    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs(), Ordering::SeqCst);
    }
    fn function(&self) -> impl Fn() -> SystemTime + Send + Sync + 'static {
        let clock = self.clone();
        move || clock.now()
    }
}

/// The loopback metadata server: both vendors' routes, a log of the requests, credentials valid
/// for `lifetime` from the clock's time, numbered by fetch.
#[derive(Clone)]
struct Metadata {
    clock: FakeClock,
    lifetime: Duration,
    delay: Duration,
    log: Arc<Mutex<Vec<String>>>,
    issued: Arc<AtomicU32>,
    /// How the Huawei credentials route answers: 0 as the service does, 1 with HTTP 500, 2 with
    /// the 401 of a server without an agency.
    trouble: Arc<AtomicU32>,
    /// The Alibaba routes as on an instance without session tokens: the token request is refused
    /// and requests without one are served.
    alibaba_v1_only: Arc<std::sync::atomic::AtomicBool>,
}

impl Metadata {
    fn new(clock: FakeClock, lifetime: Duration) -> Metadata {
        Metadata {
            clock,
            lifetime,
            // Long enough that concurrent callers overlap with the fetch.
            delay: Duration::from_millis(200),
            log: Arc::default(),
            issued: Arc::default(),
            trouble: Arc::default(),
            alibaba_v1_only: Arc::default(),
        }
    }

    fn record(&self, what: &str) {
        self.log.lock().unwrap().push(what.to_string());
    }

    /// How many requests went to `what` (`"GET /openstack/latest/securitykey"`).
    fn count(&self, what: &str) -> usize {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|w| *w == what)
            .count()
    }

    fn total(&self) -> usize {
        self.log.lock().unwrap().len()
    }

    fn expiry(&self) -> SystemTime {
        self.clock.now() + self.lifetime
    }

    async fn start(self) -> String {
        let router = Router::new()
            .route("/meta-data/latest/api/token", put(huawei_token))
            .route("/openstack/latest/securitykey", get(huawei_security_key))
            .route("/openstack/latest/meta_data.json", get(huawei_meta_data))
            .route("/latest/api/token", put(alibaba_token))
            .route(
                "/latest/meta-data/ram/security-credentials/",
                get(alibaba_role),
            )
            .route(
                "/latest/meta-data/ram/security-credentials/{role}",
                get(alibaba_credentials),
            )
            .with_state(self);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        format!("http://{address}")
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

async fn huawei_token(State(m): State<Metadata>, headers: HeaderMap) -> (StatusCode, String) {
    m.record("PUT /meta-data/latest/api/token");
    if header(&headers, "x-metadata-token-ttl-seconds") != Some("21600") {
        return (StatusCode::BAD_REQUEST, "no ttl".into());
    }
    (StatusCode::OK, HUAWEI_SESSION.into())
}

async fn huawei_security_key(
    State(m): State<Metadata>,
    headers: HeaderMap,
) -> (StatusCode, String) {
    m.record("GET /openstack/latest/securitykey");
    if header(&headers, "x-metadata-token") != Some(HUAWEI_SESSION) {
        return (StatusCode::UNAUTHORIZED, "token required".into());
    }
    match m.trouble.load(Ordering::SeqCst) {
        1 => return (StatusCode::INTERNAL_SERVER_ERROR, String::new()),
        2 => {
            let body = r#"{"error": "Please configure Cloud Service Agency first"}"#;
            return (StatusCode::UNAUTHORIZED, body.into());
        }
        _ => {}
    }
    tokio::time::sleep(m.delay).await;
    let n = m.issued.fetch_add(1, Ordering::SeqCst) + 1;
    // The service's format: microseconds and a Z.
    let expires = humantime::format_rfc3339_micros(m.expiry()).to_string();
    let body = json!({"credential": {
        "access": format!("HWTEMPAK{n:04}"),
        "secret": format!("hw-temp-sk-{n}-{SECRET_MARK}"),
        "securitytoken": format!("hw-security-token-{n}-{SECRET_MARK}"),
        "expires_at": expires,
    }});
    (StatusCode::OK, body.to_string())
}

async fn huawei_meta_data(State(m): State<Metadata>, headers: HeaderMap) -> (StatusCode, String) {
    m.record("GET /openstack/latest/meta_data.json");
    if header(&headers, "x-metadata-token") != Some(HUAWEI_SESSION) {
        return (StatusCode::UNAUTHORIZED, String::new());
    }
    let body = json!({"uuid": "ca9e8b7c-f2be-4b6d-a639-f10b4d994d04", "project_id": SERVER_PROJECT,
                      "availability_zone": "cn-north-4a", "name": "ecs-backup"});
    (StatusCode::OK, body.to_string())
}

async fn alibaba_token(State(m): State<Metadata>, headers: HeaderMap) -> (StatusCode, String) {
    m.record("PUT /latest/api/token");
    if m.alibaba_v1_only.load(Ordering::SeqCst) {
        return (StatusCode::FORBIDDEN, String::new());
    }
    if header(&headers, "x-aliyun-ecs-metadata-token-ttl-seconds") != Some("21600") {
        return (StatusCode::BAD_REQUEST, "no ttl".into());
    }
    (StatusCode::OK, ALIBABA_SESSION.into())
}

async fn alibaba_role(State(m): State<Metadata>, headers: HeaderMap) -> (StatusCode, String) {
    m.record("GET /latest/meta-data/ram/security-credentials/");
    let v1 = m.alibaba_v1_only.load(Ordering::SeqCst)
        && !headers.contains_key("x-aliyun-ecs-metadata-token");
    if !v1 && header(&headers, "x-aliyun-ecs-metadata-token") != Some(ALIBABA_SESSION) {
        return (StatusCode::UNAUTHORIZED, String::new());
    }
    (StatusCode::OK, ROLE.into())
}

async fn alibaba_credentials(
    State(m): State<Metadata>,
    UrlPath(role): UrlPath<String>,
    headers: HeaderMap,
) -> (StatusCode, String) {
    m.record(&format!(
        "GET /latest/meta-data/ram/security-credentials/{role}"
    ));
    let v1 = m.alibaba_v1_only.load(Ordering::SeqCst)
        && !headers.contains_key("x-aliyun-ecs-metadata-token");
    if !v1 && header(&headers, "x-aliyun-ecs-metadata-token") != Some(ALIBABA_SESSION) {
        return (StatusCode::UNAUTHORIZED, String::new());
    }
    tokio::time::sleep(m.delay).await;
    let n = m.issued.fetch_add(1, Ordering::SeqCst) + 1;
    let body = json!({
        "AccessKeyId": format!("STS.ALITEMP{n:04}"),
        "AccessKeySecret": format!("ali-temp-secret-{n}-{SECRET_MARK}"),
        "SecurityToken": format!("ali-security-token-{n}-{SECRET_MARK}"),
        "Expiration": humantime::format_rfc3339_seconds(m.expiry()).to_string(),
        "LastUpdated": humantime::format_rfc3339_seconds(m.clock.now()).to_string(),
        "Code": "Success",
    });
    (StatusCode::OK, body.to_string())
}

/// A loopback address nothing listens on.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

/// An environment made of `vars` only.
fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The headers `signer` adds to a GET of `/`.
fn signed_headers(signer: &RequestSigner) -> reqwest::header::HeaderMap {
    let mut request = reqwest::Request::new(
        reqwest::Method::GET,
        "https://css.cn-north-4.myhuaweicloud.com/v1.0/p/clusters"
            .parse()
            .unwrap(),
    );
    signer.sign_request(&mut request, "ListSnapshots").unwrap();
    request.headers().clone()
}

fn access_key(signer: &RequestSigner) -> String {
    let headers = signed_headers(signer);
    let authorization = headers["authorization"].to_str().unwrap().to_string();
    let key = authorization
        .split(['=', ',', ' '])
        .skip_while(|part| *part != "Access" && *part != "Credential")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    if key.is_empty() { authorization } else { key }
}

fn assert_no_secret(text: &str) {
    assert!(!text.contains(SECRET_MARK), "a secret leaked: {text}");
}

const HUAWEI_FILE: &str = "[basic]\nak = HPUAFILEAK0000000001\nsk = file-sk-never-shown\nproject_id = 0a1b2c3d4e5f60718293a4b5c6d7e8f9\n";

// ---------------------------------------------------------------------------------------------
// Huawei

#[tokio::test]
async fn huawei_environment_beats_the_file_which_beats_metadata() {
    let home = tempfile::tempdir().unwrap();
    write(home.path(), ".huaweicloud/credentials", HUAWEI_FILE);
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(3600));
    let url = metadata.clone().start().await;
    let home_dir = home.path().to_str().unwrap();

    let env = env_of(&[
        ("HOME", home_dir),
        ("HUAWEICLOUD_SDK_AK", "HPUAENVAK00000000001"),
        ("HUAWEICLOUD_SDK_SK", "env-sk-never-shown"),
    ]);
    let chain = HuaweiChain::new(&env, Some(&url));
    assert_eq!(chain.source().as_deref(), Some("environment variables"));
    assert_eq!(
        access_key(&chain.signer().await.unwrap()),
        "HPUAENVAK00000000001"
    );

    let env = env_of(&[("HOME", home_dir)]);
    let chain = HuaweiChain::new(&env, Some(&url));
    let file = home.path().join(".huaweicloud/credentials");
    assert_eq!(
        chain.source(),
        Some(format!("credentials file {}", file.display()))
    );
    let signer = chain.signer().await.unwrap();
    assert_eq!(access_key(&signer), "HPUAFILEAK0000000001");
    assert_eq!(
        chain.project_id().as_deref(),
        Some("0a1b2c3d4e5f60718293a4b5c6d7e8f9")
    );
    assert_eq!(
        metadata.total(),
        0,
        "metadata asked although a file had credentials"
    );

    let empty = tempfile::tempdir().unwrap();
    let env = env_of(&[("HOME", empty.path().to_str().unwrap())]);
    let chain = HuaweiChain::new(&env, Some(&url));
    assert_eq!(access_key(&chain.signer().await.unwrap()), "HWTEMPAK0001");
    assert_eq!(metadata.count("GET /openstack/latest/securitykey"), 1);
}

#[tokio::test]
async fn huawei_credentials_file_format_and_its_variable() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "elsewhere.ini",
        "# written by hand\n[global]\nak = HPUAGLOBAL0000000001\nsk = global-never-shown\n\n[basic]\nAK = HPUAFILEAK0000000002\nsk: file-sk-never-shown\nsecurity_token = file-token-never-shown\n",
    );
    let path = dir.path().join("elsewhere.ini");
    let env = env_of(&[
        ("HOME", "/nonexistent"),
        ("HUAWEICLOUD_SDK_CREDENTIALS_FILE", path.to_str().unwrap()),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "from-env-but-unused-without-ak",
        ),
    ]);
    let chain = HuaweiChain::new(&env, Some("http://127.0.0.1:1"));
    let signer = chain.signer().await.unwrap();
    assert_eq!(access_key(&signer), "HPUAFILEAK0000000002");
    let headers = signed_headers(&signer);
    assert_eq!(headers["x-security-token"], "file-token-never-shown");
    // The file has no project id; the SDK's file provider does not read the variable either.
    assert_eq!(chain.project_id(), None);
    assert_no_secret(&format!("{chain:?}"));

    // A [basic] section without an SK is named as such, and the chain goes on to the metadata.
    write(
        dir.path(),
        "no-sk.ini",
        "[basic]\nak = HPUAFILEAK0000000003\n",
    );
    let closed = closed_port().await;
    let path = dir.path().join("no-sk.ini");
    let env = env_of(&[("HUAWEICLOUD_SDK_CREDENTIALS_FILE", path.to_str().unwrap())]);
    let error = HuaweiChain::new(&env, Some(&closed))
        .signer()
        .await
        .unwrap_err();
    assert_eq!(
        error.tried[1],
        (
            format!("credentials file {}", path.display()),
            "[basic] has no sk".to_string()
        )
    );
}

#[tokio::test]
async fn huawei_metadata_is_fetched_once_then_refreshed_once_40_minutes_before_expiry() {
    let clock = FakeClock::starting_now();
    let metadata = Metadata::new(clock.clone(), Duration::from_secs(24 * 3600));
    let url = metadata.clone().start().await;
    let home = tempfile::tempdir().unwrap();
    let env = env_of(&[("HOME", home.path().to_str().unwrap())]);
    let chain = Arc::new(HuaweiChain::new(&env, Some(&url)).with_clock(clock.function()));
    assert_eq!(chain.source(), Some(format!("ECS metadata at {url}")));
    assert_eq!(chain.project_id(), None, "known before any fetch");

    let concurrent = |chain: Arc<HuaweiChain>| async move {
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let chain = chain.clone();
                tokio::spawn(async move { access_key(&chain.signer().await.unwrap()) })
            })
            .collect();
        let mut keys = Vec::new();
        for task in tasks {
            keys.push(task.await.unwrap());
        }
        keys
    };

    let keys = concurrent(chain.clone()).await;
    assert!(keys.iter().all(|k| k == "HWTEMPAK0001"), "{keys:?}");
    assert_eq!(metadata.count("PUT /meta-data/latest/api/token"), 1);
    assert_eq!(metadata.count("GET /openstack/latest/securitykey"), 1);
    // The project id comes from the server's description, asked for once.
    assert_eq!(chain.project_id().as_deref(), Some(SERVER_PROJECT));
    assert_eq!(metadata.count("GET /openstack/latest/meta_data.json"), 1);
    let headers = signed_headers(&chain.signer().await.unwrap());
    assert_eq!(
        headers["x-security-token"],
        "hw-security-token-1-never-shown"
    );
    assert_eq!(headers["x-project-id"], SERVER_PROJECT);

    // 41 minutes before expiry: still the cached credentials.
    clock.advance(Duration::from_secs(24 * 3600 - 41 * 60));
    for _ in 0..50 {
        chain.signer().await.unwrap();
    }
    assert_eq!(metadata.count("GET /openstack/latest/securitykey"), 1);

    // 39 minutes before expiry: one refresh, however many callers ask at once.
    clock.advance(Duration::from_secs(2 * 60));
    let keys = concurrent(chain.clone()).await;
    assert!(keys.iter().all(|k| k == "HWTEMPAK0002"), "{keys:?}");
    assert_eq!(metadata.count("GET /openstack/latest/securitykey"), 2);
    assert_eq!(metadata.count("GET /openstack/latest/meta_data.json"), 1);
    assert_no_secret(&format!("{chain:?}"));
}

#[tokio::test]
async fn huawei_project_id_from_the_environment_or_the_caller_wins_over_the_server() {
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(3600));
    let url = metadata.clone().start().await;
    let env = env_of(&[
        ("HOME", "/nonexistent"),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "11112222333344445555666677778888",
        ),
    ]);
    let chain = HuaweiChain::new(&env, Some(&url));
    assert_eq!(
        chain.project_id().as_deref(),
        Some("11112222333344445555666677778888")
    );
    chain.signer().await.unwrap();
    assert_eq!(metadata.count("GET /openstack/latest/meta_data.json"), 0);
    let chain = HuaweiChain::new(&env, Some(&url)).with_project_id("99990000");
    let headers = signed_headers(&chain.signer().await.unwrap());
    assert_eq!(headers["x-project-id"], "99990000");
}

#[tokio::test]
async fn huawei_error_lists_every_place_tried() {
    let home = tempfile::tempdir().unwrap();
    let closed = closed_port().await;
    let env = env_of(&[("HOME", home.path().to_str().unwrap())]);
    let chain = HuaweiChain::new(&env, Some(&closed));
    let error = chain.signer().await.unwrap_err();
    let places: Vec<&str> = error.tried.iter().map(|(p, _)| p.as_str()).collect();
    let file = home.path().join(".huaweicloud/credentials");
    assert_eq!(
        places,
        [
            "environment variables".to_string(),
            format!("credentials file {}", file.display()),
            format!("ECS metadata at {closed}"),
        ]
    );
    assert_eq!(
        error.tried[0].1,
        "the environment variable HUAWEICLOUD_SDK_AK is not set"
    );
    assert_eq!(error.tried[1].1, "not found");
    assert!(
        error.tried[2].1.starts_with("cannot connect"),
        "{}",
        error.tried[2].1
    );
    let text = error.to_string();
    assert!(
        text.starts_with("no credentials found; tried environment variables"),
        "{text}"
    );

    // The environment variable for the URL is read when no URL is given; the switch keeps the
    // chain away from the metadata service altogether.
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(3600));
    let url = metadata.clone().start().await;
    let env = env_of(&[
        ("HOME", home.path().to_str().unwrap()),
        ("SNAPSPEC_HUAWEI_METADATA_URL", &url),
    ]);
    assert_eq!(
        HuaweiChain::new(&env, None).source(),
        Some(format!("ECS metadata at {url}"))
    );
    let env = env_of(&[
        ("HOME", home.path().to_str().unwrap()),
        ("SNAPSPEC_HUAWEI_METADATA_URL", &url),
        ("SNAPSPEC_HUAWEI_METADATA_DISABLED", "true"),
    ]);
    let error = HuaweiChain::new(&env, None).signer().await.unwrap_err();
    assert_eq!(
        error.tried[2].1,
        "not asked: SNAPSPEC_HUAWEI_METADATA_DISABLED is true"
    );
    assert_eq!(metadata.total(), 0);
}

// ---------------------------------------------------------------------------------------------
// Alibaba

fn aliyun_config(current: &str) -> String {
    json!({
        "current": current,
        "profiles": [
            {"name": "default", "mode": "AK", "access_key_id": "LTAIcliProfileAK0001",
             "access_key_secret": "cli-secret-never-shown", "sts_token": "", "ram_role_name": "",
             "region_id": "cn-hangzhou", "output_format": "json", "language": "en"},
            {"name": "sts", "mode": "StsToken", "access_key_id": "STS.cliProfile0002",
             "access_key_secret": "cli-sts-secret-never-shown",
             "sts_token": "cli-sts-token-never-shown", "region_id": "cn-hangzhou"},
            {"name": "ecs", "mode": "EcsRamRole", "ram_role_name": "NamedInProfile",
             "region_id": "cn-hangzhou"},
            {"name": "assume", "mode": "RamRoleArn", "access_key_id": "LTAIassume",
             "access_key_secret": "assume-secret-never-shown",
             "ram_role_arn": "acs:ram::1:role/x", "ram_session_name": "s"},
            {"name": "broken", "mode": "AK", "access_key_id": "LTAIbroken"}
        ],
        "meta_path": ""
    })
    .to_string()
}

const ALIBABA_INI: &str = "[default]\ntype = access_key                  # permanent key\naccess_key_id = LTAIiniFileAK000001\naccess_key_secret = ini-secret-never-shown\n\n[role]\ntype = ecs_ram_role\nrole_name = NamedInIni\n";

#[tokio::test]
async fn alibaba_environment_beats_cli_profiles_which_beat_the_ini_file_which_beats_metadata() {
    let home = tempfile::tempdir().unwrap();
    write(
        home.path(),
        ".aliyun/config.json",
        &aliyun_config("default"),
    );
    write(home.path(), ".alibabacloud/credentials.ini", ALIBABA_INI);
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(6 * 3600));
    let url = metadata.clone().start().await;
    let home_dir = home.path().to_str().unwrap();

    let env = env_of(&[
        ("HOME", home_dir),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenvironment0001"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret-never-shown"),
    ]);
    let chain = AlibabaChain::new(&env, VERSION, Some(&url));
    assert_eq!(chain.source().as_deref(), Some("environment variables"));
    assert_eq!(
        access_key(&chain.signer().await.unwrap()),
        "LTAIenvironment0001"
    );

    let env = env_of(&[("HOME", home_dir)]);
    let chain = AlibabaChain::new(&env, VERSION, Some(&url));
    let config = home.path().join(".aliyun/config.json");
    assert_eq!(
        chain.source(),
        Some(format!("aliyun CLI profiles {}", config.display()))
    );
    assert_eq!(
        access_key(&chain.signer().await.unwrap()),
        "LTAIcliProfileAK0001"
    );

    let env = env_of(&[
        ("HOME", home_dir),
        ("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE"),
    ]);
    let chain = AlibabaChain::new(&env, VERSION, Some(&url));
    // The value is cut at its trailing comment, as the library does.
    assert_eq!(
        access_key(&chain.signer().await.unwrap()),
        "LTAIiniFileAK000001"
    );
    assert_eq!(metadata.total(), 0);

    std::fs::remove_file(home.path().join(".alibabacloud/credentials.ini")).unwrap();
    let chain = AlibabaChain::new(&env, VERSION, Some(&url));
    assert_eq!(
        access_key(&chain.signer().await.unwrap()),
        "STS.ALITEMP0001"
    );
    assert_eq!(
        metadata.count("GET /latest/meta-data/ram/security-credentials/"),
        1
    );
    assert_eq!(
        metadata.count(&format!(
            "GET /latest/meta-data/ram/security-credentials/{ROLE}"
        )),
        1
    );
}

#[tokio::test]
async fn alibaba_cli_profile_modes_and_the_profile_variable() {
    let home = tempfile::tempdir().unwrap();
    write(home.path(), ".aliyun/config.json", &aliyun_config("sts"));
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(6 * 3600));
    let url = metadata.clone().start().await;
    let home_dir = home.path().to_str().unwrap();

    // `current` chooses StsToken: key, secret and token.
    let env = env_of(&[("HOME", home_dir)]);
    let signer = AlibabaChain::new(&env, VERSION, Some(&url))
        .signer()
        .await
        .unwrap();
    let headers = signed_headers(&signer);
    assert_eq!(headers["x-acs-security-token"], "cli-sts-token-never-shown");
    assert_eq!(access_key(&signer), "STS.cliProfile0002");

    // ALIBABA_CLOUD_PROFILE wins over `current`.
    let env = env_of(&[("HOME", home_dir), ("ALIBABA_CLOUD_PROFILE", "default")]);
    let signer = AlibabaChain::new(&env, VERSION, Some(&url))
        .signer()
        .await
        .unwrap();
    assert_eq!(access_key(&signer), "LTAIcliProfileAK0001");
    assert!(!signed_headers(&signer).contains_key("x-acs-security-token"));

    // EcsRamRole: the profile's role, without asking the service for its name.
    let env = env_of(&[("HOME", home_dir), ("ALIBABA_CLOUD_PROFILE", "ecs")]);
    let chain = AlibabaChain::new(&env, VERSION, Some(&url));
    assert_eq!(
        access_key(&chain.signer().await.unwrap()),
        "STS.ALITEMP0001"
    );
    assert_eq!(
        metadata.count("GET /latest/meta-data/ram/security-credentials/NamedInProfile"),
        1
    );
    assert_eq!(
        metadata.count("GET /latest/meta-data/ram/security-credentials/"),
        0
    );

    // Unsupported modes, profiles without a secret and unknown names are named; the chain goes
    // on (here to a closed port).
    let closed = closed_port().await;
    for (profile, why) in [
        (
            "assume",
            "profile `assume` is in mode `RamRoleArn`, which snapspec does not support (AK, StsToken and EcsRamRole are)",
        ),
        ("broken", "profile `broken` has no access_key_secret"),
        ("nobody", "no profile named `nobody`"),
    ] {
        let env = env_of(&[("HOME", home_dir), ("ALIBABA_CLOUD_PROFILE", profile)]);
        let error = AlibabaChain::new(&env, VERSION, Some(&closed))
            .signer()
            .await
            .unwrap_err();
        assert_eq!(error.tried[1].1, why);
        assert_no_secret(&error.to_string());
        assert_no_secret(&format!("{error:?}"));
    }
}

#[tokio::test]
async fn alibaba_ini_file_sections_and_its_variable() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "creds.ini", ALIBABA_INI);
    let path = dir.path().join("creds.ini");
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(6 * 3600));
    let url = metadata.clone().start().await;
    let env = env_of(&[
        ("HOME", "/nonexistent"),
        ("ALIBABA_CLOUD_CREDENTIALS_FILE", path.to_str().unwrap()),
        ("ALIBABA_CLOUD_PROFILE", "role"),
    ]);
    let chain = AlibabaChain::new(&env, VERSION, Some(&url));
    assert_eq!(
        access_key(&chain.signer().await.unwrap()),
        "STS.ALITEMP0001"
    );
    assert_eq!(
        metadata.count("GET /latest/meta-data/ram/security-credentials/NamedInIni"),
        1
    );
    let env = env_of(&[
        ("ALIBABA_CLOUD_CREDENTIALS_FILE", path.to_str().unwrap()),
        ("ALIBABA_CLOUD_PROFILE", "missing"),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
    ]);
    let error = AlibabaChain::new(&env, VERSION, Some(&url))
        .signer()
        .await
        .unwrap_err();
    assert_eq!(
        error.tried[2],
        (
            format!("credentials file {}", path.display()),
            "it has no [missing] section".to_string()
        )
    );
}

#[tokio::test]
async fn alibaba_ram_role_is_refreshed_once_15_minutes_before_expiry() {
    let clock = FakeClock::starting_now();
    let metadata = Metadata::new(clock.clone(), Duration::from_secs(6 * 3600));
    let url = metadata.clone().start().await;
    let env = env_of(&[
        ("HOME", "/nonexistent"),
        ("ALIBABA_CLOUD_ECS_METADATA", ROLE),
    ]);
    let chain = Arc::new(AlibabaChain::new(&env, VERSION, Some(&url)).with_clock(clock.function()));
    let round = |chain: Arc<AlibabaChain>| async move {
        let tasks: Vec<_> = (0..16)
            .map(|_| {
                let chain = chain.clone();
                tokio::spawn(async move { access_key(&chain.signer().await.unwrap()) })
            })
            .collect();
        let mut keys = Vec::new();
        for task in tasks {
            keys.push(task.await.unwrap());
        }
        keys
    };
    let keys = round(chain.clone()).await;
    assert!(keys.iter().all(|k| k == "STS.ALITEMP0001"), "{keys:?}");
    let credentials = format!("GET /latest/meta-data/ram/security-credentials/{ROLE}");
    assert_eq!(metadata.count(&credentials), 1);
    // The role came from ALIBABA_CLOUD_ECS_METADATA: its name was not asked for.
    assert_eq!(
        metadata.count("GET /latest/meta-data/ram/security-credentials/"),
        0
    );
    let headers = signed_headers(&chain.signer().await.unwrap());
    assert_eq!(
        headers["x-acs-security-token"],
        "ali-security-token-1-never-shown"
    );

    clock.advance(Duration::from_secs(6 * 3600 - 16 * 60));
    round(chain.clone()).await;
    assert_eq!(metadata.count(&credentials), 1);

    clock.advance(Duration::from_secs(2 * 60));
    let keys = round(chain.clone()).await;
    assert!(keys.iter().all(|k| k == "STS.ALITEMP0002"), "{keys:?}");
    assert_eq!(metadata.count(&credentials), 2);
    assert_eq!(metadata.count("PUT /latest/api/token"), 2);
    assert_no_secret(&format!("{chain:?}"));
}

#[tokio::test]
async fn alibaba_error_lists_every_place_tried_and_the_switch_is_honoured() {
    let home = tempfile::tempdir().unwrap();
    let closed = closed_port().await;
    let home_dir = home.path().to_str().unwrap();
    let env = env_of(&[
        ("HOME", home_dir),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIonlyTheId"),
    ]);
    let error = AlibabaChain::new(&env, VERSION, Some(&closed))
        .signer()
        .await
        .unwrap_err();
    let places: Vec<String> = error.tried.iter().map(|(p, _)| p.clone()).collect();
    assert_eq!(
        places,
        [
            "environment variables".to_string(),
            format!(
                "aliyun CLI profiles {}",
                home.path().join(".aliyun/config.json").display()
            ),
            format!(
                "credentials file {}",
                home.path().join(".alibabacloud/credentials.ini").display()
            ),
            format!("ECS RAM role metadata at {closed}"),
        ]
    );
    assert_eq!(
        error.tried[0].1,
        "the environment variable ALIBABA_CLOUD_ACCESS_KEY_SECRET is not set"
    );
    assert_eq!(error.tried[1].1, "not found");
    assert!(error.tried[3].1.starts_with("cannot connect"), "{error}");

    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(3600));
    let url = metadata.clone().start().await;
    let env = env_of(&[
        ("HOME", home_dir),
        ("SNAPSPEC_ALIBABA_METADATA_URL", &url),
        ("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true"),
    ]);
    let error = AlibabaChain::new(&env, VERSION, None)
        .signer()
        .await
        .unwrap_err();
    assert_eq!(
        error.tried[3],
        (
            format!("ECS RAM role metadata at {url}"),
            "not asked: ALIBABA_CLOUD_ECS_METADATA_DISABLED is true".to_string()
        )
    );
    assert_eq!(metadata.total(), 0);
}

#[tokio::test]
async fn debug_output_of_chains_and_errors_shows_no_secret() {
    let home = tempfile::tempdir().unwrap();
    write(home.path(), ".huaweicloud/credentials", HUAWEI_FILE);
    write(home.path(), ".aliyun/config.json", &aliyun_config("sts"));
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(3600));
    let url = metadata.clone().start().await;
    let home_dir = home.path().to_str().unwrap();
    let with_file = env_of(&[("HOME", home_dir)]);
    let with_env = env_of(&[
        ("HUAWEICLOUD_SDK_AK", "HPUAENVAK00000000001"),
        ("HUAWEICLOUD_SDK_SK", "env-sk-never-shown"),
        ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "env-token-never-shown"),
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenvironment0001"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret-never-shown"),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", "env-sts-never-shown"),
    ]);
    let nothing = env_of(&[("HOME", "/nonexistent")]);
    let mut shown = Vec::new();
    for env in [&with_file, &with_env, &nothing] {
        let huawei = HuaweiChain::new(env, Some(&url));
        let _ = huawei.signer().await;
        let alibaba = AlibabaChain::new(env, VERSION, Some(&url));
        let _ = alibaba.signer().await;
        shown.push(format!("{huawei:?}"));
        shown.push(format!("{alibaba:?}"));
    }
    // The metadata chains fetched (secrets in hand) before they were printed.
    assert!(metadata.count("GET /openstack/latest/securitykey") >= 1);
    assert!(
        metadata.count(&format!(
            "GET /latest/meta-data/ram/security-credentials/{ROLE}"
        )) >= 1
    );
    for text in &shown {
        assert_no_secret(text);
        assert!(!text.contains("never-shown"), "{text}");
    }
    let closed = closed_port().await;
    let error = HuaweiChain::new(&nothing, Some(&closed))
        .signer()
        .await
        .unwrap_err();
    assert_no_secret(&format!("{error:?} {error}"));
}

// ---------------------------------------------------------------------------------------------
// End to end: the emulator accepts what a chain-built client signs, security token included.

/// A TCP relay to `upstream` that keeps a copy of every byte the client sent.
async fn tap(upstream: String) -> (String, Arc<Mutex<Vec<u8>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let seen = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let target = upstream.trim_start_matches("http://").to_string();
    let copy = seen.clone();
    tokio::spawn(async move {
        loop {
            let (client, _) = listener.accept().await.unwrap();
            let server = tokio::net::TcpStream::connect(&target).await.unwrap();
            let (mut client_read, mut client_write) = client.into_split();
            let (mut server_read, mut server_write) = server.into_split();
            let copy = copy.clone();
            tokio::spawn(async move {
                let mut buffer = [0u8; 8192];
                while let Ok(n) = client_read.read(&mut buffer).await {
                    if n == 0 || server_write.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                    copy.lock().unwrap().extend_from_slice(&buffer[..n]);
                }
            });
            tokio::spawn(async move {
                let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
            });
        }
    });
    (format!("http://{address}"), seen)
}

async fn emulator_accepting(huawei: (&str, &str), alibaba: (&str, &str)) -> String {
    let mut credentials = snapspec_emulator::Credentials::default();
    credentials
        .huawei
        .insert(huawei.0.into(), snapspec_auth::Secret::new(huawei.1));
    credentials
        .alibaba
        .insert(alibaba.0.into(), snapspec_auth::Secret::new(alibaba.1));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(
        listener,
        snapspec_emulator::EmulatorConfig {
            credentials,
            ..snapspec_emulator::EmulatorConfig::default()
        },
    ));
    format!("http://{address}")
}

#[tokio::test]
async fn clients_built_on_the_chains_are_accepted_by_the_emulator_with_the_security_token() {
    // Real time here: the emulator refuses requests dated too far from its clock.
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(3600));
    let url = metadata.clone().start().await;
    let emulator = emulator_accepting(
        ("HWTEMPAK0001", "hw-temp-sk-1-never-shown"),
        ("STS.ALITEMP0002", "ali-temp-secret-2-never-shown"),
    )
    .await;
    let (front, seen) = tap(emulator).await;
    let env = env_of(&[("HOME", "/nonexistent")]);

    let chain = Arc::new(HuaweiChain::new(&env, Some(&url)));
    let client = snapspec_css::Client::builder()
        .endpoint(&front)
        .signer_source(chain.clone())
        .build()
        .unwrap();
    // Before the first request the project id is not known; the first signer fetches it.
    chain.signer().await.unwrap();
    let project_id = client.project_id().expect("the server's project id");
    assert_eq!(project_id, SERVER_PROJECT);
    let answer = client
        .list_snapshots()
        .project_id(&project_id)
        .cluster_id("4f3deec3-efa8-4598-bf91-560aad1377a3")
        .send()
        .await
        .expect("the emulator accepts the signature");
    assert_eq!(answer.status(), 200);
    let sent = String::from_utf8_lossy(&seen.lock().unwrap()).to_lowercase();
    assert!(
        sent.contains("x-security-token: hw-security-token-1-never-shown"),
        "{sent}"
    );
    assert!(sent.contains("access=hwtempak0001"), "{sent}");

    let chain = AlibabaChain::new(&env_of(&[("HOME", "/nonexistent")]), VERSION, Some(&url));
    let client = snapspec_alibaba_es::Client::builder()
        .endpoint(&front)
        .signer_source(Arc::new(chain))
        .build()
        .unwrap();
    client
        .list_snapshot_repos_by_instance_id()
        .instance_id("es-cn-n6w1o1x0w001c****")
        .send()
        .await
        .expect("the emulator accepts the signature");
    let sent = String::from_utf8_lossy(&seen.lock().unwrap()).to_lowercase();
    assert!(
        sent.contains("x-acs-security-token: ali-security-token-2-never-shown"),
        "{sent}"
    );
}

#[tokio::test]
async fn a_failed_refresh_keeps_valid_credentials_retries_after_a_pause_and_fails_once_expired() {
    let clock = FakeClock::starting_now();
    let metadata = Metadata::new(clock.clone(), Duration::from_secs(3600));
    let url = metadata.clone().start().await;
    let env = env_of(&[("HOME", "/nonexistent")]);
    let chain = HuaweiChain::new(&env, Some(&url)).with_clock(clock.function());
    let security_key = "GET /openstack/latest/securitykey";
    assert_eq!(access_key(&chain.signer().await.unwrap()), "HWTEMPAK0001");

    // Within the margin, the service fails: the credentials still valid are used...
    metadata.trouble.store(1, Ordering::SeqCst);
    clock.advance(Duration::from_secs(3600 - 39 * 60));
    assert_eq!(access_key(&chain.signer().await.unwrap()), "HWTEMPAK0001");
    assert_eq!(metadata.count(security_key), 2);
    // ...and the service is not asked again on every request, only after a pause.
    for _ in 0..20 {
        chain.signer().await.unwrap();
    }
    assert_eq!(metadata.count(security_key), 2);
    clock.advance(Duration::from_secs(11));
    chain.signer().await.unwrap();
    assert_eq!(metadata.count(security_key), 3);

    // Once they have expired, the failure is the caller's, naming the service and its answer.
    clock.advance(Duration::from_secs(40 * 60));
    let error = chain.signer().await.unwrap_err();
    assert_eq!(
        error.tried.last().unwrap(),
        &(
            format!("ECS metadata at {url}"),
            "GET /openstack/latest/securitykey answered HTTP 500".to_string()
        )
    );

    // A server without an agency is told apart; a service back to health serves again.
    metadata.trouble.store(2, Ordering::SeqCst);
    let error = chain.signer().await.unwrap_err();
    assert!(
        error.to_string().ends_with(
            "GET /openstack/latest/securitykey answered HTTP 401: no agency is attached to this server"
        ),
        "{error}"
    );
    metadata.trouble.store(0, Ordering::SeqCst);
    assert_eq!(access_key(&chain.signer().await.unwrap()), "HWTEMPAK0002");
}

#[tokio::test]
async fn alibaba_goes_on_without_a_session_token_unless_imdsv1_is_switched_off() {
    let metadata = Metadata::new(FakeClock::starting_now(), Duration::from_secs(6 * 3600));
    metadata.alibaba_v1_only.store(true, Ordering::SeqCst);
    let url = metadata.clone().start().await;
    let env = env_of(&[("HOME", "/nonexistent")]);
    let chain = AlibabaChain::new(&env, VERSION, Some(&url));
    assert_eq!(
        access_key(&chain.signer().await.unwrap()),
        "STS.ALITEMP0001"
    );

    let env = env_of(&[
        ("HOME", "/nonexistent"),
        ("ALIBABA_CLOUD_IMDSV1_DISABLED", "true"),
    ]);
    let error = AlibabaChain::new(&env, VERSION, Some(&url))
        .signer()
        .await
        .unwrap_err();
    assert_eq!(
        error.tried.last().unwrap().1,
        "PUT /latest/api/token answered HTTP 403 (and ALIBABA_CLOUD_IMDSV1_DISABLED is true, so no request goes without a token)"
    );
    assert_eq!(
        metadata.count("GET /latest/meta-data/ram/security-credentials/"),
        1
    );
}
