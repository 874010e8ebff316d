//! The CSS waiters against the emulator run in process with a short snapshot duration: a
//! snapshot is awaited to COMPLETED, to FAILED (a name the emulator fails), past a deadline while
//! BUILDING, until deleted and until restored; an unknown id ends the wait; and a wait dropped
//! half-way leaves nothing behind that still polls.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use snapspec_auth::{HuaweiCredentials, Secret};
use snapspec_css::wait::{Check, Observed, Outcome, WaitError, WaitSettings};
use snapspec_css::{Backoff, Client, types};
use snapspec_emulator::{Credentials, EmulatorConfig};
use snapspec_runtime::RequestSigner;

const AK: &str = "EMULATORCSSWAITER0001";
const SK: &str = "emulator-css-waiter-secret";
const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";
const CLUSTER: &str = "ea244205-d641-45d9-9dcb-ab2236bcd07e";

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
        .cluster_id(CLUSTER)
        .body(types::CreateSnapshotReq {
            name: name.parse().unwrap(),
            description: None,
            indices: None,
        })
        .send()
        .await
        .expect("created")
        .into_inner()
        .backup
        .expect("the answer names the snapshot")
        .id
}

/// The statuses the progress callback heard, in order.
fn status_of(observed: &Observed<'_, types::ListSnapshotBackupsResp, WaitError>) -> String {
    match observed {
        Observed::Status(Check::Pending(s) | Check::Reached(s) | Check::Failed(s)) => {
            s.status.clone().unwrap_or_default()
        }
        Observed::Error(e) => format!("error: {e}"),
    }
}

#[tokio::test]
async fn a_snapshot_is_awaited_from_building_to_completed() {
    let client = start(Duration::from_millis(300), &[]).await;
    let id = create(&client, "nightly_001").await;
    let mut heard = Vec::new();
    let outcome = client
        .wait_for_snapshot(PROJECT, CLUSTER, &id, quick(Duration::from_secs(10)), |p| {
            heard.push(status_of(&p.observed))
        })
        .await
        .expect("no error");
    let Outcome::Reached {
        status,
        elapsed,
        polls,
    } = outcome
    else {
        panic!("not completed: {outcome:?}")
    };
    assert_eq!(status.status.as_deref(), Some("COMPLETED"));
    assert_eq!(status.id.as_deref(), Some(id.as_str()));
    assert!(elapsed >= Duration::from_millis(250), "{elapsed:?}");
    assert!(polls >= 3, "polled {polls} times");
    assert_eq!(heard.first().map(String::as_str), Some("BUILDING"));
    assert_eq!(heard.last().map(String::as_str), Some("COMPLETED"));
    assert_eq!(heard.len() as u32, polls);
}

#[tokio::test]
async fn a_snapshot_the_emulator_fails_is_reported_failed_with_the_vendor_status() {
    let client = start(Duration::from_millis(200), &["doomed_001"]).await;
    let id = create(&client, "doomed_001").await;
    let outcome = client
        .wait_for_snapshot(
            PROJECT,
            CLUSTER,
            &id,
            quick(Duration::from_secs(10)),
            |_| {},
        )
        .await
        .expect("no error");
    match outcome {
        Outcome::Failed { status, .. } => assert_eq!(status.status.as_deref(), Some("FAILED")),
        other => panic!("not failed: {other:?}"),
    }
}

#[tokio::test]
async fn the_deadline_ends_the_wait_with_the_last_status_seen() {
    let client = start(Duration::from_secs(30), &[]).await;
    let id = create(&client, "slow_0001").await;
    let started = Instant::now();
    let outcome = client
        .wait_for_snapshot(
            PROJECT,
            CLUSTER,
            &id,
            quick(Duration::from_millis(300)),
            |_| {},
        )
        .await
        .expect("no error");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    match outcome {
        Outcome::DeadlinePassed {
            last_status,
            last_error,
            polls,
            ..
        } => {
            assert_eq!(
                last_status.and_then(|s| s.status).as_deref(),
                Some("BUILDING")
            );
            assert!(last_error.is_none());
            assert!(polls >= 2, "{polls}");
        }
        other => panic!("not past the deadline: {other:?}"),
    }
}

#[tokio::test]
async fn an_id_the_cluster_does_not_list_ends_the_wait_at_once() {
    let client = start(Duration::from_millis(200), &[]).await;
    create(&client, "other_001").await;
    let error = client
        .wait_for_snapshot(
            PROJECT,
            CLUSTER,
            "no-such-id",
            quick(Duration::from_secs(10)),
            |_| {},
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&error, WaitError::NotListed { snapshot_id } if snapshot_id == "no-such-id"),
        "{error:?}"
    );
    assert!(error.to_string().contains("no-such-id"), "{error}");
}

