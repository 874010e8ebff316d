//! `snapspec css` lifecycle subcommands, run as a process against the in-process emulator:
//! create, list (BUILDING, then COMPLETED), restore, delete, the basic configuration and the
//! automatic policy, with the exit statuses of a refusal and of a broken rule.

use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};
use snapspec_auth::Secret;
use snapspec_emulator::{Credentials, EmulatorConfig};

const AK: &str = "HPUACSSLIFECYCLEAK001";
const SK: &str = "css-lifecycle-secret-never-printed";
const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";
const CLUSTER: &str = "4f3deec3-efa8-4598-bf91-560aad1377a3";
const DURATION: Duration = Duration::from_millis(500);

async fn emulator() -> String {
    let mut credentials = Credentials::default();
    credentials.huawei.insert(AK.into(), Secret::new(SK));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(
        listener,
        EmulatorConfig {
            credentials,
            snapshot_duration: DURATION,
            ..EmulatorConfig::default()
        },
    ));
    format!("http://{address}")
}

/// `snapspec css <args> --endpoint <base>` with the test's credentials; (exit code, stdout as
/// JSON or null, stderr).
fn css(base: &str, args: &[&str]) -> (i32, Value, String) {
    let mut cmd = Command::cargo_bin("snapspec").expect("the snapspec binary is built");
    let output = cmd
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .env_remove("HUAWEICLOUD_SDK_SECURITY_TOKEN")
        .env("RUST_LOG", "warn")
        .arg("css")
        .args(args)
        .args(["--endpoint", base])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains(SK) && !stderr.contains(SK),
        "a secret leaked"
    );
    let json = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (output.status.code().unwrap_or(-1), json, stderr)
}

fn ok(base: &str, args: &[&str]) -> Value {
    let (code, json, stderr) = css(base, args);
    assert_eq!(code, 0, "{args:?}: {stderr}");
    json
}

#[tokio::test(flavor = "multi_thread")]
async fn create_list_restore_delete_through_the_cli() {
    let base = emulator().await;
    let created = ok(
        &base,
        &[
            "create-snapshot",
            "--cluster-id",
            CLUSTER,
            "--name",
            "snapshot_001",
        ],
    );
    let id = created["backup"]["id"].as_str().unwrap().to_string();

    let listed = ok(&base, &["list-snapshots", "--cluster-id", CLUSTER]);
    assert_eq!(listed["backups"][0]["id"], json!(id));
    assert_eq!(listed["backups"][0]["status"], "BUILDING");

    // Restoring too early is the service's refusal: exit 1, code on stderr.
    let (code, _, stderr) = css(
        &base,
        &[
            "restore-snapshot",
            "--cluster-id",
            CLUSTER,
            "--snapshot-id",
            &id,
            "--target-cluster",
            CLUSTER,
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("CSS.0001") && stderr.contains("BUILDING"),
        "{stderr}"
    );

    tokio::time::sleep(DURATION + Duration::from_millis(100)).await;
    let listed = ok(&base, &["list-snapshots", "--cluster-id", CLUSTER]);
    assert_eq!(listed["backups"][0]["status"], "COMPLETED");

    let restored = ok(
        &base,
        &[
            "restore-snapshot",
            "--cluster-id",
            CLUSTER,
            "--snapshot-id",
            &id,
            "--target-cluster",
            CLUSTER,
            "--indices",
            "myindex1,myindex2",
            "--rename-pattern",
            "index",
            "--rename-replacement",
            "restored_index_$1",
            "--replace-exist-indices",
        ],
    );
    assert_eq!(restored, Value::Null, "the service answers without a body");
    let listed = ok(&base, &["list-snapshots", "--cluster-id", CLUSTER]);
    assert_eq!(listed["backups"][0]["restoreStatus"], "success");

    ok(
        &base,
        &[
            "delete-snapshot",
            "--cluster-id",
            CLUSTER,
            "--snapshot-id",
            &id,
        ],
    );
    let listed = ok(&base, &["list-snapshots", "--cluster-id", CLUSTER]);
    // An empty list: the typed answer leaves an empty `backups` out.
    assert!(
        listed.get("backups").is_none_or(|b| b == &json!([])),
        "{listed}"
    );

    let (code, _, stderr) = css(
        &base,
        &[
            "delete-snapshot",
            "--cluster-id",
            CLUSTER,
            "--snapshot-id",
            &id,
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("HTTP 403") && stderr.contains("CSS.0015"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn configuration_and_policy_through_the_cli() {
    let base = emulator().await;
    let shown = ok(&base, &["show-auto-create-policy", "--cluster-id", CLUSTER]);
    assert_eq!(shown, json!({"enable": "false"}));

    ok(
        &base,
        &[
            "update-snapshot-setting",
            "--cluster-id",
            CLUSTER,
            "--bucket",
            "test-bucket",
            "--agency",
            "usearch",
            "--base-path",
            "css_repository/Es-name",
        ],
    );
    ok(
        &base,
        &[
            "create-auto-create-policy",
            "--cluster-id",
            CLUSTER,
            "--enable",
            "true",
            "--keepday",
            "7",
            "--period",
            "16:00 GMT+08:00",
            "--prefix",
            "snapshot",
        ],
    );
    let shown = ok(&base, &["show-auto-create-policy", "--cluster-id", CLUSTER]);
    assert_eq!(
        shown,
        json!({"agency": "usearch", "basePath": "css_repository/Es-name", "bucket": "test-bucket",
               "enable": "true", "keepday": 7, "period": "16:00 GMT+08:00", "prefix": "snapshot"})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn values_that_break_a_documented_rule_exit_2_naming_the_field() {
    let base = emulator().await;
    // The documented range of --keepday is checked by the argument parser.
    let (code, _, stderr) = css(
        &base,
        &[
            "create-auto-create-policy",
            "--cluster-id",
            CLUSTER,
            "--enable",
            "true",
            "--keepday",
            "91",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--keepday") && stderr.contains("1..=90"),
        "{stderr}"
    );
    for (args, field) in [
        (
            vec![
                "create-auto-create-policy",
                "--cluster-id",
                CLUSTER,
                "--enable",
                "yes",
            ],
            "enable",
        ),
        (
            vec![
                "create-auto-create-policy",
                "--cluster-id",
                CLUSTER,
                "--enable",
                "true",
                "--period",
                "16:30 GMT+08:00",
            ],
            "period",
        ),
        (
            vec![
                "restore-snapshot",
                "--cluster-id",
                CLUSTER,
                "--snapshot-id",
                "s",
                "--target-cluster",
                CLUSTER,
                "--indices",
                "MyIndex",
            ],
            "indices",
        ),
    ] {
        let (code, _, stderr) = css(&base, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(field) && stderr.contains("nothing was sent"),
            "{stderr}"
        );
    }
    // The policy was never set: the refused values did not reach the emulator.
    let shown = ok(&base, &["show-auto-create-policy", "--cluster-id", CLUSTER]);
    assert_eq!(shown["enable"], "false");
    // A rename pattern alone is refused by the argument parser itself.
    let (code, _, stderr) = css(
        &base,
        &[
            "restore-snapshot",
            "--cluster-id",
            CLUSTER,
            "--snapshot-id",
            "s",
            "--target-cluster",
            CLUSTER,
            "--rename-pattern",
            "index",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--rename-replacement"), "{stderr}");
}
