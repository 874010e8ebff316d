//! The emulator under load and faults: concurrent creates of one name, the bounded store, request
//! bodies over the limit, clients that stall while sending headers, and graceful shutdown. Each
//! test serves the emulator with `serve_until` on a loopback port, unsigned, and talks to it
//! with plain reqwest or a raw socket.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use snapspec_emulator::EmulatorConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Barrier, oneshot};

/// A running emulator: its address, the trigger of its shutdown and its serving task.
struct Running {
    base: String,
    address: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
}

async fn start(config: EmulatorConfig) -> Running {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(snapspec_emulator::serve_until(listener, config, async {
        let _ = stopped.await;
    }));
    Running {
        base: format!("http://{address}"),
        address,
        stop: Some(stop),
        served,
    }
}

/// A plain HTTP client (the runtime's, which installs the TLS provider reqwest needs).
fn http() -> reqwest::Client {
    snapspec_runtime::http_client().unwrap()
}

fn css_create_path(cluster: &str) -> String {
    format!("/v1.0/load-project/clusters/{cluster}/index_snapshot")
}

fn css_body(name: &str) -> Value {
    json!({"name": name, "indices": "index-a,index-b", "description": ""})
}

fn dws_body(name: &str) -> Value {
    json!({"snapshot": {"name": name, "cluster_id": "load-cluster", "description": ""}})
}

