//! `--wait`, `--timeout` and `prune` of `snapspec css` / `snapspec dws`, as processes against
//! `snapspec emulate` started as another process: plain status lines and the JSON answer in a
//! pipe, the spinner on a pseudo-terminal, the exit statuses of a failed snapshot (6), a deadline
//! (5) and a prune that met a snapshot in progress (7), and what prune keeps, deletes and refuses.

use std::io::Read;
use std::process::{Child, Command as Process, Output, Stdio};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

const AK: &str = "HPUAWAITPRUNETEST001";
const SK: &str = "wait-prune-secret-never-printed";
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

/// Runs `snapspec --endpoint <endpoint> <api> <args>` in a pipe.
fn run(endpoint: &str, api: &str, args: &[&str]) -> Output {
    let output = Command::cargo_bin("snapspec")
        .unwrap()
        .env_remove("HUAWEICLOUD_SDK_SECURITY_TOKEN")
        .env("HUAWEICLOUD_SDK_AK", AK)
        .env("HUAWEICLOUD_SDK_SK", SK)
        .env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT)
        .args(["--endpoint", endpoint, api])
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

fn stdout_json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            stderr(output)
        )
    })
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn code(output: &Output) -> Option<i32> {
    output.status.code()
}

/// The characters of indicatif's default spinner.
const SPINNER: [char; 8] = ['⠁', '⠂', '⠄', '⡀', '⢀', '⠠', '⠐', '⠈'];

#[test]
fn create_wait_in_a_pipe_prints_plain_status_lines_and_the_json_answer() {
    let emulator = emulate(&["--snapshot-duration", "700ms"]);
    let output = run(
        &emulator.endpoint,
        "css",
        &[
            "create-snapshot",
            "--cluster-id",
            "c1",
            "--name",
            "nightly_001",
            "--wait",
            "--poll-interval",
            "200ms",
        ],
    );
    let err = stderr(&output);
    assert_eq!(code(&output), Some(0), "{err}");
    let answer = stdout_json(&output);
    let id = answer["backup"]["id"].as_str().expect("the create answer");
    assert_eq!(
        answer["backup"]["status"], "BUILDING",
        "the create's answer, as without --wait"
    );
    assert!(err.contains("status BUILDING after 0s\n"), "{err}");
    assert!(err.contains("status COMPLETED after "), "{err}");
    assert!(
        err.contains(&format!("snapshot {id}: COMPLETED after ")),
        "{err}"
    );
    assert!(!err.contains(SPINNER), "no spinner in a pipe: {err}");

    // The snapshot completed: a delete --wait sees it gone.
    let deleted = run(
        &emulator.endpoint,
        "css",
        &[
            "delete-snapshot",
            "--cluster-id",
            "c1",
            "--snapshot-id",
            id,
            "--wait",
            "--poll-interval",
            "200ms",
        ],
    );
    assert_eq!(code(&deleted), Some(0), "{}", stderr(&deleted));
    assert!(
        stderr(&deleted).contains("status gone after 0s"),
        "{}",
        stderr(&deleted)
    );
}

#[test]
fn a_snapshot_that_ends_failed_exits_6_after_printing_the_answer() {
    let emulator = emulate(&[
        "--snapshot-duration",
        "400ms",
        "--fail-snapshot",
        "doomed-001",
    ]);
    let output = run(
        &emulator.endpoint,
        "dws",
        &[
            "create-snapshot",
            "--cluster-id",
            "c1",
            "--name",
            "doomed-001",
            "--wait",
            "--poll-interval",
            "150ms",
        ],
    );
    let err = stderr(&output);
    assert_eq!(code(&output), Some(6), "{err}");
    let id = stdout_json(&output)["snapshot"]["id"]
        .as_str()
        .expect("the create answer is printed all the same")
        .to_string();
    assert!(err.contains("status CREATING after 0s"), "{err}");
    assert!(
        err.contains(&format!("error: snapshot {id} ended UNAVAILABLE after")),
        "{err}"
    );
}

