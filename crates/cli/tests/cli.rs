//! The `snapspec` binary, run as a process against a loopback HTTP server: what it prints and how
//! it exits for an accepted request, a refused one, a broken rule and missing credentials.

use assert_cmd::Command;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const HUAWEI_AK: &str = "HPUAEXAMPLEAK00000001";
const HUAWEI_SK: &str = "example-secret-key-never-printed";
const ALIBABA_ID: &str = "LTAIexampleAccessKey";
const ALIBABA_SECRET: &str = "example-alibaba-secret-never-printed";

/// The binary with only the credentials a test gives it. Where no variable gives them, the
/// credential chains look in a home directory that does not exist and ask metadata services at a
/// loopback port nothing listens on: nothing leaves the machine.
fn snapspec() -> Command {
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
        "HOMEPATH",
        "USERPROFILE",
    ] {
        cmd.env_remove(var);
    }
    let closed = closed_loopback_url();
    cmd.env(
        "HOME",
        std::env::temp_dir().join("snapspec-cli-tests-no-home"),
    )
    .env("SNAPSPEC_HUAWEI_METADATA_URL", &closed)
    .env("SNAPSPEC_ALIBABA_METADATA_URL", &closed);
    cmd
}

/// A loopback URL nothing listens on.
fn closed_loopback_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("http://{}", listener.local_addr().unwrap())
}

fn huawei(cmd: &mut Command) -> &mut Command {
    cmd.env("HUAWEICLOUD_SDK_AK", HUAWEI_AK)
        .env("HUAWEICLOUD_SDK_SK", HUAWEI_SK)
        .env(
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "6204a5bd270343b5885144cf9c8c158d",
        )
}