async fn post(client: &reqwest::Client, url: &str, body: &Value) -> (u16, Value) {
    let answer = client.post(url).json(body).send().await.unwrap();
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The error code of a Huawei or Alibaba error body, whichever fields it uses.
fn code(body: &Value) -> &str {
    ["errCode", "error_code", "Code"]
        .iter()
        .find_map(|field| body[field].as_str())
        .unwrap_or("")
}

/// Fires `count` identical creates at once (all released by one barrier) and returns their
/// answers.
async fn fire_together(url: String, body: Value, count: usize) -> Vec<(u16, Value)> {
    let client = http();
    let barrier = Arc::new(Barrier::new(count));
    let tasks: Vec<_> = (0..count)
        .map(|_| {
            let (client, barrier, url, body) =
                (client.clone(), barrier.clone(), url.clone(), body.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                post(&client, &url, &body).await
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(count);
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

/// 64 concurrent CSS creates of one name: exactly one is created (201), the 63 others get
/// CSS's duplicate-name answer (CSS.0043 with the documented 400), and the cluster holds one
/// snapshot of that name.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_css_creates_of_one_name_give_one_snapshot() {
    let emulator = start(EmulatorConfig::default()).await;
    let url = format!("{}{}", emulator.base, css_create_path("race"));
    let answers = fire_together(url, css_body("same-name"), 64).await;
    let created = answers.iter().filter(|(status, _)| *status == 201).count();
    let duplicates = answers
        .iter()
        .filter(|(status, body)| *status == 400 && code(body) == "CSS.0043")
        .count();
    assert_eq!((created, duplicates), (1, 63), "answers: {answers:?}");
    let list: Value = http()
        .get(format!(
            "{}/v1.0/load-project/clusters/race/index_snapshots",
            emulator.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let backups = list["backups"].as_array().unwrap();
    assert_eq!(backups.len(), 1, "{list}");
    assert_eq!(backups[0]["name"], "same-name");
}

/// The same for DWS: one 200, 63 of DWS's duplicate answer (DWS.0002 with the documented 400),
/// and one snapshot listed.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_dws_creates_of_one_name_give_one_snapshot() {
    let emulator = start(EmulatorConfig::default()).await;
    let url = format!("{}/v1.0/load-project/snapshots", emulator.base);
    let answers = fire_together(url, dws_body("same-name"), 64).await;
    let created = answers.iter().filter(|(status, _)| *status == 200).count();
    let duplicates = answers
        .iter()
        .filter(|(status, body)| *status == 400 && code(body) == "DWS.0002")
        .count();
    assert_eq!((created, duplicates), (1, 63), "answers: {answers:?}");
    let list: Value = http()
        .get(format!("{}/v1.0/load-project/snapshots", emulator.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["snapshots"].as_array().unwrap().len(), 1, "{list}");
}

/// Alibaba's CreateSnapshot takes no name; its `ClientToken` plays the part: 64 concurrent
/// calls with one token all succeed, and one snapshot is taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_concurrent_alibaba_creates_with_one_token_take_one_snapshot() {
    let emulator = start(EmulatorConfig::default()).await;
    let url = format!(
        "{}/openapi/instances/es-cn-load/snapshots?ClientToken=one-token",
        emulator.base
    );
    let answers = fire_together(url, json!({}), 64).await;
    assert!(
        answers
            .iter()
            .all(|(status, body)| *status == 200 && body["Result"] == true),
        "answers: {answers:?}"
    );
    let taken: Value = http()
        .get(format!(
            "{}/emulator/alibaba-es/instances/es-cn-load/snapshots",
            emulator.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        taken["snapshots"].as_array().map(Vec::len),
        Some(1),
        "{taken}"
    );
}

/// With `max_snapshots` = 3, a fourth snapshot (whatever the API) gets the vendor's quota
/// answer and is not stored; deleting one frees a place.
#[tokio::test]
async fn a_create_over_the_maximum_gets_the_quota_answer_until_one_is_deleted() {
    let emulator = start(EmulatorConfig {
        max_snapshots: 3,
        ..EmulatorConfig::default()
    })
    .await;
    let client = http();
    let css = format!("{}{}", emulator.base, css_create_path("full"));
    let dws = format!("{}/v1.0/load-project/snapshots", emulator.base);
    let mut ids = Vec::new();
    for name in ["snap-1", "snap-2"] {
        let (status, body) = post(&client, &css, &css_body(name)).await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["backup"]["id"].as_str().unwrap().to_string());
    }
    let (status, body) = post(&client, &dws, &dws_body("dws-1")).await;
    assert_eq!(status, 200, "{body}");

    // Full: each API answers with its quota refusal.
    let (status, body) = post(&client, &css, &css_body("snap-3")).await;
    assert_eq!((status, code(&body)), (400, "CSS.0030"), "{body}");
    let (status, body) = post(&client, &dws, &dws_body("dws-2")).await;
    assert_eq!(
        (status, code(&body)),
        (400, "Emulator.SnapshotQuota"),
        "{body}"
    );
    let alibaba = format!(
        "{}/openapi/instances/es-cn-full/snapshots?ClientToken=t1",
        emulator.base
    );
    let (status, body) = post(&client, &alibaba, &json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (400, "Emulator.SnapshotQuota"),
        "{body}"
    );

    // The refused CSS create left nothing behind.
    let list: Value = http()
        .get(format!(
            "{}/v1.0/load-project/clusters/full/index_snapshots",
            emulator.base
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["backups"].as_array().unwrap().len(), 2, "{list}");

    // A delete frees one place.
    let deleted = client
        .delete(format!("{}/{}", css, ids[0]))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 200);
    let (status, body) = post(&client, &css, &css_body("snap-3")).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = post(&client, &css, &css_body("snap-4")).await;
    assert_eq!((status, code(&body)), (400, "CSS.0030"), "{body}");
}

/// A body over `max_body_bytes` is answered 413 in the gateway's shape (Huawei `APIG.0201`),
/// whether its length is declared or it comes chunked; a body under the limit is handled.
#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413() {
    let emulator = start(EmulatorConfig {
        max_body_bytes: 1024,
        ..EmulatorConfig::default()
    })
    .await;
    let client = http();
    let url = format!("{}{}", emulator.base, css_create_path("big"));
    let large = json!({"name": "big", "indices": "i", "description": "x".repeat(2000)});
    let (status, body) = post(&client, &url, &large).await;
    assert_eq!((status, code(&body)), (413, "APIG.0201"), "{body}");

    // Chunked, so that no length is declared: refused once the limit is passed.
    let mut raw = tokio::net::TcpStream::connect(emulator.address)
        .await
        .unwrap();
    let mut request = format!(
        "POST {} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n",
        css_create_path("big"),
        emulator.address
    )
    .into_bytes();
    for _ in 0..8 {
        request.extend_from_slice(b"200\r\n");
        request.extend_from_slice(&[b' '; 0x200]);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    raw.write_all(&request).await.unwrap();
    let mut answer = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(5), raw.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let status_line = String::from_utf8_lossy(&answer[..n]).to_string();
    assert!(
        status_line.starts_with("HTTP/1.1 413 "),
        "chunked body over the limit answered: {status_line}"
    );

    let (status, body) = post(&client, &url, &css_body("small")).await;
    assert_eq!(status, 201, "{body}");
}

/// A client that sends half a request line and then nothing has its connection closed once
/// `header_read_timeout` has passed; a client that sends its request in time is answered.
#[tokio::test]
async fn a_client_stalling_in_its_headers_is_cut_off() {
    let timeout = Duration::from_millis(300);
    let emulator = start(EmulatorConfig {
        header_read_timeout: timeout,
        ..EmulatorConfig::default()
    })
    .await;
    let mut stalled = tokio::net::TcpStream::connect(emulator.address)
        .await
        .unwrap();
    stalled
        .write_all(b"GET /v1.0/load-project/clusters/c/index_snap")
        .await
        .unwrap();
    let began = Instant::now();
    let mut buffer = Vec::new();
    // The server closes the connection (possibly after a short error answer): the read ends.
    // Ok (closed) or Err (reset) alike mean the server ended the connection.
    let _ended = tokio::time::timeout(Duration::from_secs(5), stalled.read_to_end(&mut buffer))
        .await
        .expect("the stalled connection is still open after 5 s");
    let waited = began.elapsed();
    assert!(
        waited >= timeout / 2 && waited < timeout * 5,
        "closed after {waited:?}, with a timeout of {timeout:?}"
    );
    assert!(
        !String::from_utf8_lossy(&buffer).contains(" 200 "),
        "answered a request it never received: {}",
        String::from_utf8_lossy(&buffer)
    );

    // A prompt client on another connection is served.
    let answer = http()
        .get(format!(
            "{}/v1.0/load-project/clusters/c/index_snapshots",
            emulator.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 200);
}

/// Shutdown while a slow request (the configured latency) is in flight: the listener is closed
/// at once, so new connections are refused, and the request in flight is still answered (and
/// carried out) before `serve_until` returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_refuses_new_connections_and_finishes_requests_in_flight() {
    let mut emulator = start(EmulatorConfig {
        latency: Duration::from_millis(800),
        ..EmulatorConfig::default()
    })
    .await;
    let url = format!("{}{}", emulator.base, css_create_path("drain"));
    let in_flight = tokio::spawn(async move {
        let client = http();
        post(&client, &url, &css_body("in-flight")).await
    });
    // The request reaches the emulator and waits out its latency.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!in_flight.is_finished());
    emulator.stop.take().unwrap().send(()).unwrap();

    // New connections are refused as soon as the listener is closed.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        match tokio::net::TcpStream::connect(emulator.address).await {
            // A connection that reached the backlog while the listener was closing is reset:
            // the listener is going, not gone; the next attempt tells.
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            Err(error) => {
                assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
                break;
            }
            Ok(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(20)).await
            }
            Ok(_) => panic!("still accepting connections 2 s after shutdown began"),
        }
    }
    assert!(
        !in_flight.is_finished(),
        "the request in flight ended before its latency had passed"
    );

    let (status, body) = in_flight.await.unwrap();
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["backup"]["name"], "in-flight");
    tokio::time::timeout(Duration::from_secs(5), emulator.served)
        .await
        .expect("serve_until returns once the request in flight is answered")
        .unwrap()
        .unwrap();
}