#[tokio::test]
async fn deleted_snapshots_are_awaited_until_no_longer_listed() {
    let client = start(Duration::from_millis(100), &[]).await;
    let gone = create(&client, "gone_0001").await;
    let kept = create(&client, "kept_0001").await;
    client
        .delete_snapshot()
        .project_id(PROJECT)
        .cluster_id(CLUSTER)
        .snapshot_id(&gone)
        .send()
        .await
        .expect("deleted");
    let outcome = client
        .wait_for_snapshots_deleted(
            PROJECT,
            CLUSTER,
            std::slice::from_ref(&gone),
            quick(Duration::from_secs(5)),
            |_| {},
        )
        .await
        .expect("no error");
    assert!(outcome.is_reached(), "{outcome:?}");
    // A snapshot still listed keeps the wait going until the deadline.
    let outcome = client
        .wait_for_snapshots_deleted(
            PROJECT,
            CLUSTER,
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
        } => assert_eq!(still[0].id.as_deref(), Some(kept.as_str())),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_restore_is_awaited_on_the_snapshot_restore_status() {
    let client = start(Duration::from_millis(100), &[]).await;
    let id = create(&client, "restored_1").await;
    let completed = client
        .wait_for_snapshot(PROJECT, CLUSTER, &id, quick(Duration::from_secs(5)), |_| {})
        .await
        .unwrap();
    assert!(completed.is_reached());
    let before = client.find_snapshot(PROJECT, CLUSTER, &id).await.unwrap();
    assert_eq!(
        before
            .as_ref()
            .and_then(snapspec_css::wait::restore_status_of),
        Some("none")
    );
    client
        .restore_snapshot()
        .project_id(PROJECT)
        .cluster_id(CLUSTER)
        .snapshot_id(&id)
        .body(types::RestoreSnapshotReq {
            target_cluster: CLUSTER.into(),
            indices: None,
            rename_pattern: None,
            rename_replacement: None,
            replace_exist_indices: None,
        })
        .send()
        .await
        .expect("restore started");
    let outcome = client
        .wait_for_restore(PROJECT, CLUSTER, &id, quick(Duration::from_secs(5)), |_| {})
        .await
        .unwrap();
    match outcome {
        Outcome::Reached { status, .. } => {
            assert_eq!(status.restore_status.as_deref(), Some("success"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wait_dropped_half_way_stops_polling_and_keeps_nothing_alive() {
    let client = start(Duration::from_secs(30), &[]).await;
    let id = create(&client, "dropped_01").await;
    let polls = Arc::new(AtomicU32::new(0));
    let counter = polls.clone();
    let wait = client.wait_for_snapshot(
        PROJECT,
        CLUSTER,
        &id,
        quick(Duration::from_secs(60)),
        move |_| {
            counter.fetch_add(1, Ordering::SeqCst);
        },
    );
    // Cut after a few polls, at whatever await point the wait is then.
    assert!(
        tokio::time::timeout(Duration::from_millis(250), wait)
            .await
            .is_err()
    );
    let at_drop = polls.load(Ordering::SeqCst);
    assert!(at_drop >= 2, "only {at_drop} polls before the drop");
    // The callback (the only other owner of the counter) went with the future: nothing that
    // could poll again is alive.
    assert_eq!(Arc::strong_count(&polls), 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(polls.load(Ordering::SeqCst), at_drop);
}

#[tokio::test]
async fn throttled_and_dropped_polls_do_not_end_the_wait() {
    // Throttled to 5 requests a second, one request in four cut without an answer; the waiting
    // client has no retries of its own, so the waiter meets every 429 and every dropped
    // connection itself, reports them, and keeps polling.
    let mut credentials = Credentials::default();
    credentials.huawei.insert(AK.into(), Secret::new(SK));
    let config = EmulatorConfig {
        credentials,
        snapshot_duration: Duration::from_millis(600),
        throttle_rate: Some(5.0),
        drop_every: Some(4),
        ..EmulatorConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(snapspec_emulator::serve(listener, config));
    let signer = || RequestSigner::huawei(HuaweiCredentials::new(AK, SK).with_project_id(PROJECT));
    // The create goes through the default retry layer (a dropped create is looked up by name).
    let creator = Client::with_endpoint(&base, signer()).unwrap();
    let id = create(&creator, "throttled_1").await;
    let waiter = Client::builder()
        .endpoint(&base)
        .signer(signer())
        .retry(snapspec_css::RetryPolicy::none())
        .build()
        .unwrap();
    let mut errors = Vec::new();
    let outcome = waiter
        .wait_for_snapshot(
            PROJECT,
            CLUSTER,
            &id,
            WaitSettings::default()
                .with_backoff(Backoff::new(
                    Duration::from_millis(20),
                    Duration::from_millis(20),
                ))
                .with_timeout(Duration::from_secs(10)),
            |p| {
                if let Observed::Error(e) = p.observed {
                    errors.push(e.to_string());
                }
            },
        )
        .await
        .expect("transient errors do not end the wait");
    assert!(outcome.is_reached(), "{outcome:?}");
    assert!(
        errors.iter().any(|e| e.contains("429")),
        "no throttled poll seen: {errors:?}"
    );
    assert!(
        errors.iter().any(|e| !e.contains("429")),
        "no dropped connection seen: {errors:?}"
    );
}
