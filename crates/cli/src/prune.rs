//! `prune`: which manual snapshots of a cluster to keep and which to delete, the same way for
//! CSS and DWS (each API module reads its list into [`Candidate`]s, deletes and waits).
//!
//! Rules:
//! - Only manual snapshots are considered; automatic ones (taken by the vendor's policy) are never
//!   touched, only counted.
//! - `--keep-within D` keeps every snapshot created less than `D` ago.
//! - `--keep-last N` keeps the `N` newest snapshots that completed (a failed snapshot is no
//!   backup: counting it would leave fewer than `N` restorable ones).
//! - A snapshot whose creation time cannot be read is kept.
//! - Every other snapshot goes: older completed ones and failed ones. One still in progress (or in
//!   any status that is not final) is refused: reported, left alone, and the command exits 7
//!   after deleting the others.

use std::time::{Duration, SystemTime};

use clap::{ArgGroup, Args};
use serde::Serialize;
use serde_json::{Value, json};

use crate::Failure;
use crate::waiting::WaitArgs;

/// The flags of `prune`, for both APIs.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("keep").required(true).multiple(true).args(["keep_last", "keep_within"])))]
pub(crate) struct PruneArgs {
    /// Keep the N newest completed manual snapshots.
    #[arg(long, value_name = "N")]
    pub(crate) keep_last: Option<usize>,
    /// Keep the manual snapshots created less than this long ago, e.g. 7d, 36h.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration)]
    pub(crate) keep_within: Option<Duration>,
    /// Only list what would be deleted (JSON on stdout); delete nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    #[command(flatten)]
    pub(crate) wait: WaitArgs,
}

/// Where a snapshot is, as far as pruning goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Completed: a usable backup.
    Completed,
    /// Ended failed.
    Failed,
    /// In progress, or a status that is not final: never deleted.
    Busy,
}

/// A manual snapshot as prune sees it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Candidate {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) status: String,
    /// As the service wrote it.
    pub(crate) created: String,
    #[serde(skip)]
    pub(crate) created_at: Option<SystemTime>,
    #[serde(skip)]
    pub(crate) state: State,
}

/// A snapshot and why it is kept or refused.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Decided {
    #[serde(flatten)]
    pub(crate) snapshot: Candidate,
    pub(crate) reason: String,
}

/// What prune does with a cluster's manual snapshots.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    pub(crate) keep: Vec<Decided>,
    pub(crate) delete: Vec<Candidate>,
    pub(crate) refuse: Vec<Decided>,
}