fn stdout_json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn assert_no_secret(output: &std::process::Output) {
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains(HUAWEI_SK) && !text.contains(ALIBABA_SECRET),
            "a secret leaked: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn css_create_snapshot_prints_the_answer_and_exits_0() {
    let server = MockServer::start().await;
    let answer =
        json!({"backup": {"id": "9dc4f5c9-33c0-45c7-9378-ae35ae350682", "name": "snapshot_001"}});
    Mock::given(method("POST"))
        .and(path("/v1.0/6204a5bd270343b5885144cf9c8c158d/clusters/4f3deec3-efa8-4598-bf91-560aad1377a3/index_snapshot"))
        .and(body_json(json!({"name": "snapshot_001", "indices": "myindex1,myindex2"})))
        .and(header_exists("authorization"))
        .and(header_exists("x-sdk-date"))
        .respond_with(ResponseTemplate::new(201).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;
    // The common options come after the subcommand here, as users type them.
    let output = huawei(&mut snapspec())
        .args([
            "css",
            "create-snapshot",
            "--cluster-id",
            "4f3deec3-efa8-4598-bf91-560aad1377a3",
        ])
        .args([
            "--name",
            "snapshot_001",
            "--indices",
            "myindex1,myindex2",
            "--endpoint",
            &server.uri(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout_json(&output), answer);
    assert_no_secret(&output);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refusal_prints_code_message_and_request_id_and_exits_1() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(
                    json!({"error_code": "DWS.0001", "error_msg": "Snapshot name already exists."}),
                )
                .insert_header("X-Request-Id", "6a1f0e2d9c"),
        )
        .mount(&server)
        .await;
    let output = huawei(&mut snapspec())
        .args([
            "--endpoint",
            &server.uri(),
            "dws",
            "create-snapshot",
            "--cluster-id",
            "c1",
            "--name",
            "snapshot-3",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "HTTP 400",
        "DWS.0001",
        "Snapshot name already exists.",
        "6a1f0e2d9c",
    ] {
        assert!(
            stderr.contains(expected),
            "stderr lacks {expected}: {stderr}"
        );
    }
    assert!(output.stdout.is_empty());
    assert_no_secret(&output);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broken_rule_is_refused_with_the_field_exit_2_and_nothing_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    for (args, field) in [
        (
            vec![
                "css",
                "create-snapshot",
                "--cluster-id",
                "c",
                "--name",
                "Upper_Case",
            ],
            "`name`",
        ),
        (
            vec![
                "css",
                "create-snapshot",
                "--cluster-id",
                "c",
                "--name",
                "snap",
                "--indices",
                "a b",
            ],
            "`indices`",
        ),
        (
            vec![
                "dws",
                "create-snapshot",
                "--cluster-id",
                "c",
                "--name",
                "ok-name",
                "--description",
                "a<b",
            ],
            "`snapshot.description`",
        ),
    ] {
        let output = huawei(&mut snapspec())
            .args(&args)
            .args(["--endpoint", &server.uri()])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(field) && stderr.contains("pattern"),
            "{args:?}: {stderr}"
        );
    }
    server.verify().await;
}

#[test]
fn missing_credentials_name_the_variable_and_exit_3() {
    let output = snapspec()
        .args([
            "css",
            "create-snapshot",
            "--region",
            "cn-north-4",
            "--cluster-id",
            "c",
            "--name",
            "snapshot_001",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Every place the chain looked, in order.
    assert!(stderr.contains("HUAWEICLOUD_SDK_AK"), "{stderr}");
    let file = stderr
        .find("credentials file ")
        .expect("the credentials file");
    let metadata = stderr
        .find("ECS metadata at http://127.0.0.1:")
        .expect("the metadata service");
    assert!(
        stderr.find("HUAWEICLOUD_SDK_AK").unwrap() < file && file < metadata,
        "{stderr}"
    );
    let output = snapspec()
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", ALIBABA_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
        .args([
            "alibaba-es",
            "add-snapshot-repo",
            "--region",
            "cn-hangzhou",
            "--instance-id",
            "es-1",
            "--repo-path",
            "es-2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("ALIBABA_CLOUD_ACCESS_KEY_SECRET"));
}

#[tokio::test(flavor = "multi_thread")]
async fn alibaba_add_snapshot_repo_is_signed_and_prints_the_answer() {
    let server = MockServer::start().await;
    let answer = json!({"Result": true, "RequestId": "D21379E3-A54E-4C86-A64C-3717365F****"});
    Mock::given(method("POST"))
        // The signer encodes `*` as the official SDK does.
        .and(path(
            "/openapi/instances/es-cn-n6w1o1x0w001c%2A%2A%2A%2A/snapshot-repos",
        ))
        .and(body_json(json!({"repoPath": "es-cn-4591jumei000u****"})))
        .and(header_exists("x-acs-signature-nonce"))
        .and(header_exists("authorization"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&answer))
        .expect(1)
        .mount(&server)
        .await;
    let output = snapspec()
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", ALIBABA_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ALIBABA_SECRET)
        .args([
            "alibaba-es",
            "add-snapshot-repo",
            "--instance-id",
            "es-cn-n6w1o1x0w001c****",
        ])
        .args([
            "--repo-path",
            "es-cn-4591jumei000u****",
            "--endpoint",
            &server.uri(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(stdout_json(&output), answer);
    assert_no_secret(&output);
}

#[test]
fn help_documents_every_subcommand_and_the_exit_status() {
    for args in [
        vec!["--help"],
        vec!["css", "create-snapshot", "--help"],
        vec!["dws", "create-snapshot", "--help"],
        vec!["alibaba-es", "add-snapshot-repo", "--help"],
    ] {
        let output = snapspec().args(&args).output().unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && text.contains("Exit status:"),
            "{args:?}: {text}"
        );
        assert!(
            text.contains("--endpoint") || args == ["--help"],
            "{args:?}: {text}"
        );
    }
}

/// `snapspec emulate` as a process, and the CLI against it: signed requests accepted, a duplicate
/// name and a wrong secret refused with the vendor's code, request id and exit status 1.
#[test]
fn the_cli_against_the_emulator_it_starts() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut emulator = std::process::Command::new(env!("CARGO_BIN_EXE_snapspec"))
        .args(["emulate", "--listen", &listen])
        .env("HUAWEICLOUD_SDK_AK", HUAWEI_AK)
        .env("HUAWEICLOUD_SDK_SK", HUAWEI_SK)
        .env("RUST_LOG", "warn")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let ready = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(50));
        std::net::TcpStream::connect(&listen).is_ok()
    });
    let endpoint = format!("http://{listen}");
    let create = |sk: &str| {
        huawei(&mut snapspec())
            .env("HUAWEICLOUD_SDK_SK", sk)
            .args([
                "css",
                "create-snapshot",
                "--cluster-id",
                "c1",
                "--name",
                "snapshot_001",
                "--endpoint",
                &endpoint,
            ])
            .output()
            .unwrap()
    };
    let (first, second, forged) = if ready {
        (
            create(HUAWEI_SK),
            create(HUAWEI_SK),
            create("a-wrong-secret"),
        )
    } else {
        panic!("the emulator did not start")
    };
    let _ = emulator.kill();
    let _ = emulator.wait();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(stdout_json(&first)["backup"]["name"], "snapshot_001");
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("CSS.0043")
            && stderr.contains("request id: ")
            && !stderr.contains("request id: (none)"),
        "{stderr}"
    );
    assert_eq!(forged.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&forged.stderr).contains("APIGW.0301"));
    assert_no_secret(&forged);
}
