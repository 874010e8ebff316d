//! Waiting for a DWS snapshot to be taken or deleted, on the shared polling loop
//! ([`snapspec_runtime::wait`]: backoff between polls, overall deadline, typed outcome, safe to
//! drop at any await point).
//!
//! - [`Client::wait_for_snapshot`] polls `ListSnapshotDetails` until the snapshot's `status` is
//!   final: `AVAILABLE` (reached), or `UNAVAILABLE` (failed). The SDK also names `FROZEN` and
//!   `POLICE_FROZEN` (resources frozen by the provider); waiting does not lift a freeze, so they
//!   end the wait as failed too. `CREATING`, and any status DWS may add, keep it going. A
//!   snapshot that DWS no longer knows (404, or 400 `DWS.5149` "the snapshot ID is invalid")
//!   ends the wait with [`WaitError::NotFound`].
//! - [`Client::wait_for_snapshots_deleted`] polls `ListSnapshots` until none of the given ids is
//!   listed: absence from the list is read the same whatever error code a vanished id would
//!   get from `ListSnapshotDetails`.
//!
//! **Restores cannot be awaited.** `RestoreCluster` makes a new cluster; how that cluster is
//! doing is read with the cluster operations (`ShowClusterDetail`, or the job named by the
//! answer's `job_id`), which snapspec's DWS spec does not have, and the restore leaves the
//! snapshot's own status unchanged. So there is no `wait_for_restore` here.
//!
//! An error that may go away (throttling, 5xx, timeouts, connection failures, after the client's
//! own retries) keeps a wait going; any other error ends it ([`WaitError::Service`]).

use std::fmt;

use snapspec_runtime::VendorError;
use snapspec_runtime::wait::{self, PollError};
pub use snapspec_runtime::wait::{Check, Observed, Outcome, Progress, WaitSettings};

use crate::{Client, Error, types};

/// The status of a snapshot being taken.
pub const CREATING: &str = "CREATING";
/// The final status of a snapshot taken successfully.
pub const AVAILABLE: &str = "AVAILABLE";
/// The final statuses that end a wait as failed: `UNAVAILABLE`, and the two freezes.
pub const FAILED_STATUSES: [&str; 3] = ["UNAVAILABLE", "FROZEN", "POLICE_FROZEN"];
/// The error code DWS gives a snapshot id it does not have.
pub const INVALID_SNAPSHOT_CODE: &str = "DWS.5149";

/// Why a wait ended without an outcome.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// The service answered with an error that asking again will not fix, or (inside a
    /// [`Outcome::DeadlinePassed`] or a progress report) one that may go away.
    Service(Error<types::ErrorResponse>),
    /// DWS does not know the snapshot (deleted meanwhile, or a wrong id).
    NotFound {
        /// The id asked for.
        snapshot_id: String,
        /// The service's answer.
        vendor: VendorError,
    },
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::Service(error) => match crate::vendor_error(error) {
                Some(vendor) => write!(
                    f,
                    "the service answered HTTP {} {}: {}",
                    vendor.status,
                    vendor.code.as_deref().unwrap_or("(no code)"),
                    vendor.message.as_deref().unwrap_or("(no message)")
                ),
                // An answer the spec does not document for the operation (a throttling 429, a
                // gateway's 5xx): its status says enough, without its headers.
                None => match error.status() {
                    Some(status) => write!(f, "the service answered HTTP {status}"),
                    None => error.fmt(f),
                },
            },
            WaitError::NotFound {
                snapshot_id,
                vendor,
            } => write!(
                f,
                "snapshot {snapshot_id} does not exist (HTTP {} {})",
                vendor.status,
                vendor.code.as_deref().unwrap_or("(no code)")
            ),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Service(error) => Some(error),
            WaitError::NotFound { .. } => None,
        }
    }
}

/// How a snapshot wait ended: the snapshot as last shown.
pub type SnapshotOutcome = Outcome<types::SnapshotDetail, WaitError>;
/// How a wait for deleted snapshots ended: those still listed at the last poll.
pub type DeletedOutcome = Outcome<Vec<types::Snapshots>, WaitError>;

