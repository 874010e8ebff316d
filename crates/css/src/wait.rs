//! Waiting for a CSS snapshot to be taken, deleted or restored, on the shared polling loop
//! ([`snapspec_runtime::wait`]: backoff between polls, overall deadline, typed outcome, safe to
//! drop at any await point).
//!
//! CSS has no operation that shows one snapshot, so every poll is one `ListSnapshots` of the
//! cluster, and the snapshot is found in it by id.
//!
//! - [`Client::wait_for_snapshot`]: until the snapshot's `status` is final: `COMPLETED` (reached)
//!   or `FAILED` / `PART_FAILED` (failed). `BUILDING`, and any status CSS may add, keep the wait
//!   going.
//! - [`Client::wait_for_snapshots_deleted`]: until none of the given ids is listed any more.
//! - [`Client::wait_for_restore`]: until the snapshot's `restoreStatus` reads `success`
//!   (reached) or names a failure (failed). This is all the API exposes about a restore: the
//!   target cluster's own state cannot be read with the operations snapspec's spec has. The
//!   documentation shows only `none` (never restored) and `success`; other values are not
//!   documented, so any value containing `fail` counts as failed and every other value keeps the
//!   wait going. A snapshot restored before already reads `success`, and that cannot be told
//!   apart from the new restore's success: read the value before restoring
//!   ([`restore_status_of`]) to know.
//!
//! A snapshot that is no longer listed while its status or restore is awaited ends the wait with
//! [`WaitError::NotListed`]. An error that may go away (throttling, 5xx, timeouts, connection
//! failures, after the client's own retries) keeps the wait going; any other error ends it
//! ([`WaitError::Service`]: for instance 403 `CSS.0015` for an unknown cluster).

use std::fmt;

use snapspec_runtime::wait::{self, PollError};
pub use snapspec_runtime::wait::{Check, Observed, Outcome, Progress, WaitSettings};

use crate::{Client, Error, types};

/// A snapshot as `ListSnapshots` shows it.
pub type ListedSnapshot = types::ListSnapshotBackupsResp;

/// The status of a snapshot being taken.
pub const BUILDING: &str = "BUILDING";
/// The final status of a snapshot taken in full.
pub const COMPLETED: &str = "COMPLETED";
/// The final statuses of a snapshot that failed, in full or for some shards.
pub const FAILED_STATUSES: [&str; 2] = ["FAILED", "PART_FAILED"];
/// The documented `restoreStatus` of a snapshot restored successfully.
pub const RESTORE_SUCCESS: &str = "success";

/// Why a wait ended without an outcome.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError {
    /// The service answered with an error that asking again will not fix, or (inside a
    /// [`Outcome::DeadlinePassed`] or a progress report) one that may go away.
    Service(Error<types::ErrorResponse>),
    /// The snapshot is not in the cluster's list (deleted meanwhile, or a wrong id).
    NotListed {
        /// The id looked for.
        snapshot_id: String,
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
            WaitError::NotListed { snapshot_id } => write!(
                f,
                "snapshot {snapshot_id} is not in the cluster's snapshot list (deleted, or a wrong id)"
            ),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WaitError::Service(error) => Some(error),
            WaitError::NotListed { .. } => None,
        }
    }
}

/// How a snapshot wait ended: the snapshot as last listed.
pub type SnapshotOutcome = Outcome<ListedSnapshot, WaitError>;
/// How a wait for deleted snapshots ended: those still listed at the last poll.
pub type DeletedOutcome = Outcome<Vec<ListedSnapshot>, WaitError>;

/// Where a snapshot's `status` stands.
pub fn snapshot_check(snapshot: ListedSnapshot) -> Check<ListedSnapshot> {
    match snapshot.status.as_deref() {
        Some(COMPLETED) => Check::Reached(snapshot),
        Some(status) if FAILED_STATUSES.contains(&status) => Check::Failed(snapshot),
        _ => Check::Pending(snapshot),
    }
}

/// Where a snapshot's `restoreStatus` stands (see the module documentation for the values).
pub fn restore_check(snapshot: ListedSnapshot) -> Check<ListedSnapshot> {
    match snapshot.restore_status.as_deref() {
        Some(RESTORE_SUCCESS) => Check::Reached(snapshot),
        Some(status) if status.to_ascii_lowercase().contains("fail") => Check::Failed(snapshot),
        _ => Check::Pending(snapshot),
    }
}

/// The `restoreStatus` of a listed snapshot, if the answer has one.
pub fn restore_status_of(snapshot: &ListedSnapshot) -> Option<&str> {
    snapshot.restore_status.as_deref()
}

fn service(error: Error<types::ErrorResponse>) -> PollError<WaitError> {
    match wait::classify(error) {
        PollError::Transient(e) => PollError::Transient(WaitError::Service(e)),
        PollError::Fatal(e) => PollError::Fatal(WaitError::Service(e)),
    }
}

impl Client {
    /// The cluster's snapshots, as one poll sees them.
    async fn listed(
        &self,
        project_id: &str,
        cluster_id: &str,
    ) -> Result<Vec<ListedSnapshot>, PollError<WaitError>> {
        let answer = self
            .list_snapshots()
            .project_id(project_id)
            .cluster_id(cluster_id)
            .send()
            .await
            .map_err(service)?;
        Ok(answer.into_inner().backups)
    }