#[test]
fn a_deadline_passed_exits_5_with_the_last_status() {
    let emulator = emulate(&["--snapshot-duration", "60s"]);
    let started = std::time::Instant::now();
    let output = run(
        &emulator.endpoint,
        "css",
        &[
            "create-snapshot",
            "--cluster-id",
            "c1",
            "--name",
            "slow_0001",
            "--wait",
            "--timeout",
            "1s",
            "--poll-interval",
            "200ms",
        ],
    );
    let err = stderr(&output);
    assert_eq!(code(&output), Some(5), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(stdout_json(&output)["backup"]["id"].is_string());
    assert!(
        err.contains("--timeout 1s passed while waiting for snapshot")
            && err.contains("(last status: BUILDING)"),
        "{err}"
    );
}

#[test]
fn a_dws_restore_refuses_wait_before_sending_anything() {
    // No emulator: had anything been sent, the exit status would be 4 (unreachable).
    let output = run(
        "http://127.0.0.1:9",
        "dws",
        &[
            "restore-cluster",
            "--snapshot-id",
            "s1",
            "--name",
            "dws-restored",
            "--wait",
        ],
    );
    assert_eq!(code(&output), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("ShowClusterDetail"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("nothing was sent"));
}

/// Runs `snapspec <args>` on a pseudo-terminal (stdin, stdout and stderr all on it); returns
/// everything it wrote and its exit status.
fn run_on_a_terminal(endpoint: &str, args: &[&str]) -> (String, u32) {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_snapspec"));
    command.args(["--endpoint", endpoint]);
    command.args(args);
    command.env_remove("HUAWEICLOUD_SDK_SECURITY_TOKEN");
    command.env("HUAWEICLOUD_SDK_AK", AK);
    command.env("HUAWEICLOUD_SDK_SK", SK);
    command.env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT);
    command.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(command).expect("spawned");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let reading = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buffer = [0u8; 4096];
        // Linux answers EIO once the child's side is closed: that is the end.
        while let Ok(n) = reader.read(&mut buffer) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buffer[..n]);
        }
        seen
    });
    let status = child.wait().unwrap();
    drop(pair.master);
    let seen = reading.join().unwrap();
    (
        String::from_utf8_lossy(&seen).into_owned(),
        status.exit_code(),
    )
}

#[test]
fn create_wait_on_a_terminal_shows_a_spinner_with_status_and_elapsed_time() {
    let emulator = emulate(&["--snapshot-duration", "1500ms"]);
    let (screen, exit) = run_on_a_terminal(
        &emulator.endpoint,
        &[
            "css",
            "create-snapshot",
            "--cluster-id",
            "c1",
            "--name",
            "terminal_01",
            "--wait",
            "--poll-interval",
            "300ms",
        ],
    );
    assert_eq!(exit, 0, "{screen}");
    assert!(screen.contains(SPINNER), "no spinner drawn: {screen}");
    let id = screen
        .split("\"id\": \"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the JSON answer is on the terminal too");
    // The spinner's line: what is awaited, its current status, the elapsed time.
    assert!(
        screen.contains(&format!("snapshot {id}: BUILDING [")),
        "no status in the spinner line: {screen}"
    );
    assert!(screen.contains("s]"), "no elapsed time: {screen}");
    // The terminal branch, not the plain one.
    assert!(!screen.contains("status BUILDING after"), "{screen}");
    assert!(
        screen.contains(&format!("snapshot {id}: COMPLETED after")),
        "{screen}"
    );
}

