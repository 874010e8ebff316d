//! `snapspec alibaba-es` lifecycle subcommands, run as processes against `snapspec emulate`
//! started as a process: what each prints and how it exits, the client token create-snapshot
//! makes and reports, and the refusals that name the flag.

use std::io::{Read, Write};
use std::process::{Child, Output};

use assert_cmd::Command;
use serde_json::{Value, json};

const KEY_ID: &str = "LTAIcliLifecycleTest01";
const KEY_SECRET: &str = "cli-lifecycle-alibaba-secret-never-printed";

/// `snapspec emulate` on a free loopback port, accepting our Alibaba key; stopped on drop.
struct Emulator {
    child: Child,
    endpoint: String,
}

impl Emulator {
    fn start(extra: &[&str]) -> Emulator {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = format!("127.0.0.1:{port}");
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_snapspec"))
            .args(["emulate", "--listen", &listen])
            .args(extra)
            .env_remove("HUAWEICLOUD_SDK_AK")
            .env_remove("HUAWEICLOUD_SDK_SK")
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", KEY_SECRET)
            .env("RUST_LOG", "warn")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let ready = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            std::net::TcpStream::connect(&listen).is_ok()
        });
        let emulator = Emulator {
            child,
            endpoint: format!("http://{listen}"),
        };
        assert!(ready, "the emulator did not start");
        emulator
    }

    /// `snapspec alibaba-es <args> --endpoint <emulator>` with our credentials only.
    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::cargo_bin("snapspec").expect("the snapspec binary is built");
        for var in [
            "ALIBABA_CLOUD_SECURITY_TOKEN",
            "HUAWEICLOUD_SDK_AK",
            "HUAWEICLOUD_SDK_SK",
        ] {
            cmd.env_remove(var);
        }
        let output = cmd
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", KEY_SECRET)
            .arg("alibaba-es")
            .args(args)
            .args(["--endpoint", &self.endpoint])
            .output()
            .unwrap();
        for stream in [&output.stdout, &output.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(KEY_SECRET),
                "a secret leaked"
            );
        }
        output
    }

    /// The snapshots the emulator holds for `instance`, from its inspection route (a plain
    /// HTTP/1.1 GET: the route is unsigned).
    fn snapshots_of(&self, instance: &str) -> Vec<Value> {
        let host = self.endpoint.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        write!(
            stream,
            "GET /emulator/alibaba-es/instances/{instance}/snapshots HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        let body = text.split_once("\r\n\r\n").map_or("", |(_, body)| body);
        let answer: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {text}"));
        answer["snapshots"].as_array().cloned().unwrap_or_default()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn assert_ok(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout_json(output)
}

#[test]
fn repositories_are_added_listed_and_deleted_from_the_command_line() {
    let emulator = Emulator::start(&[]);
    let instance = ["--instance-id", "es-cn-n6w1o1x0w001c****"];
    let added = emulator.run(
        &[
            &["add-snapshot-repo"][..],
            &instance,
            &["--repo-path", "es-cn-4591jumei000u****"],
        ]
        .concat(),
    );
    assert_eq!(assert_ok(&added)["Result"], true);

    let listed = assert_ok(
        &emulator.run(&[&["list-snapshot-repos-by-instance-id"][..], &instance].concat()),
    );
    assert_eq!(
        listed["Result"],
        json!([{"instanceId": "es-cn-4591jumei000u****", "repoPath": "es-cn-4591jumei000u****",
                "snapWarehouse": "aliyun_snapshot_from_es-cn-4591jumei000u****", "status": "available"}])
    );
    assert!(listed["RequestId"].is_string());

    let delete = [
        &["delete-snapshot-repo"][..],
        &instance,
        &["--repo-path", "es-cn-4591jumei000u****"],
    ]
    .concat();
    assert_eq!(assert_ok(&emulator.run(&delete))["Result"], true);
    let listed = assert_ok(
        &emulator.run(&[&["list-snapshot-repos-by-instance-id"][..], &instance].concat()),
    );
    assert_eq!(listed["Result"], json!([]));

    // Deleting it again is the service's refusal: exit 1, code and request id on stderr.
    let again = emulator.run(&delete);
    assert_eq!(again.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("RepoNotFound")
            && stderr.contains("request id: ")
            && !stderr.contains("request id: (none)"),
        "{stderr}"
    );
}

#[test]
fn create_snapshot_makes_a_client_token_reports_it_and_a_retry_with_it_takes_no_second_snapshot() {
    let emulator = Emulator::start(&[]);
    let instance = "es-cn-oew1oxiro000f****";
    let first = emulator.run(&["create-snapshot", "--instance-id", instance]);
    assert_eq!(assert_ok(&first)["Result"], true);
    let stderr = String::from_utf8_lossy(&first.stderr).to_string();
    let token = stderr
        .split("client token: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("the token is on stderr: {stderr}"))
        .to_string();
    assert_eq!(token.len(), 36, "a UUID: {token}");
    assert!(
        stderr.contains(&format!("--client-token {token}")),
        "the retry flag is spelled out: {stderr}"
    );

    let retry = emulator.run(&[
        "create-snapshot",
        "--instance-id",
        instance,
        "--client-token",
        &token,
    ]);
    assert_eq!(assert_ok(&retry)["Result"], true);
    assert!(
        retry.stderr.is_empty(),
        "a given token is not reported again"
    );
    let taken = emulator.snapshots_of(instance);
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert_eq!(taken[0]["clientToken"], token.as_str());

    let another = emulator.run(&["create-snapshot", "--instance-id", instance]);
    assert_ok(&another);
    assert_eq!(
        emulator.snapshots_of(instance).len(),
        2,
        "a new token is a new snapshot"
    );
}

#[test]
fn the_snapshot_setting_is_updated_and_described_from_the_command_line() {
    let emulator = Emulator::start(&[]);
    let instance = ["--instance-id", "es-cn-0pp1jxvcl000z****"];
    let described =
        assert_ok(&emulator.run(&[&["describe-snapshot-setting"][..], &instance].concat()));
    assert_eq!(described["Result"], json!({"Enable": false}));

    let updated = assert_ok(
        &emulator.run(
            &[
                &["update-snapshot-setting"][..],
                &instance,
                &["--enable", "true", "--quartz-regex", "0 0 01 ? * * *"],
            ]
            .concat(),
        ),
    );
    assert_eq!(
        updated["Result"],
        json!({"enable": true, "quartzRegex": "0 0 01 ? * * *"})
    );
    let described =
        assert_ok(&emulator.run(&[&["describe-snapshot-setting"][..], &instance].concat()));
    assert_eq!(
        described["Result"],
        json!({"Enable": true, "QuartzRegex": "0 0 01 ? * * *"})
    );

    let off = assert_ok(
        &emulator.run(
            &[
                &["update-snapshot-setting"][..],
                &instance,
                &["--enable", "false"],
            ]
            .concat(),
        ),
    );
    assert_eq!(off["Result"]["enable"], false);
}

#[test]
fn broken_rules_are_refused_naming_the_flag_with_exit_2_and_nothing_sent() {
    let emulator = Emulator::start(&[]);
    let long = "t".repeat(65);
    for (args, flag) in [
        (
            vec![
                "create-snapshot",
                "--instance-id",
                "es-1",
                "--client-token",
                long.as_str(),
            ],
            "--client-token",
        ),
        (
            vec![
                "create-snapshot",
                "--instance-id",
                "es-1",
                "--client-token",
                "jeton-é",
            ],
            "--client-token",
        ),
        (
            vec![
                "delete-snapshot-repo",
                "--instance-id",
                "es-1",
                "--repo-path",
                "r",
                "--client-token",
                long.as_str(),
            ],
            "--client-token",
        ),
        (
            vec![
                "update-snapshot-setting",
                "--instance-id",
                "es-1",
                "--enable",
                "true",
            ],
            "--quartz-regex",
        ),
    ] {
        let output = emulator.run(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(flag) && stderr.contains("nothing was sent"),
            "{args:?}: {stderr}"
        );
    }
    assert!(emulator.snapshots_of("es-1").is_empty());
    // An expression the emulator refuses comes back as the service's refusal, naming the field.
    let output = emulator.run(&[
        "update-snapshot-setting",
        "--instance-id",
        "es-1",
        "--enable",
        "true",
        "--quartz-regex",
        "daily",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("InvalidParameter") && stderr.contains("quartzRegex"),
        "{stderr}"
    );
}

#[test]
fn instance_errors_exit_1_with_the_vendors_code() {
    let emulator = Emulator::start(&[
        "--instance-not-found",
        "es-gone",
        "--instance-activating",
        "es-new",
    ]);
    let output = emulator.run(&["describe-snapshot-setting", "--instance-id", "es-gone"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("HTTP 404") && stderr.contains("InstanceNotFound"),
        "{stderr}"
    );
    let output = emulator.run(&[
        "create-snapshot",
        "--instance-id",
        "es-new",
        "--client-token",
        "t1",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("InstanceActivating") && stderr.contains("a retry may succeed"),
        "{stderr}"
    );
}

#[test]
fn help_describes_every_lifecycle_subcommand() {
    for subcommand in [
        "list-snapshot-repos-by-instance-id",
        "delete-snapshot-repo",
        "create-snapshot",
        "describe-snapshot-setting",
        "update-snapshot-setting",
    ] {
        let output = Command::cargo_bin("snapspec")
            .unwrap()
            .args(["alibaba-es", subcommand, "--help"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{subcommand}: {text}");
        assert!(
            text.contains("Exit status:")
                && text.contains("--instance-id")
                && text.contains("--endpoint"),
            "{subcommand}: {text}"
        );
    }
}
