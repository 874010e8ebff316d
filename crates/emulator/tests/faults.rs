//! Faults on demand that clients' retries are tested against: throttling (`throttle_rate`)
//! answered as each vendor's gateway answers it, per access key, before any handler runs; and
//! dropped connections (`drop_every`), where the request is carried out but the client gets no
//! answer at all.

use std::time::Duration;

use serde_json::{Value, json};
use snapspec_emulator::EmulatorConfig;

const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";
const CLUSTER: &str = "ea244205-d641-45d9-9dcb-ab2236bcd07e";
const INSTANCE: &str = "es-cn-oew1oxiro000f****";

/// Starts an emulator without credentials (unsigned requests accepted) with `config`.
async fn start(config: EmulatorConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(listener, config));
    format!("http://{address}")
}

fn http() -> reqwest::Client {
    snapspec_runtime::http_client().unwrap()
}

/// An `Authorization` naming access key `ak` (not checked: the emulator has no credentials, but
/// it throttles by the key the request names).
fn huawei_authorization(ak: &str) -> String {
    format!("SDK-HMAC-SHA256 Access={ak}, SignedHeaders=host;x-sdk-date, Signature=00")
}

async fn list_css(base: &str, ak: &str) -> reqwest::Response {
    http()
        .get(format!(
            "{base}/v1.0/{PROJECT}/clusters/{CLUSTER}/index_snapshots"
        ))
        .header("authorization", huawei_authorization(ak))
        .send()
        .await
        .unwrap()
}

async fn create_css(base: &str, name: &str) -> Result<reqwest::Response, reqwest::Error> {
    http()
        .post(format!(
            "{base}/v1.0/{PROJECT}/clusters/{CLUSTER}/index_snapshot"
        ))
        .json(&json!({"name": name}))
        .send()
        .await
}

/// The names of the CSS snapshots the emulator lists for [`CLUSTER`].
async fn css_names(base: &str) -> Vec<String> {
    let answer: Value = http()
        .get(format!(
            "{base}/v1.0/{PROJECT}/clusters/{CLUSTER}/index_snapshots"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn huawei_requests_over_the_rate_get_the_gateways_429_per_access_key() {
    let base = start(EmulatorConfig {
        throttle_rate: Some(1.0),
        ..EmulatorConfig::default()
    })
    .await;
    assert_eq!(list_css(&base, "AK1").await.status(), 200);
    let throttled = list_css(&base, "AK1").await;
    assert_eq!(throttled.status(), 429);
    assert!(
        throttled.headers().get("retry-after").is_none(),
        "Huawei's gateway documents no Retry-After"
    );
    let body: Value = throttled.json().await.unwrap();
    assert_eq!(body["error_code"], "APIGW.0308", "{body}");
    assert!(
        body["error_msg"]
            .as_str()
            .unwrap()
            .contains("throttling threshold"),
        "{body}"
    );
    assert!(!body["request_id"].as_str().unwrap().is_empty(), "{body}");

    // Another key has its own bucket; the first key's refills at the rate.
    assert_eq!(list_css(&base, "AK2").await.status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(list_css(&base, "AK1").await.status(), 200);
}

#[tokio::test]
async fn the_bucket_holds_one_seconds_worth_of_requests() {
    let base = start(EmulatorConfig {
        throttle_rate: Some(5.0),
        ..EmulatorConfig::default()
    })
    .await;
    // A burst of 8 at once: the bucket's 5 pass, the rest are throttled (allowing one token
    // refilled while the burst is under way).
    let burst: Vec<_> = (0..8)
        .map(|_| {
            let base = base.clone();
            tokio::spawn(async move { list_css(&base, "AK1").await.status().as_u16() })
        })
        .collect();
    let mut statuses = Vec::new();
    for request in burst {
        statuses.push(request.await.unwrap());
    }
    let passed = statuses.iter().filter(|s| **s == 200).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert!((5..=6).contains(&passed), "{statuses:?}");
    assert_eq!(passed + throttled, 8, "{statuses:?}");
}

#[tokio::test]
async fn alibaba_throttling_is_throttling_user_and_changes_nothing() {
    let base = start(EmulatorConfig {
        throttle_rate: Some(1.0),
        ..EmulatorConfig::default()
    })
    .await;
    let create = |token: &'static str| {
        let base = base.clone();
        async move {
            let response = http()
                .post(format!(
                    "{base}/openapi/instances/es-cn-oew1oxiro000f%2A%2A%2A%2A/snapshots?ClientToken={token}"
                ))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            (status, headers, response.json::<Value>().await.unwrap())
        }
    };
    let (status, _, body) = create("token-1").await;
    assert_eq!(status, 200, "{body}");
    let (status, headers, body) = create("token-2").await;
    assert_eq!(
        (status, body["Code"].as_str()),
        (400, Some("Throttling.User")),
        "{body}"
    );
    assert!(!body["RequestId"].as_str().unwrap().is_empty(), "{body}");
    assert!(
        headers.get("retry-after").is_none(),
        "Alibaba documents no Retry-After"
    );

    let answer: Value = http()
        .get(format!(
            "{base}/emulator/alibaba-es/instances/{}/snapshots",
            INSTANCE.replace('*', "%2A")
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        answer["snapshots"].as_array().unwrap().len(),
        1,
        "the throttled create reached no handler: {answer}"
    );
}

#[tokio::test]
async fn a_dropped_connection_gives_no_answer_but_the_create_took_effect() {
    let base = start(EmulatorConfig {
        drop_every: Some(2),
        ..EmulatorConfig::default()
    })
    .await;
    let first = create_css(&base, "snap-1").await.unwrap();
    assert_eq!(first.status(), 201);
    let error = create_css(&base, "snap-2")
        .await
        .expect_err("the second request's connection is closed without an answer");
    assert!(
        !error.is_status() && !error.is_timeout() && !error.is_decode(),
        "a connection failure, not an answer: {error:?}"
    );
    // The third request (counted too) is answered; it shows both snapshots.
    let mut names = css_names(&base).await;
    names.sort();
    assert_eq!(
        names,
        ["snap-1", "snap-2"],
        "the dropped create was carried out"
    );
    // The fourth is dropped again: the count runs across the emulator.
    assert!(create_css(&base, "snap-3").await.is_err());
}

#[tokio::test]
async fn without_the_settings_nothing_is_throttled_or_dropped() {
    let base = start(EmulatorConfig::default()).await;
    for i in 0..20 {
        let response = create_css(&base, &format!("snapshot-{i}")).await.unwrap();
        assert_eq!(response.status(), 201, "{:?}", response.text().await);
    }
    assert_eq!(css_names(&base).await.len(), 20);
}

#[tokio::test]
async fn a_dropped_connection_is_closed_without_a_single_byte() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let base = start(EmulatorConfig {
        drop_every: Some(1),
        ..EmulatorConfig::default()
    })
    .await;
    let address = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let body = r#"{"name":"raw-1"}"#;
    let request = format!(
        "POST /v1.0/{PROJECT}/clusters/{CLUSTER}/index_snapshot HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the emulator closes the connection");
    // A reset instead of an orderly close is as good: either way no byte arrived.
    if read.is_ok() {
        assert!(
            answer.is_empty(),
            "no answer bytes: {:?}",
            String::from_utf8_lossy(&answer)
        );
    }
}
