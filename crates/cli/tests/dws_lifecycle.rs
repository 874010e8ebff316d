//! `snapspec dws` lifecycle subcommands (list-snapshots, list-snapshot-details, delete-snapshot,
//! restore-cluster) as a process, against `snapspec emulate` started as another process: what
//! they print and how they exit along create -> poll -> restore -> delete.

use std::process::{Child, Command as Process, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

const AK: &str = "HPUADWSLIFECYCLEAK001";
const SK: &str = "dws-lifecycle-secret-never-printed";
const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";

/// A running `snapspec emulate`, stopped when dropped.
struct Emulator {
    child: Child,
    endpoint: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn emulate(extra: &[&str]) -> Emulator {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let child = Process::new(env!("CARGO_BIN_EXE_snapspec"))
        .args(["emulate", "--listen", &listen])
        .args(extra)
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env("RUST_LOG", "warn")
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let emulator = Emulator {
        child,
        endpoint: format!("http://{listen}"),
    };
    let ready = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        std::net::TcpStream::connect(&listen).is_ok()
    });
    assert!(ready, "the emulator did not start");
    emulator
}

/// Runs `snapspec --endpoint <endpoint> dws <args>` with the emulator's credentials.
fn dws(endpoint: &str, args: &[&str]) -> Output {
    let mut cmd = Command::cargo_bin("snapspec").unwrap();
    for var in [
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    ] {
        cmd.env_remove(var);
    }
    let output = cmd
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args(["--endpoint", endpoint, "dws"])
        .args(args)
        .output()
        .unwrap();
    for stream in [&output.stdout, &output.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(SK),
            "the secret leaked"
        );
    }
    output
}

fn json_of(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Polls list-snapshot-details until the snapshot leaves CREATING; returns its final status.
fn wait_until_complete(emulator: &Emulator, id: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shown = json_of(&dws(
            &emulator.endpoint,
            &["list-snapshot-details", "--snapshot-id", id],
        ));
        let status = shown["snapshot"]["status"].as_str().unwrap().to_string();
        if status != "CREATING" || Instant::now() > deadline {
            return status;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn create_poll_list_restore_delete_through_the_cli() {
    let emulator = emulate(&["--snapshot-duration", "500ms"]);
    let created = json_of(&dws(
        &emulator.endpoint,
        &[
            "create-snapshot",
            "--cluster-id",
            "c1",
            "--name",
            "nightly-1",
        ],
    ));
    let id = created["snapshot"]["id"].as_str().unwrap().to_string();

    let listed = json_of(&dws(&emulator.endpoint, &["list-snapshots"]));
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["snapshots"][0]["id"], id.as_str());
    assert_eq!(listed["snapshots"][0]["status"], "CREATING");
    assert_eq!(listed["snapshots"][0]["finished"], Value::Null);

    let early = dws(
        &emulator.endpoint,
        &["restore-cluster", "--snapshot-id", &id, "--name", "dws-1"],
    );
    assert_eq!(early.status.code(), Some(1), "{}", stderr_of(&early));
    assert!(
        stderr_of(&early).contains("DWS.5149") && stderr_of(&early).contains("CREATING"),
        "{}",
        stderr_of(&early)
    );

    assert_eq!(wait_until_complete(&emulator, &id), "AVAILABLE");

    let restored = json_of(&dws(
        &emulator.endpoint,
        &[
            "restore-cluster",
            "--snapshot-id",
            &id,
            "--name",
            "dws-1",
            "--port",
            "8000",
            "--availability-zone",
            "cn-north-4b",
            "--public-bind-type",
            "auto_assign",
            "--ipv6-enable",
            "false",
            "--number-of-cn",
            "3",
        ],
    ));
    let cluster = restored["cluster"]["id"].as_str().unwrap();
    assert!(!cluster.is_empty() && cluster != id);

    let deleted = json_of(&dws(
        &emulator.endpoint,
        &["delete-snapshot", "--snapshot-id", &id],
    ));
    assert_eq!(deleted["error_code"], "dws.0000");
    assert_eq!(
        json_of(&dws(&emulator.endpoint, &["list-snapshots"]))["count"],
        0
    );
    let gone = dws(
        &emulator.endpoint,
        &["list-snapshot-details", "--snapshot-id", &id],
    );
    assert_eq!(gone.status.code(), Some(1));
    assert!(
        stderr_of(&gone).contains("DWS.5149"),
        "{}",
        stderr_of(&gone)
    );
    assert!(gone.stdout.is_empty());
}

#[test]
fn a_snapshot_failing_on_demand_shows_unavailable_and_its_restore_exits_1() {
    let emulator = emulate(&[
        "--snapshot-duration",
        "200ms",
        "--fail-snapshot",
        "doomed-1",
    ]);
    let created = json_of(&dws(
        &emulator.endpoint,
        &[
            "create-snapshot",
            "--cluster-id",
            "c1",
            "--name",
            "doomed-1",
        ],
    ));
    let id = created["snapshot"]["id"].as_str().unwrap().to_string();
    assert_eq!(wait_until_complete(&emulator, &id), "UNAVAILABLE");
    let refused = dws(
        &emulator.endpoint,
        &["restore-cluster", "--snapshot-id", &id, "--name", "dws-1"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr_of(&refused).contains("UNAVAILABLE"),
        "{}",
        stderr_of(&refused)
    );
}

#[test]
fn a_restore_flag_that_breaks_a_rule_exits_2_naming_the_field_and_sends_nothing() {
    // No emulator listens at this endpoint: anything sent would fail with exit status 4.
    let nowhere = "http://127.0.0.1:9";
    for (flags, field) in [
        (vec!["--port", "80"], "restore.port"),
        (vec!["--number-of-cn", "21"], "restore.number_of_cn"),
        (
            vec!["--public-bind-type", "sometimes"],
            "restore.public_ip.public_bind_type",
        ),
        (vec!["--port", "99999999999"], "restore.port"),
    ] {
        let mut args = vec!["restore-cluster", "--snapshot-id", "s1", "--name", "dws-1"];
        args.extend(flags.iter());
        let output = dws(nowhere, &args);
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(
            stderr.contains(&format!("`{field}`")) && stderr.contains("nothing was sent"),
            "{flags:?}: {stderr}"
        );
    }
    let output = dws(
        nowhere,
        &[
            "restore-cluster",
            "--snapshot-id",
            "s1",
            "--name",
            "1-starts-with-a-digit",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("`restore.name`"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn help_documents_each_lifecycle_subcommand_and_the_exit_status() {
    for (subcommand, flag) in [
        ("list-snapshots", "--endpoint"),
        ("list-snapshot-details", "--snapshot-id"),
        ("delete-snapshot", "--snapshot-id"),
        ("restore-cluster", "--number-of-cn"),
    ] {
        let output = Command::cargo_bin("snapspec")
            .unwrap()
            .args(["dws", subcommand, "--help"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && text.contains("Exit status:") && text.contains(flag),
            "{subcommand}: {text}"
        );
    }
}