/// Sorts `snapshots` by the rules of the module documentation; `now` is the reference for
/// `keep_within`.
pub(crate) fn plan(
    mut snapshots: Vec<Candidate>,
    keep_last: Option<usize>,
    keep_within: Option<Duration>,
    now: SystemTime,
) -> Plan {
    // Newest first; unreadable times first (they are kept anyway).
    snapshots.sort_by(|a, b| match (a.created_at, b.created_at) {
        (Some(a), Some(b)) => b.cmp(&a),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut plan = Plan::default();
    // Each rule keeps on its own; a snapshot goes only when no rule keeps it.
    let mut completed_seen = 0;
    for snapshot in snapshots {
        let keep = |reason: String| Decided {
            snapshot: snapshot.clone(),
            reason,
        };
        let Some(created) = snapshot.created_at else {
            plan.keep
                .push(keep("its creation time cannot be read".into()));
            continue;
        };
        let newest = snapshot.state == State::Completed
            && keep_last.is_some_and(|last| completed_seen < last);
        if snapshot.state == State::Completed {
            completed_seen += 1;
        }
        if let Some(within) = keep_within
            && now.duration_since(created).unwrap_or(Duration::ZERO) < within
        {
            plan.keep.push(keep(format!(
                "--keep-within {}: created less than that ago",
                humantime::format_duration(within)
            )));
            continue;
        }
        if let Some(last) = keep_last.filter(|_| newest) {
            plan.keep.push(keep(format!(
                "--keep-last {last}: among the newest completed"
            )));
            continue;
        }
        match snapshot.state {
            State::Busy => plan.refuse.push(keep(format!(
                "status {} is not final: a snapshot in progress is never deleted",
                snapshot.status
            ))),
            State::Completed | State::Failed => plan.delete.push(snapshot),
        }
    }
    plan
}

/// A delete the service refused.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct DeleteError {
    #[serde(flatten)]
    pub(crate) snapshot: Candidate,
    pub(crate) error: String,
}

/// The JSON report of a prune.
pub(crate) fn report(
    plan: &Plan,
    dry_run: bool,
    deleted: &[Candidate],
    errors: &[DeleteError],
    automatic: usize,
) -> Value {
    let mut report = json!({
        "dry_run": dry_run,
        "kept": plan.keep,
        "refused": plan.refuse,
        "automatic_untouched": automatic,
    });
    if dry_run {
        report["would_delete"] = json!(plan.delete);
    } else {
        report["deleted"] = json!(deleted);
        report["delete_errors"] = json!(errors);
    }
    report
}

/// A prune from the listed manual snapshots (`candidates`; `automatic` counts those left alone
/// as automatic): plans what goes, and unless `--dry-run` deletes it with `delete` and, with
/// `--wait`, waits with `wait_until_gone` until the deleted ids are no longer listed (`None` when
/// they are gone, else the failure). The same sequence for every API; only the calls differ.
pub(crate) async fn run(
    candidates: Vec<Candidate>,
    automatic: usize,
    args: &PruneArgs,
    delete: impl AsyncFnMut(&Candidate) -> Result<(), Failure>,
    wait_until_gone: impl AsyncFnOnce(Vec<String>) -> Option<Failure>,
) -> Result<Value, Failure> {
    let plan = plan(
        candidates,
        args.keep_last,
        args.keep_within,
        std::time::SystemTime::now(),
    );
    if args.dry_run {
        return Ok(report(&plan, true, &[], &[], automatic));
    }
    let (deleted, errors, delete_failure) = delete_all(&plan, delete).await;
    let summary = report(&plan, false, &deleted, &errors, automatic);
    let wait_failure = if args.wait.wait && !deleted.is_empty() {
        wait_until_gone(deleted.iter().map(|c| c.id.clone()).collect()).await
    } else {
        None
    };
    conclude(summary, &plan, delete_failure, wait_failure)
}

/// Deletes the snapshots of `plan.delete` one after the other with `delete`, carrying on past a
/// refusal: those deleted, those whose delete failed, and the first failure.
pub(crate) async fn delete_all(
    plan: &Plan,
    mut delete: impl AsyncFnMut(&Candidate) -> Result<(), Failure>,
) -> (Vec<Candidate>, Vec<DeleteError>, Option<Failure>) {
    let mut deleted = Vec::new();
    let mut errors = Vec::new();
    let mut first = None;
    for snapshot in &plan.delete {
        match delete(snapshot).await {
            Ok(()) => deleted.push(snapshot.clone()),
            Err(failure) => {
                errors.push(DeleteError {
                    snapshot: snapshot.clone(),
                    error: describe(&failure),
                });
                first.get_or_insert(failure);
            }
        }
    }
    (deleted, errors, first)
}

/// One line for a failure, as the JSON report carries it.
fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Refused(vendor) => format!(
            "HTTP {} {}: {}",
            vendor.status,
            vendor.code.as_deref().unwrap_or("(no code)"),
            vendor.message.as_deref().unwrap_or("(no message)")
        ),
        Failure::After { then, .. } => describe(then),
        Failure::InvalidArgument(m)
        | Failure::Configuration(m)
        | Failure::Transport(m)
        | Failure::DeadlinePassed(m)
        | Failure::WaitFailed(m)
        | Failure::PruneRefused(m) => m.clone(),
    }
}

