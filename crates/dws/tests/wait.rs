//! The DWS waiters against the emulator run in process with a short snapshot duration: a
//! snapshot is awaited to AVAILABLE, to UNAVAILABLE (a name the emulator fails), past a deadline
//! while CREATING, and until deleted; an unknown id ends the wait; and a wait dropped half-way
//! leaves nothing behind that still polls.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use snapspec_auth::{HuaweiCredentials, Secret};
use snapspec_dws::wait::{Check, Observed, Outcome, WaitError, WaitSettings};
use snapspec_dws::{Backoff, Client, types};
use snapspec_emulator::{Credentials, EmulatorConfig};
use snapspec_runtime::RequestSigner;

const AK: &str = "EMULATORDWSWAITER0001";
const SK: &str = "emulator-dws-waiter-secret";
const PROJECT: &str = "89cd04f168b84af6be287f71730fdb4b";
const CLUSTER: &str = "4f87d3c4-9e33-482f-b962-e23b30d1a18c";

async fn start(duration: Duration, failing: &[&str]) -> Client {
    let mut credentials = Credentials::default();
    credentials.huawei.insert(AK.into(), Secret::new(SK));
    let config = EmulatorConfig {
        credentials,
        snapshot_duration: duration,
        failing_snapshots: failing.iter().map(|s| s.to_string()).collect(),
        ..EmulatorConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(listener, config));
    let signer = RequestSigner::huawei(HuaweiCredentials::new(AK, SK).with_project_id(PROJECT));
    Client::with_endpoint(&format!("http://{address}"), signer).unwrap()
}

/// Polls every 20–40 ms, for at most `timeout`.
fn quick(timeout: Duration) -> WaitSettings {
    WaitSettings::default()
        .with_backoff(Backoff::new(
            Duration::from_millis(40),
            Duration::from_millis(40),
        ))
        .with_timeout(timeout)
}

async fn create(client: &Client, name: &str) -> String {
    client
        .create_snapshot()
        .project_id(PROJECT)
        .body(types::CreateSnapshotRequestBody {
            snapshot: types::Snapshot {
                name: name.parse().unwrap(),
                cluster_id: CLUSTER.into(),
                description: None,
            },
        })
        .send()
        .await
        .expect("created")
        .into_inner()
        .snapshot
        .id
}

fn status_of(observed: &Observed<'_, types::SnapshotDetail, WaitError>) -> String {
    match observed {
        Observed::Status(Check::Pending(s) | Check::Reached(s) | Check::Failed(s)) => {
            s.status.clone()
        }
        Observed::Error(e) => format!("error: {e}"),
    }
}

#[tokio::test]
async fn a_snapshot_is_awaited_from_creating_to_available() {
    let client = start(Duration::from_millis(300), &[]).await;
    let id = create(&client, "nightly-001").await;
    let mut heard = Vec::new();
    let outcome = client
        .wait_for_snapshot(PROJECT, &id, quick(Duration::from_secs(10)), |p| {
            heard.push(status_of(&p.observed))
        })
        .await
        .expect("no error");
    let Outcome::Reached { status, polls, .. } = outcome else {
        panic!("not available: {outcome:?}")
    };
    assert_eq!(status.status, "AVAILABLE");
    assert_eq!(status.id, id);
    assert!(polls >= 3, "polled {polls} times");
    assert_eq!(heard.first().map(String::as_str), Some("CREATING"));
    assert_eq!(heard.last().map(String::as_str), Some("AVAILABLE"));
}

#[tokio::test]
async fn a_snapshot_the_emulator_fails_is_reported_unavailable() {
    let client = start(Duration::from_millis(200), &["doomed-001"]).await;
    let id = create(&client, "doomed-001").await;
    let outcome = client
        .wait_for_snapshot(PROJECT, &id, quick(Duration::from_secs(10)), |_| {})
        .await
        .expect("no error");
    match outcome {
        Outcome::Failed { status, .. } => assert_eq!(status.status, "UNAVAILABLE"),
        other => panic!("not failed: {other:?}"),
    }
}

#[tokio::test]
async fn the_deadline_ends_the_wait_with_the_last_status_seen() {
    let client = start(Duration::from_secs(30), &[]).await;
    let id = create(&client, "slow-0001").await;
    let started = Instant::now();
    let outcome = client
        .wait_for_snapshot(PROJECT, &id, quick(Duration::from_millis(300)), |_| {})
        .await
        .expect("no error");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    match outcome {
        Outcome::DeadlinePassed {
            last_status, polls, ..
        } => {
            assert_eq!(last_status.map(|s| s.status).as_deref(), Some("CREATING"));
            assert!(polls >= 2, "{polls}");
        }
        other => panic!("not past the deadline: {other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_id_ends_the_wait_at_once_as_not_found() {
    let client = start(Duration::from_millis(200), &[]).await;
    let started = Instant::now();
    let error = client
        .wait_for_snapshot(
            PROJECT,
            "no-such-id",
            quick(Duration::from_secs(10)),
            |_| {},
        )
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    match &error {
        WaitError::NotFound {
            snapshot_id,
            vendor,
        } => {
            assert_eq!(snapshot_id, "no-such-id");
            assert!(vendor.status == 404 || vendor.code.as_deref() == Some("DWS.5149"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn deleted_snapshots_are_awaited_until_no_longer_listed() {
    let client = start(Duration::from_millis(100), &[]).await;
    let gone = create(&client, "gone-0001").await;
    let kept = create(&client, "kept-0001").await;
    client
        .wait_for_snapshot(PROJECT, &gone, quick(Duration::from_secs(5)), |_| {})
        .await
        .unwrap();
    client
        .delete_snapshot()
        .project_id(PROJECT)
        .snapshot_id(&gone)
        .send()
        .await
        .expect("deleted");
    let outcome = client
        .wait_for_snapshots_deleted(
            PROJECT,
            std::slice::from_ref(&gone),
            quick(Duration::from_secs(5)),
            |_| {},
        )
        .await
        .expect("no error");
    assert!(outcome.is_reached(), "{outcome:?}");
    let outcome = client
        .wait_for_snapshots_deleted(
            PROJECT,
            std::slice::from_ref(&kept),
            quick(Duration::from_millis(150)),
            |_| {},
        )
        .await
        .expect("no error");
    match outcome {
        Outcome::DeadlinePassed {
            last_status: Some(still),
            ..
        } => assert_eq!(still[0].id, kept),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wait_dropped_half_way_stops_polling_and_keeps_nothing_alive() {
    let client = start(Duration::from_secs(30), &[]).await;
    let id = create(&client, "dropped-01").await;
    let polls = Arc::new(AtomicU32::new(0));
    let counter = polls.clone();
    let wait = client.wait_for_snapshot(PROJECT, &id, quick(Duration::from_secs(60)), move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    assert!(
        tokio::time::timeout(Duration::from_millis(250), wait)
            .await
            .is_err()
    );
    let at_drop = polls.load(Ordering::SeqCst);
    assert!(at_drop >= 2, "only {at_drop} polls before the drop");
    assert_eq!(Arc::strong_count(&polls), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(polls.load(Ordering::SeqCst), at_drop);
}
