//! Waiting for something the service does in the background (a snapshot being taken, deleted or
//! restored): one polling loop that the client crates' `wait_for_*` methods share.
//!
//! [`poll_until`] asks a status function again and again, sleeping a [`Backoff`] delay between
//! two polls, until the function says the status is final, or until an overall deadline. Its
//! answer is typed ([`Outcome`]): the good final status, the failed final status as the vendor
//! states it, or the deadline passed with the last status seen.
//!
//! **Errors while polling.** The client's retry layer already repeats a read that met throttling,
//! a 5xx or a dropped connection, a few times within seconds. An error that outlasts those retries
//! but may still go away ([`PollError::Transient`]: throttling, 5xx, timeouts, connection
//! failures) does not end a wait that may last an hour: it is reported to the progress callback
//! and the next poll comes after the next delay, as after a status; if it lasts until the
//! deadline, [`Outcome::DeadlinePassed`] carries it. An error that will not go away by asking
//! again ([`PollError::Fatal`]: the snapshot or cluster is unknown, access is denied, an answer
//! cannot be read) ends the wait at once with that error. [`is_transient`] sorts a generated
//! client's errors this way.
//!
//! **Cancellation.** The future returned by [`poll_until`] owns everything it uses and spawns
//! nothing: it only awaits `tokio::time::sleep_until` and the poll futures (each bounded by the
//! deadline with `tokio::time::timeout_at`). Dropping it at any await point (a `select!` branch
//! that lost, a `timeout` around it, Ctrl-C ending the program) stops the wait there: the sleep is
//! cancelled, a poll in flight is dropped with its request, and no task or timer is left behind.
//! The request being dropped is a read, so nothing is left half done on the service either.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::Backoff;

/// How a wait polls: the delays between polls and the overall deadline.
///
/// [`WaitSettings::default`] suits real snapshots, which take minutes (vendor acceptance tests
/// give a snapshot 17 to 28 minutes):
/// - the first poll is sent at once, so the current status is known immediately;
/// - then delays from a 5 s step doubling up to a 30 s step, each drawn from the upper half of
///   its step (so 2.5–5 s, 5–10 s, 10–20 s, then 15–30 s for good): a snapshot that finishes in
///   seconds is seen within seconds, and a long one costs about 2.7 requests a minute (at most 4)
///   and is seen at most 30 s after it finished, a few percent of its duration;
/// - an overall deadline of 60 minutes, twice the longest acceptance wait, so that a wait that
///   will never end (a stuck snapshot) still ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaitSettings {
    /// Delays between polls (delay number `n` follows poll number `n + 1`).
    pub backoff: Backoff,
    /// How long the wait may last in all, polls included.
    pub timeout: Duration,
}

impl Default for WaitSettings {
    fn default() -> WaitSettings {
        WaitSettings {
            backoff: Backoff::new(Duration::from_secs(5), Duration::from_secs(30)),
            timeout: Duration::from_secs(60 * 60),
        }
    }
}

impl WaitSettings {
    /// The same settings with another overall deadline.
    pub fn with_timeout(mut self, timeout: Duration) -> WaitSettings {
        self.timeout = timeout;
        self
    }

    /// The same settings with other delays between polls.
    pub fn with_backoff(mut self, backoff: Backoff) -> WaitSettings {
        self.backoff = backoff;
        self
    }

    /// Polls per minute once the delays have reached their largest step, on average (each delay
    /// is uniform over the upper half of the step, so it averages three quarters of it).
    pub fn steady_polls_per_minute(&self) -> f64 {
        let step = self.backoff.max.as_secs_f64();
        if step <= 0.0 {
            return f64::INFINITY;
        }
        60.0 / (0.75 * step)
    }

    /// The most polls a wait makes in its first `window`, the first poll included (every delay
    /// at its shortest, half its step).
    pub fn max_polls_within(&self, window: Duration) -> u32 {
        1 + self.backoff.max_delays_within(window)
    }
}