/// How a prune ends, the report printed on stdout in every case: a failed delete first (its own
/// exit status: 1 when refused), then a `--wait` whose deadline passed (5), then snapshots left
/// in progress (7).
pub(crate) fn conclude(
    report: Value,
    plan: &Plan,
    delete_failure: Option<Failure>,
    wait_failure: Option<Failure>,
) -> Result<Value, Failure> {
    if let Some(failure) = delete_failure.or(wait_failure) {
        return Err(Failure::after(report, failure));
    }
    if !plan.refuse.is_empty() {
        let ids: Vec<&str> = plan.refuse.iter().map(|r| r.snapshot.id.as_str()).collect();
        let message = format!(
            "left {} snapshot(s) in progress alone: {}; prune again once they are final",
            ids.len(),
            ids.join(", ")
        );
        return Err(Failure::after(report, Failure::PruneRefused(message)));
    }
    Ok(report)
}

/// A time as the services write it: RFC 3339 with or without the zone (`2018-03-07T07:34:47`,
/// read as UTC, or `2016-08-23T03:59:23Z`).
pub(crate) fn parse_time(text: &str) -> Option<SystemTime> {
    humantime::parse_rfc3339_weak(text.trim_end_matches('Z')).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(id: &str, age_hours: u64, state: State) -> Candidate {
        Candidate {
            id: id.into(),
            name: id.into(),
            status: format!("{state:?}").to_uppercase(),
            created: String::new(),
            created_at: Some(now() - Duration::from_secs(age_hours * 3600)),
            state,
        }
    }

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
    }

    fn ids(list: &[Candidate]) -> Vec<&str> {
        list.iter().map(|c| c.id.as_str()).collect()
    }

    fn decided(list: &[Decided]) -> Vec<&str> {
        list.iter().map(|d| d.snapshot.id.as_str()).collect()
    }

    #[test]
    fn keep_last_counts_completed_snapshots_only() {
        let plan = plan(
            vec![
                snapshot("old", 50, State::Completed),
                snapshot("failed", 3, State::Failed),
                snapshot("new", 1, State::Completed),
                snapshot("mid", 10, State::Completed),
            ],
            Some(2),
            None,
            now(),
        );
        assert_eq!(decided(&plan.keep), ["new", "mid"]);
        assert_eq!(ids(&plan.delete), ["failed", "old"]);
        assert!(plan.refuse.is_empty());
    }

    #[test]
    fn keep_within_keeps_the_young_and_busy_snapshots_are_refused() {
        let mut unknown = snapshot("unknown", 0, State::Completed);
        unknown.created_at = None;
        let plan = plan(
            vec![
                snapshot("young", 2, State::Completed),
                snapshot("old", 200, State::Completed),
                snapshot("stuck", 100, State::Busy),
                unknown,
            ],
            None,
            Some(Duration::from_secs(24 * 3600)),
            now(),
        );
        assert_eq!(decided(&plan.keep), ["unknown", "young"]);
        assert_eq!(ids(&plan.delete), ["old"]);
        assert_eq!(decided(&plan.refuse), ["stuck"]);
        assert!(plan.refuse[0].reason.contains("BUSY"));
    }

    #[test]
    fn both_rules_keep_the_union() {
        let plan = plan(
            vec![
                snapshot("a", 1, State::Completed),
                snapshot("b", 30, State::Completed),
                snapshot("c", 40, State::Completed),
            ],
            Some(1),
            Some(Duration::from_secs(24 * 3600)),
            now(),
        );
        let young_only = super::plan(
            vec![
                snapshot("a", 1, State::Failed),
                snapshot("b", 30, State::Completed),
            ],
            Some(1),
            Some(Duration::from_secs(24 * 3600)),
            now(),
        );
        assert_eq!(decided(&young_only.keep), ["a", "b"]);
        // Each rule on its own: `a` is both young and the newest; `b` and `c` neither.
        assert_eq!(decided(&plan.keep), ["a"]);
        assert_eq!(ids(&plan.delete), ["b", "c"]);
    }

    #[test]
    fn service_times_are_read_with_or_without_a_zone() {
        let with = parse_time("2016-08-23T03:59:23Z").unwrap();
        let without = parse_time("2016-08-23T03:59:23").unwrap();
        assert_eq!(with, without);
        assert_eq!(
            with.duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1_471_924_763
        );
        assert!(parse_time("yesterday").is_none());
    }
}
