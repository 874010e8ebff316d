//! The generated clients' retry layer against the emulator's faults on demand: with throttling
//! and every third connection dropped after the request was carried out, every create succeeds
//! and each snapshot exists exactly once (the Huawei creates look a snapshot up by name before
//! sending again; the requests are signed afresh on every attempt, so the emulator's signature
//! check passes each time).

use std::collections::BTreeMap;
use std::time::Duration;

use snapspec_auth::{HuaweiCredentials, RequestSigner, Secret};
use snapspec_emulator::{Credentials, EmulatorConfig};
use snapspec_runtime::{Backoff, RetryPolicy};

const AK: &str = "EMULATORTESTAK000001";
const SK: &str = "emulator-test-secret-key";
const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";
const CLUSTER: &str = "ea244205-d641-45d9-9dcb-ab2236bcd07e";

async fn start_faulty() -> String {
    let mut credentials = Credentials::default();
    credentials.huawei.insert(AK.into(), Secret::new(SK));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(
        listener,
        EmulatorConfig {
            credentials,
            throttle_rate: Some(10.0),
            drop_every: Some(3),
            ..EmulatorConfig::default()
        },
    ));
    format!("http://{address}")
}

fn signer() -> RequestSigner {
    RequestSigner::huawei(HuaweiCredentials::new(AK, SK).with_project_id(PROJECT))
}

fn patient() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(10)
        .with_backoff(Backoff::new(
            Duration::from_millis(20),
            Duration::from_millis(300),
        ))
}

/// How many times each name appears.
fn counts<'a>(names: impl Iterator<Item = &'a str>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for name in names {
        *counts.entry(name.to_string()).or_insert(0) += 1;
    }
    counts
}

#[tokio::test]
async fn css_creates_through_throttling_and_dropped_connections_make_each_snapshot_once() {
    let base = start_faulty().await;
    let client = snapspec_css::Client::builder()
        .endpoint(&base)
        .signer(signer())
        .retry(patient())
        .build()
        .unwrap();
    let wanted: Vec<String> = (0..12).map(|i| format!("nightly_{i:02}")).collect();
    let mut recovered = 0;
    // Several tasks at once, so that the throttle is hit as well as the drops.
    let mut tasks = Vec::new();
    for name in &wanted {
        let (client, name) = (client.clone(), name.clone());
        tasks.push(tokio::spawn(async move {
            client
                .create_snapshot()
                .project_id(PROJECT)
                .cluster_id(CLUSTER)
                .body(snapspec_css::types::CreateSnapshotReq {
                    name: name.parse().unwrap(),
                    indices: None,
                    description: None,
                })
                .send()
                .await
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(task.await.expect("the task ran"));
    }
    for (name, result) in wanted.iter().zip(results) {
        let created = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(&created.backup.as_ref().unwrap().name.to_string(), name);
        recovered += usize::from(created.headers().contains_key("x-snapspec-recovered"));
    }
    assert!(
        recovered > 0,
        "some creates lost their answer and were recovered"
    );
    let listed = client
        .list_snapshots()
        .project_id(PROJECT)
        .cluster_id(CLUSTER)
        .send()
        .await
        .unwrap();
    let counts = counts(listed.backups.iter().filter_map(|b| b.name.as_deref()));
    let expected: BTreeMap<String, usize> = wanted.iter().map(|n| (n.clone(), 1)).collect();
    assert_eq!(counts, expected);
}

#[tokio::test]
async fn dws_creates_through_dropped_connections_make_each_snapshot_once() {
    let base = start_faulty().await;
    let client = snapspec_dws::Client::builder()
        .endpoint(&base)
        .signer(signer())
        .retry(patient())
        .build()
        .unwrap();
    let wanted: Vec<String> = (0..6).map(|i| format!("Nightly-{i}")).collect();
    for name in &wanted {
        client
            .create_snapshot()
            .project_id(PROJECT)
            .body(snapspec_dws::types::CreateSnapshotRequestBody {
                snapshot: snapspec_dws::types::Snapshot {
                    name: name.parse().unwrap(),
                    cluster_id: CLUSTER.into(),
                    description: None,
                },
            })
            .send()
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    let listed = client
        .list_snapshots()
        .project_id(PROJECT)
        .send()
        .await
        .unwrap();
    let counts = counts(listed.snapshots.iter().map(|s| s.name.as_str()));
    let expected: BTreeMap<String, usize> = wanted.iter().map(|n| (n.clone(), 1)).collect();
    assert_eq!(counts, expected);
}
