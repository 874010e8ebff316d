//! `snapspec emulate --throttle-rate` and `--drop-every` as a process: requests over the rate get
//! Huawei's gateway 429 without being carried out, every Nth carried-out request loses its
//! answer, and values that make no sense are refused with the flag named.

use std::io::{Read, Write};
use std::process::{Child, Command as Process, Stdio};
use std::time::Duration;

use assert_cmd::Command;

const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";
const CLUSTER: &str = "ea244205-d641-45d9-9dcb-ab2236bcd07e";

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

/// Sends one HTTP/1.1 request on its own connection and returns every byte answered until the
/// emulator closes it.
fn exchange(listen: &str, method: &str, path: &str, body: &str) -> String {
    let mut stream = std::net::TcpStream::connect(listen).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nhost: {listen}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = Vec::new();
    // A reset after the cut counts as no answer too.
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn create(listen: &str, name: &str) -> String {
    exchange(
        listen,
        "POST",
        &format!("/v1.0/{PROJECT}/clusters/{CLUSTER}/index_snapshot"),
        &format!(r#"{{"name":"{name}"}}"#),
    )
}

#[test]
fn throttled_requests_get_429_and_every_nth_carried_out_request_loses_its_answer() {
    let emulator = emulate(&["--throttle-rate", "1", "--drop-every", "3"]);
    let listen = emulator.listen.as_str();
    let pause = || std::thread::sleep(Duration::from_millis(1100));

    assert!(create(listen, "snap-a").starts_with("HTTP/1.1 201"));
    let throttled = create(listen, "snap-b");
    assert!(throttled.starts_with("HTTP/1.1 429"), "{throttled}");
    assert!(
        throttled.contains(r#""error_code":"APIGW.0308""#),
        "{throttled}"
    );
    pause();
    assert!(create(listen, "snap-c").starts_with("HTTP/1.1 201"));
    pause();
    assert_eq!(
        create(listen, "snap-d"),
        "",
        "the third carried-out request gets no answer"
    );
    pause();
    let listed = exchange(
        listen,
        "GET",
        &format!("/v1.0/{PROJECT}/clusters/{CLUSTER}/index_snapshots"),
        "",
    );
    assert!(listed.starts_with("HTTP/1.1 200"), "{listed}");
    for (name, present) in [
        ("snap-a", true),
        ("snap-b", false),
        ("snap-c", true),
        ("snap-d", true),
    ] {
        assert_eq!(
            listed.contains(&format!(r#""name":"{name}""#)),
            present,
            "{name}: {listed}"
        );
    }
}

#[test]
fn senseless_values_are_refused_naming_the_flag() {
    for (flag, value) in [
        ("--throttle-rate", "0"),
        ("--throttle-rate", "fast"),
        ("--throttle-rate", "inf"),
        ("--drop-every", "0"),
    ] {
        let output = Command::cargo_bin("snapspec")
            .unwrap()
            .args(["emulate", "--listen", "127.0.0.1:0", flag, value])
            .output()
            .unwrap();
        assert!(!output.status.success(), "{flag} {value} accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(flag), "{flag} {value}: {stderr}");
    }
}