/// What one poll saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check<S> {
    /// Not final yet: poll again.
    Pending(S),
    /// The final status hoped for.
    Reached(S),
    /// A final status that means it failed.
    Failed(S),
}

/// Why one poll gave no status.
#[derive(Debug)]
pub enum PollError<E> {
    /// Asking again later may succeed (throttling, 5xx, timeout, no connection): the wait goes on.
    Transient(E),
    /// Asking again will not help (unknown resource, access denied, unreadable answer): the wait
    /// ends with this error.
    Fatal(E),
}

/// What the progress callback is told after each poll.
#[derive(Debug)]
pub enum Observed<'a, S, E> {
    /// The status the poll saw.
    Status(&'a Check<S>),
    /// A transient error; the wait goes on.
    Error(&'a E),
}

/// The progress callback's view of the wait after one poll.
#[derive(Debug)]
pub struct Progress<'a, S, E> {
    /// Time since the wait started.
    pub elapsed: Duration,
    /// Polls made so far, this one included.
    pub polls: u32,
    /// What this poll saw.
    pub observed: Observed<'a, S, E>,
}

/// How a wait ended, unless a fatal error ended it.
#[derive(Debug)]
#[non_exhaustive]
pub enum Outcome<S, E> {
    /// The final status hoped for.
    Reached {
        /// What the last poll saw.
        status: S,
        /// Time since the wait started.
        elapsed: Duration,
        /// Polls made.
        polls: u32,
    },
    /// A final status that means failure, as the vendor states it.
    Failed {
        /// What the last poll saw.
        status: S,
        /// Time since the wait started.
        elapsed: Duration,
        /// Polls made.
        polls: u32,
    },
    /// The deadline passed before a final status was seen.
    DeadlinePassed {
        /// The last status a poll saw, if any poll gave one.
        last_status: Option<S>,
        /// The error of the last poll, when it gave an error rather than a status.
        last_error: Option<E>,
        /// Time since the wait started (the timeout, give or take a scheduler tick).
        elapsed: Duration,
        /// Polls made.
        polls: u32,
    },
}

impl<S, E> Outcome<S, E> {
    /// Time since the wait started.
    pub fn elapsed(&self) -> Duration {
        match self {
            Outcome::Reached { elapsed, .. }
            | Outcome::Failed { elapsed, .. }
            | Outcome::DeadlinePassed { elapsed, .. } => *elapsed,
        }
    }

    /// Polls made.
    pub fn polls(&self) -> u32 {
        match self {
            Outcome::Reached { polls, .. }
            | Outcome::Failed { polls, .. }
            | Outcome::DeadlinePassed { polls, .. } => *polls,
        }
    }

    /// The last status seen, if any.
    pub fn status(&self) -> Option<&S> {
        match self {
            Outcome::Reached { status, .. } | Outcome::Failed { status, .. } => Some(status),
            Outcome::DeadlinePassed { last_status, .. } => last_status.as_ref(),
        }
    }

    /// Whether the hoped-for final status was reached.
    pub fn is_reached(&self) -> bool {
        matches!(self, Outcome::Reached { .. })
    }
}

