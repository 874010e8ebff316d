//! The `snapspec` binary without credential variables, as on a cloud machine: it finds Huawei
//! credentials (and the project id) in the ECS metadata service, Alibaba ones in the aliyun CLI's
//! profile file. The metadata service is a loopback mock, the home directory a temporary one.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use assert_cmd::Command;
use serde_json::json;
use snapspec_auth::Secret;
use snapspec_emulator::{Credentials, EmulatorConfig};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TEMP_AK: &str = "HWTEMPAKCLI000000001";
const TEMP_SK: &str = "cli-temp-sk-never-printed";
const TEMP_TOKEN: &str = "cli-temp-token-never-printed";
const SERVER_PROJECT: &str = "6e8b0c94265645f39c5abbe63c4113c6";
const KEY_ID: &str = "LTAIcliProfileTest01";
const KEY_SECRET: &str = "cli-profile-secret-never-printed";

async fn emulator() -> String {
    let mut credentials = Credentials::default();
    credentials
        .huawei
        .insert(TEMP_AK.into(), Secret::new(TEMP_SK));
    credentials
        .alibaba
        .insert(KEY_ID.into(), Secret::new(KEY_SECRET));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(
        listener,
        EmulatorConfig {
            credentials,
            ..EmulatorConfig::default()
        },
    ));
    format!("http://{address}")
}

/// A fresh, empty home directory for one test.
fn home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "snapspec-cli-credentials-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The binary with no credential variable, `home` as its home, and both metadata services at
/// `metadata` (a loopback server).
fn snapspec(home: &PathBuf, metadata: &str) -> Command {
    let mut cmd = Command::cargo_bin("snapspec").expect("the snapspec binary is built");
    for var in [
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
        "ALIBABA_CLOUD_SECURITY_TOKEN",
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        "ALIBABA_CLOUD_PROFILE",
        "ALIBABA_CLOUD_ECS_METADATA",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("HOME", home)
        .env("SNAPSPEC_HUAWEI_METADATA_URL", metadata)
        .env("SNAPSPEC_ALIBABA_METADATA_URL", metadata)
        .env("RUST_LOG", "warn");
    cmd
}

#[tokio::test(flavor = "multi_thread")]
async fn css_runs_on_the_ecs_agency_credentials_and_the_servers_project() {
    let metadata = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/meta-data/latest/api/token"))
        .and(header("x-metadata-token-ttl-seconds", "21600"))
        .respond_with(ResponseTemplate::new(200).set_body_string("cli-session"))
        .expect(1)
        .mount(&metadata)
        .await;
    let expires = SystemTime::now() + Duration::from_secs(3600);
    Mock::given(method("GET"))
        .and(path("/openstack/latest/securitykey"))
        .and(header("x-metadata-token", "cli-session"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"credential": {
                "access": TEMP_AK, "secret": TEMP_SK, "securitytoken": TEMP_TOKEN,
                "expires_at": humantime::format_rfc3339_micros(expires).to_string(),
            }})),
        )
        .expect(1)
        .mount(&metadata)
        .await;
    Mock::given(method("GET"))
        .and(path("/openstack/latest/meta_data.json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"project_id": SERVER_PROJECT})),
        )
        .expect(1)
        .mount(&metadata)
        .await;
    let base = emulator().await;
    let home = home("huawei");
    let output = snapspec(&home, &metadata.uri())
        .args([
            "css",
            "list-snapshots",
            "--cluster-id",
            "4f3deec3-efa8-4598-bf91-560aad1377a3",
            "--endpoint",
            &base,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    for secret in [TEMP_SK, TEMP_TOKEN] {
        assert!(!stderr.contains(secret));
        assert!(!String::from_utf8_lossy(&output.stdout).contains(secret));
    }
    metadata.verify().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn alibaba_es_runs_on_the_aliyun_cli_profile() {
    // Nothing listens there: the profile must be enough.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let base = emulator().await;
    let home = home("alibaba");
    std::fs::create_dir_all(home.join(".aliyun")).unwrap();
    let config = json!({"current": "backup", "profiles": [
        {"name": "default", "mode": "AK", "access_key_id": "LTAIsomeoneElse", "access_key_secret": "x"},
        {"name": "backup", "mode": "AK", "access_key_id": KEY_ID, "access_key_secret": KEY_SECRET,
         "region_id": "cn-hangzhou"}
    ]});
    std::fs::write(home.join(".aliyun/config.json"), config.to_string()).unwrap();
    let output = snapspec(&home, &closed)
        .args([
            "alibaba-es",
            "list-snapshot-repos-by-instance-id",
            "--instance-id",
            "es-cn-n6w1o1x0w001c****",
            "--endpoint",
            &base,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains(KEY_SECRET));

    // The profile chosen by ALIBABA_CLOUD_PROFILE has a key the emulator does not know: refused.
    let output = snapspec(&home, &closed)
        .env("ALIBABA_CLOUD_PROFILE", "default")
        .args([
            "alibaba-es",
            "list-snapshot-repos-by-instance-id",
            "--instance-id",
            "es-cn-n6w1o1x0w001c****",
            "--endpoint",
            &base,
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
}