/// Creates a snapshot without waiting; returns its id.
fn create(endpoint: &str, api: &str, cluster: &str, name: &str) -> String {
    let output = run(
        endpoint,
        api,
        &["create-snapshot", "--cluster-id", cluster, "--name", name],
    );
    assert_eq!(code(&output), Some(0), "{}", stderr(&output));
    let answer = stdout_json(&output);
    let id = if api == "css" {
        &answer["backup"]["id"]
    } else {
        &answer["snapshot"]["id"]
    };
    id.as_str().unwrap().to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn css_prune_keeps_the_newest_completed_deletes_the_rest_and_refuses_one_in_progress() {
    let emulator = emulate(&[
        "--snapshot-duration",
        "800ms",
        "--fail-snapshot",
        "failed_01",
    ]);
    let e = emulator.endpoint.as_str();
    let oldest = create(e, "css", "c1", "oldest_01");
    let kept = create(e, "css", "c1", "newest_01");
    let failed = create(e, "css", "c1", "failed_01");
    let other_cluster = create(e, "css", "c2", "other_01");
    std::thread::sleep(Duration::from_millis(1000));
    let building = create(e, "css", "c1", "building_01");

    let dry = run(
        e,
        "css",
        &[
            "prune",
            "--cluster-id",
            "c1",
            "--keep-last",
            "1",
            "--dry-run",
        ],
    );
    assert_eq!(
        code(&dry),
        Some(0),
        "a dry run only lists: {}",
        stderr(&dry)
    );
    let plan = stdout_json(&dry);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(ids(&plan["kept"]), std::slice::from_ref(&kept));
    assert_eq!(ids(&plan["would_delete"]), [failed.clone(), oldest.clone()]);
    assert_eq!(ids(&plan["refused"]), std::slice::from_ref(&building));
    assert!(
        plan["refused"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("BUILDING")
    );
    let listed = stdout_json(&run(e, "css", &["list-snapshots", "--cluster-id", "c1"]));
    assert_eq!(
        listed["backups"].as_array().unwrap().len(),
        4,
        "nothing deleted"
    );

    let real = run(
        e,
        "css",
        &[
            "prune",
            "--cluster-id",
            "c1",
            "--keep-last",
            "1",
            "--wait",
            "--poll-interval",
            "100ms",
        ],
    );
    assert_eq!(code(&real), Some(7), "{}", stderr(&real));
    let report = stdout_json(&real);
    assert_eq!(ids(&report["deleted"]), [failed, oldest]);
    assert_eq!(ids(&report["refused"]), std::slice::from_ref(&building));
    assert!(
        stderr(&real).contains("status gone after"),
        "{}",
        stderr(&real)
    );
    assert!(stderr(&real).contains(&building), "{}", stderr(&real));
    let left = stdout_json(&run(e, "css", &["list-snapshots", "--cluster-id", "c1"]));
    let mut left = ids(&left["backups"]);
    left.sort();
    let mut expected = vec![kept, building];
    expected.sort();
    assert_eq!(left, expected);
    let c2 = stdout_json(&run(e, "css", &["list-snapshots", "--cluster-id", "c2"]));
    assert_eq!(
        ids(&c2["backups"]),
        [other_cluster],
        "another cluster is untouched"
    );
}

#[test]
fn dws_prune_works_on_one_cluster_and_keep_within_keeps_recent_snapshots() {
    let emulator = emulate(&["--snapshot-duration", "500ms"]);
    let e = emulator.endpoint.as_str();
    let first = create(e, "dws", "c1", "first-001");
    let second = create(e, "dws", "c1", "second-001");
    let elsewhere = create(e, "dws", "c2", "elsewhere-1");
    std::thread::sleep(Duration::from_millis(700));

    let young = run(
        e,
        "dws",
        &["prune", "--cluster-id", "c1", "--keep-within", "1h"],
    );
    assert_eq!(code(&young), Some(0), "{}", stderr(&young));
    let report = stdout_json(&young);
    assert_eq!(report["deleted"], Value::Array(vec![]));
    assert_eq!(report["kept"].as_array().unwrap().len(), 2);

    let all = run(
        e,
        "dws",
        &[
            "prune",
            "--cluster-id",
            "c1",
            "--keep-last",
            "0",
            "--wait",
            "--poll-interval",
            "100ms",
        ],
    );
    assert_eq!(code(&all), Some(0), "{}", stderr(&all));
    // DWS times are whole seconds: the two may tie, so their order is not checked.
    let mut deleted = ids(&stdout_json(&all)["deleted"]);
    deleted.sort();
    let mut expected = vec![first, second];
    expected.sort();
    assert_eq!(deleted, expected);
    let listed = stdout_json(&run(e, "dws", &["list-snapshots"]));
    assert_eq!(
        ids(&listed["snapshots"]),
        [elsewhere],
        "c2's snapshot is untouched"
    );

    let missing = run(e, "dws", &["prune", "--cluster-id", "c1"]);
    assert_eq!(code(&missing), Some(2), "a keep rule is required");
}

#[test]
fn css_restore_wait_follows_restore_status_and_warns_when_it_cannot_tell() {
    let emulator = emulate(&["--snapshot-duration", "300ms"]);
    let e = emulator.endpoint.as_str();
    let id = create(e, "css", "c1", "restored_01");
    std::thread::sleep(Duration::from_millis(500));
    let restore = || {
        run(
            e,
            "css",
            &[
                "restore-snapshot",
                "--cluster-id",
                "c1",
                "--snapshot-id",
                &id,
                "--target-cluster",
                "c2",
                "--wait",
                "--poll-interval",
                "100ms",
            ],
        )
    };
    let first = restore();
    assert_eq!(code(&first), Some(0), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("status restoreStatus success after 0s"),
        "{}",
        stderr(&first)
    );
    assert!(!stderr(&first).contains("warning"), "{}", stderr(&first));
    // Restored before: `success` already, which --wait cannot tell from this restore's end.
    let second = restore();
    assert_eq!(code(&second), Some(0), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("was restored before"),
        "{}",
        stderr(&second)
    );
}
