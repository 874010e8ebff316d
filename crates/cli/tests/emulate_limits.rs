//! `snapspec emulate` as a process: `--max-snapshots` bounds the store with CSS's quota answer,
//! and SIGTERM lets the request in flight finish while new connections are refused.

use std::io::{Read, Write};
use std::process::{Child, Command as Process, Stdio};
use std::time::{Duration, Instant};

/// A running `snapspec emulate` without credentials, stopped when dropped.
struct Emulator {
    child: Child,
    listen: String,
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
    let mut command = Process::new(env!("CARGO_BIN_EXE_snapspec"));
    for var in [
        "HUAWEICLOUD_SDK_AK",
        "HUAWEICLOUD_SDK_SK",
        "ALIBABA_CLOUD_ACCESS_KEY_ID",
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    ] {
        command.env_remove(var);
    }
    let child = command
        .args(["emulate", "--listen", &listen])
        .args(extra)
        .env("RUST_LOG", "warn")
        // Piped, so that a test can read what it printed; it prints nothing while serving.
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let emulator = Emulator { child, listen };
    let ready = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        std::net::TcpStream::connect(&emulator.listen).is_ok()
    });
    assert!(ready, "the emulator did not start");
    emulator
}

/// Sends one CSS CreateSnapshot on its own connection and returns the whole answer.
fn create(listen: &str, name: &str) -> String {
    let body = format!(r#"{{"name":"{name}","indices":"index-a"}}"#);
    let mut stream = std::net::TcpStream::connect(listen).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "POST /v1.0/limits-project/clusters/limits-cluster/index_snapshot HTTP/1.1\r\nhost: {listen}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// `--max-snapshots 2`: the third snapshot is refused with CSS's quota code.
#[test]
fn max_snapshots_bounds_the_store() {
    let emulator = emulate(&["--max-snapshots", "2"]);
    for name in ["snap-1", "snap-2"] {
        let answer = create(&emulator.listen, name);
        assert!(answer.starts_with("HTTP/1.1 201 "), "{answer}");
    }
    let answer = create(&emulator.listen, "snap-3");
    assert!(
        answer.starts_with("HTTP/1.1 400 ") && answer.contains("CSS.0030"),
        "{answer}"
    );
}

/// A value that is not a count is refused, naming the flag.
#[test]
fn a_max_snapshots_that_is_not_a_count_is_refused() {
    let output = Process::new(env!("CARGO_BIN_EXE_snapspec"))
        .args([
            "emulate",
            "--listen",
            "127.0.0.1:0",
            "--max-snapshots",
            "many",
        ])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--max-snapshots"), "{stderr}");
}

/// SIGTERM while a slow create (`--latency-ms`) is in flight: the emulator stops accepting
/// connections at once, answers the create, and exits successfully, printing nothing on stdout.
#[cfg(unix)]
#[test]
fn sigterm_finishes_the_request_in_flight_then_exits() {
    let mut emulator = emulate(&["--latency-ms", "1000"]);
    let listen = emulator.listen.clone();
    let in_flight = std::thread::spawn(move || create(&listen, "in-flight"));
    std::thread::sleep(Duration::from_millis(300));
    let killed = Process::new("kill")
        .args(["-TERM", &emulator.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    let deadline = Instant::now() + Duration::from_secs(2);
    while std::net::TcpStream::connect(&emulator.listen).is_ok() {
        assert!(
            Instant::now() < deadline,
            "still accepting connections 2 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        !in_flight.is_finished(),
        "the request in flight ended before its latency had passed"
    );

    let answer = in_flight.join().unwrap();
    assert!(answer.starts_with("HTTP/1.1 201 "), "{answer}");
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        if let Some(status) = emulator.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running 5 s after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
    let mut printed = String::new();
    std::io::Read::read_to_string(&mut emulator.child.stdout.take().unwrap(), &mut printed)
        .unwrap();
    assert_eq!(printed, "", "a stopped emulator prints no answer on stdout");
}