/// Polls `poll` until it reports a final status, a fatal error, or `settings.timeout` has passed
/// since the call; `progress` hears about every poll. See the module documentation for how
/// errors are treated and why dropping the future at any point is safe.
///
/// The first poll is sent at once; after each poll that was not final, the next delay of
/// `settings.backoff` is slept. When that delay would end at or after the deadline, the wait
/// sleeps until the deadline and ends there, without a poll at the deadline itself (a status
/// that changed during that last stretch is not seen; give the timeout a margin). A poll still
/// running at the deadline is dropped. Either way the outcome is [`Outcome::DeadlinePassed`]
/// with what the polls before saw, after `settings.timeout` exactly.
pub async fn poll_until<S, E, F, Fut, P>(
    settings: WaitSettings,
    mut poll: F,
    mut progress: P,
) -> Result<Outcome<S, E>, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Check<S>, PollError<E>>>,
    P: FnMut(Progress<'_, S, E>),
{
    let start = Instant::now();
    let deadline = start + settings.timeout;
    let mut last_status: Option<S> = None;
    let mut last_error: Option<E> = None;
    let mut polls: u32 = 0;
    let mut delays: u32 = 0;
    loop {
        let polled = tokio::time::timeout_at(deadline, poll()).await;
        let Ok(polled) = polled else {
            return Ok(Outcome::DeadlinePassed {
                last_status,
                last_error,
                elapsed: start.elapsed(),
                polls,
            });
        };
        polls = polls.saturating_add(1);
        let elapsed = start.elapsed();
        match polled {
            Ok(check) => {
                progress(Progress {
                    elapsed,
                    polls,
                    observed: Observed::Status(&check),
                });
                match check {
                    Check::Reached(status) => {
                        return Ok(Outcome::Reached {
                            status,
                            elapsed,
                            polls,
                        });
                    }
                    Check::Failed(status) => {
                        return Ok(Outcome::Failed {
                            status,
                            elapsed,
                            polls,
                        });
                    }
                    Check::Pending(status) => {
                        last_status = Some(status);
                        last_error = None;
                    }
                }
            }
            Err(PollError::Fatal(error)) => return Err(error),
            Err(PollError::Transient(error)) => {
                progress(Progress {
                    elapsed,
                    polls,
                    observed: Observed::Error(&error),
                });
                last_error = Some(error);
            }
        }
        let now = Instant::now();
        let wake = now + settings.backoff.delay(delays);
        delays = delays.saturating_add(1);
        if wake >= deadline {
            // The next poll would come after the deadline: wait out the remaining time (the
            // caller asked for that long) and report what was last seen.
            tokio::time::sleep_until(deadline).await;
            return Ok(Outcome::DeadlinePassed {
                last_status,
                last_error,
                elapsed: start.elapsed(),
                polls,
            });
        }
        tokio::time::sleep_until(wake).await;
    }
}

/// Whether a generated client's error may go away if the same read is sent again later:
/// throttling (429), server errors (5xx), timeouts and connection failures. Refused values,
/// other 4xx answers (unknown resource, denied access) and unreadable answers will not.
pub fn is_transient<E>(error: &progenitor_client::Error<E>) -> bool {
    use progenitor_client::Error;
    let status_is_transient =
        |status: reqwest::StatusCode| status.as_u16() == 429 || status.is_server_error();
    match error {
        Error::CommunicationError(e) | Error::ResponseBodyError(e) | Error::InvalidUpgrade(e) => {
            e.status().is_none_or(status_is_transient)
        }
        Error::ErrorResponse(response) => status_is_transient(response.status()),
        Error::UnexpectedResponse(response) => status_is_transient(response.status()),
        Error::InvalidRequest(_) | Error::InvalidResponsePayload(..) | Error::Custom(_) => false,
    }
}

/// Sorts a poll's error with [`is_transient`].
pub fn classify<E>(error: progenitor_client::Error<E>) -> PollError<progenitor_client::Error<E>> {
    if is_transient(&error) {
        PollError::Transient(error)
    } else {
        PollError::Fatal(error)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn fast(timeout_ms: u64) -> WaitSettings {
        WaitSettings::default()
            .with_backoff(Backoff::new(
                Duration::from_millis(4),
                Duration::from_millis(8),
            ))
            .with_timeout(Duration::from_millis(timeout_ms))
    }

    #[test]
    fn the_defaults_poll_about_three_times_a_minute() {
        let settings = WaitSettings::default();
        assert_eq!(settings.timeout, Duration::from_secs(3600));
        let steady = settings.steady_polls_per_minute();
        assert!((steady - 60.0 / 22.5).abs() < 1e-9, "{steady}");
        // First minute: the first poll, then delays of at least 2.5, 5, 10, 15, 15 s.
        assert_eq!(settings.max_polls_within(Duration::from_secs(60)), 6);
    }

    #[tokio::test]
    async fn pending_statuses_are_reported_until_the_final_one() {
        let seen = std::cell::RefCell::new(Vec::new());
        let mut answers = vec![
            Ok(Check::Pending("BUILDING")),
            Err(PollError::Transient("503")),
            Ok(Check::Pending("BUILDING")),
            Ok(Check::Reached("COMPLETED")),
        ]
        .into_iter();
        let outcome = poll_until(
            fast(5_000),
            || std::future::ready(answers.next().unwrap()),
            |p: Progress<'_, &str, &str>| {
                let what = match p.observed {
                    Observed::Status(Check::Pending(s) | Check::Reached(s) | Check::Failed(s)) => {
                        s.to_string()
                    }
                    Observed::Error(e) => format!("error {e}"),
                };
                seen.borrow_mut().push((p.polls, what));
            },
        )
        .await
        .unwrap();
        assert!(matches!(
            outcome,
            Outcome::Reached {
                status: "COMPLETED",
                polls: 4,
                ..
            }
        ));
        assert_eq!(
            seen.into_inner(),
            [
                (1, "BUILDING".to_string()),
                (2, "error 503".to_string()),
                (3, "BUILDING".to_string()),
                (4, "COMPLETED".to_string())
            ]
        );
    }

    #[tokio::test]
    async fn a_failed_status_and_a_fatal_error_end_the_wait() {
        let outcome = poll_until(
            fast(5_000),
            || std::future::ready(Ok::<_, PollError<()>>(Check::Failed("PART_FAILED"))),
            |_| {},
        )
        .await
        .unwrap();
        assert!(matches!(
            outcome,
            Outcome::Failed {
                status: "PART_FAILED",
                polls: 1,
                ..
            }
        ));
        let error = poll_until(
            fast(5_000),
            || std::future::ready(Err::<Check<()>, _>(PollError::Fatal("CSS.0015"))),
            |_| {},
        )
        .await
        .unwrap_err();
        assert_eq!(error, "CSS.0015");
    }

    #[tokio::test]
    async fn the_deadline_reports_the_last_status_and_error() {
        let started = std::time::Instant::now();
        let mut n = 0;
        let outcome = poll_until(
            fast(60),
            || {
                n += 1;
                std::future::ready(if n == 1 {
                    Ok(Check::Pending("BUILDING"))
                } else {
                    Err(PollError::Transient("throttled"))
                })
            },
            |_| {},
        )
        .await
        .unwrap();
        let waited = started.elapsed();
        assert!(waited >= Duration::from_millis(60), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");
        match outcome {
            Outcome::DeadlinePassed {
                last_status,
                last_error,
                polls,
                ..
            } => {
                assert_eq!(last_status, Some("BUILDING"));
                assert_eq!(last_error, Some("throttled"));
                assert!(polls >= 3, "{polls}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn a_poll_that_hangs_is_cut_by_the_deadline() {
        let outcome = poll_until(
            fast(50),
            std::future::pending::<Result<Check<()>, PollError<()>>>,
            |_| {},
        )
        .await
        .unwrap();
        assert!(matches!(
            outcome,
            Outcome::DeadlinePassed {
                last_status: None,
                polls: 0,
                ..
            }
        ));
    }

    #[test]
    fn dropping_the_wait_leaves_no_task_and_no_poll_behind() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let polls = Arc::new(AtomicU32::new(0));
        let counter = polls.clone();
        runtime.block_on(async {
            let wait = poll_until(
                fast(60_000),
                move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    std::future::ready(Ok::<_, PollError<()>>(Check::Pending(())))
                },
                |_| {},
            );
            // Dropped by the timeout while sleeping between polls.
            let cut = tokio::time::timeout(Duration::from_millis(40), wait).await;
            assert!(cut.is_err());
        });
        let at_drop = polls.load(Ordering::SeqCst);
        assert!(at_drop >= 2, "{at_drop}");
        // The poll closure (which held the other handle) went with the future.
        assert_eq!(Arc::strong_count(&polls), 1);
        assert_eq!(runtime.metrics().num_alive_tasks(), 0);
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(60)).await });
        assert_eq!(polls.load(Ordering::SeqCst), at_drop);
    }
}