/// Where a snapshot's `status` stands.
pub fn snapshot_check(snapshot: types::SnapshotDetail) -> Check<types::SnapshotDetail> {
    if snapshot.status == AVAILABLE {
        Check::Reached(snapshot)
    } else if FAILED_STATUSES.contains(&snapshot.status.as_str()) {
        Check::Failed(snapshot)
    } else {
        Check::Pending(snapshot)
    }
}

fn service(error: Error<types::ErrorResponse>) -> PollError<WaitError> {
    match wait::classify(error) {
        PollError::Transient(e) => PollError::Transient(WaitError::Service(e)),
        PollError::Fatal(e) => PollError::Fatal(WaitError::Service(e)),
    }
}

/// Whether an error says DWS does not know the snapshot.
fn not_found(vendor: &VendorError) -> bool {
    vendor.status == 404 || vendor.code.as_deref() == Some(INVALID_SNAPSHOT_CODE)
}

impl Client {
    /// Waits until snapshot `snapshot_id` is `AVAILABLE`, `UNAVAILABLE` (or frozen), or until
    /// `settings.timeout`; `progress` hears about every poll (one `ListSnapshotDetails` each).
    /// The outcome carries the snapshot as last shown.
    ///
    /// ```no_run
    /// # async fn demo(client: snapspec_dws::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use snapspec_dws::wait::{Outcome, WaitSettings};
    ///
    /// let outcome = client
    ///     .wait_for_snapshot("project", "snapshot-id", WaitSettings::default(), |p| {
    ///         eprintln!("poll {} after {:?}", p.polls, p.elapsed)
    ///     })
    ///     .await?;
    /// if let Outcome::Reached { status, .. } = outcome {
    ///     println!("{} is {}", status.name, status.status);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_snapshot<P>(
        &self,
        project_id: &str,
        snapshot_id: &str,
        settings: WaitSettings,
        progress: P,
    ) -> Result<SnapshotOutcome, WaitError>
    where
        P: FnMut(Progress<'_, types::SnapshotDetail, WaitError>),
    {
        wait::poll_until(
            settings,
            || async {
                let sent = self
                    .list_snapshot_details()
                    .project_id(project_id)
                    .snapshot_id(snapshot_id)
                    .send()
                    .await;
                match sent {
                    Ok(answer) => Ok(snapshot_check(answer.into_inner().snapshot)),
                    Err(error) => match crate::vendor_error(&error) {
                        Some(vendor) if not_found(&vendor) => {
                            Err(PollError::Fatal(WaitError::NotFound {
                                snapshot_id: snapshot_id.to_string(),
                                vendor,
                            }))
                        }
                        _ => Err(service(error)),
                    },
                }
            },
            progress,
        )
        .await
    }

    /// Waits until none of `snapshot_ids` is in the project's snapshot list any more (after
    /// `DeleteSnapshot`), or until `settings.timeout`. Each poll sees the snapshots still listed.
    pub async fn wait_for_snapshots_deleted<P>(
        &self,
        project_id: &str,
        snapshot_ids: &[String],
        settings: WaitSettings,
        progress: P,
    ) -> Result<DeletedOutcome, WaitError>
    where
        P: FnMut(Progress<'_, Vec<types::Snapshots>, WaitError>),
    {
        wait::poll_until(
            settings,
            || async {
                let listed = self
                    .list_snapshots()
                    .project_id(project_id)
                    .send()
                    .await
                    .map_err(service)?;
                let remaining: Vec<types::Snapshots> = listed
                    .into_inner()
                    .snapshots
                    .into_iter()
                    .filter(|s| snapshot_ids.contains(&s.id))
                    .collect();
                Ok(if remaining.is_empty() {
                    Check::Reached(remaining)
                } else {
                    Check::Pending(remaining)
                })
            },
            progress,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_snapshots_are_told_by_404_or_dws_5149() {
        let vendor = |status: u16, code: Option<&str>| VendorError {
            status,
            code: code.map(str::to_string),
            message: None,
            request_id: None,
            retryable: false,
        };
        assert!(not_found(&vendor(404, None)));
        assert!(not_found(&vendor(400, Some("DWS.5149"))));
        assert!(!not_found(&vendor(400, Some("DWS.0001"))));
        assert!(!not_found(&vendor(403, None)));
    }
}