    /// One snapshot of the cluster, found by id in the list.
    async fn listed_one(
        &self,
        project_id: &str,
        cluster_id: &str,
        snapshot_id: &str,
    ) -> Result<ListedSnapshot, PollError<WaitError>> {
        self.listed(project_id, cluster_id)
            .await?
            .into_iter()
            .find(|s| s.id.as_deref() == Some(snapshot_id))
            .ok_or_else(|| {
                PollError::Fatal(WaitError::NotListed {
                    snapshot_id: snapshot_id.to_string(),
                })
            })
    }

    /// Waits until snapshot `snapshot_id` of cluster `cluster_id` is `COMPLETED`, `FAILED` or
    /// `PART_FAILED`, or until `settings.timeout`; `progress` hears about every poll (one
    /// `ListSnapshots` each). The outcome carries the snapshot as last listed.
    ///
    /// ```no_run
    /// # async fn demo(client: snapspec_css::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// use snapspec_css::wait::{Outcome, WaitSettings};
    ///
    /// let settings = WaitSettings::default().with_timeout(std::time::Duration::from_secs(1800));
    /// let outcome = client
    ///     .wait_for_snapshot("project", "cluster", "snapshot-id", settings, |_| {})
    ///     .await?;
    /// match outcome {
    ///     Outcome::Reached { elapsed, .. } => println!("completed after {elapsed:?}"),
    ///     Outcome::Failed { status, .. } => println!("ended {:?}", status.status),
    ///     other => println!("still {:?} at the deadline", other.status().and_then(|s| s.status.clone())),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn wait_for_snapshot<P>(
        &self,
        project_id: &str,
        cluster_id: &str,
        snapshot_id: &str,
        settings: WaitSettings,
        progress: P,
    ) -> Result<SnapshotOutcome, WaitError>
    where
        P: FnMut(Progress<'_, ListedSnapshot, WaitError>),
    {
        wait::poll_until(
            settings,
            || async {
                self.listed_one(project_id, cluster_id, snapshot_id)
                    .await
                    .map(snapshot_check)
            },
            progress,
        )
        .await
    }

    /// Waits until none of `snapshot_ids` is in the cluster's list any more (after
    /// `DeleteSnapshot`), or until `settings.timeout`. Each poll sees the snapshots still listed.
    pub async fn wait_for_snapshots_deleted<P>(
        &self,
        project_id: &str,
        cluster_id: &str,
        snapshot_ids: &[String],
        settings: WaitSettings,
        progress: P,
    ) -> Result<DeletedOutcome, WaitError>
    where
        P: FnMut(Progress<'_, Vec<ListedSnapshot>, WaitError>),
    {
        wait::poll_until(
            settings,
            || async {
                let remaining: Vec<ListedSnapshot> = self
                    .listed(project_id, cluster_id)
                    .await?
                    .into_iter()
                    .filter(|s| s.id.as_ref().is_some_and(|id| snapshot_ids.contains(id)))
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

    /// Waits until the `restoreStatus` of snapshot `snapshot_id` reads `success` or a failure,
    /// or until `settings.timeout` (see the module documentation for what this can and cannot
    /// tell).
    pub async fn wait_for_restore<P>(
        &self,
        project_id: &str,
        cluster_id: &str,
        snapshot_id: &str,
        settings: WaitSettings,
        progress: P,
    ) -> Result<SnapshotOutcome, WaitError>
    where
        P: FnMut(Progress<'_, ListedSnapshot, WaitError>),
    {
        wait::poll_until(
            settings,
            || async {
                self.listed_one(project_id, cluster_id, snapshot_id)
                    .await
                    .map(restore_check)
            },
            progress,
        )
        .await
    }

    /// The snapshot `snapshot_id` as the cluster's list shows it now (one `ListSnapshots`);
    /// `Ok(None)` when it is not listed.
    pub async fn find_snapshot(
        &self,
        project_id: &str,
        cluster_id: &str,
        snapshot_id: &str,
    ) -> Result<Option<ListedSnapshot>, Error<types::ErrorResponse>> {
        let listed = self
            .list_snapshots()
            .project_id(project_id)
            .cluster_id(cluster_id)
            .send()
            .await?;
        Ok(listed
            .into_inner()
            .backups
            .into_iter()
            .find(|s| s.id.as_deref() == Some(snapshot_id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(status: Option<&str>, restore: Option<&str>) -> ListedSnapshot {
        ListedSnapshot {
            status: status.map(str::to_string),
            restore_status: restore.map(str::to_string),
            ..ListedSnapshot::default()
        }
    }

    #[test]
    fn statuses_are_sorted_into_pending_reached_and_failed() {
        let kind = |check: Check<ListedSnapshot>| match check {
            Check::Pending(_) => "pending",
            Check::Reached(_) => "reached",
            Check::Failed(_) => "failed",
        };
        assert_eq!(
            kind(snapshot_check(with(Some("BUILDING"), None))),
            "pending"
        );
        assert_eq!(kind(snapshot_check(with(None, None))), "pending");
        assert_eq!(kind(snapshot_check(with(Some("NEW_ONE"), None))), "pending");
        assert_eq!(
            kind(snapshot_check(with(Some("COMPLETED"), None))),
            "reached"
        );
        assert_eq!(kind(snapshot_check(with(Some("FAILED"), None))), "failed");
        assert_eq!(
            kind(snapshot_check(with(Some("PART_FAILED"), None))),
            "failed"
        );
        assert_eq!(kind(restore_check(with(None, Some("none")))), "pending");
        assert_eq!(kind(restore_check(with(None, Some("success")))), "reached");
        assert_eq!(kind(restore_check(with(None, Some("Failed")))), "failed");
    }
}
