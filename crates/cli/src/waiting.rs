//! `--wait` and `--timeout` of the CSS and DWS subcommands: the wait settings from the flags, and
//! how progress is shown on stderr (stdout keeps the JSON answer alone).
//!
//! With both stdout and stderr on a terminal, an indicatif spinner shows what is awaited, its
//! current status and the time elapsed, redrawn in place. Otherwise (a pipe, a file, a CI log),
//! one plain line per change of status, `status BUILDING after 4s`, and the same line at least
//! once a minute while the status stays the same, so that a log shows the wait is alive.

use std::io::IsTerminal;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::Value;
use snapspec_runtime::wait::{Check, Observed, Outcome, Progress, WaitSettings};
use snapspec_runtime::{Backoff, ClientError};

use crate::Failure;

/// The default overall deadline of `--wait`, as `--timeout` shows it.
const DEFAULT_TIMEOUT: &str = "60m";

/// `--wait`, `--timeout` and `--poll-interval`.
#[derive(Debug, Args)]
pub(crate) struct WaitArgs {
    /// After the request is accepted, wait for its outcome (a new snapshot's final status, a
    /// deleted one gone, a CSS restore's restoreStatus), showing progress on stderr; exit 5 when
    /// --timeout passes first, 6 when it ends failed.
    #[arg(long)]
    pub(crate) wait: bool,
    /// How long --wait may last in all, e.g. 30m, 1h, 90s.
    #[arg(long, value_name = "DURATION", default_value = DEFAULT_TIMEOUT, value_parser = humantime::parse_duration, requires = "wait")]
    pub(crate) timeout: Duration,
    /// Poll at about this interval (each delay drawn from its upper half) instead of the default
    /// of 5 s doubling to 30 s, e.g. 2s.
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, requires = "wait")]
    pub(crate) poll_interval: Option<Duration>,
}

impl WaitArgs {
    /// The wait settings the flags ask for.
    pub(crate) fn settings(&self) -> WaitSettings {
        let settings = WaitSettings::default().with_timeout(self.timeout);
        match self.poll_interval {
            Some(interval) => {
                let interval = interval.max(Duration::from_millis(1));
                settings.with_backoff(Backoff::new(interval, interval))
            }
            None => settings,
        }
    }
}

/// Whole seconds, as humantime writes them (`4s`, `1m 5s`).
pub(crate) fn seconds(elapsed: Duration) -> String {
    humantime::format_duration(Duration::from_secs(elapsed.as_secs())).to_string()
}

/// Shows a wait's progress on stderr.
pub(crate) struct Watch {
    what: String,
    bar: Option<ProgressBar>,
    last_status: Option<String>,
    last_line: Option<Duration>,
}

/// How often a plain line repeats an unchanged status.
const REPEAT: Duration = Duration::from_secs(60);

impl Watch {
    /// A display for waiting on `what` (e.g. `snapshot 5f0c...`): a spinner when stdout and
    /// stderr are terminals, plain lines otherwise.
    pub(crate) fn new(what: impl Into<String>) -> Watch {
        let what = what.into();
        let terminal = std::io::stderr().is_terminal() && std::io::stdout().is_terminal();
        let bar = terminal.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.set_message(format!("waiting for {what}"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Watch {
            what,
            bar,
            last_status: None,
            last_line: None,
        }
    }

    /// Reports the status one poll saw.
    pub(crate) fn status(&mut self, elapsed: Duration, status: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(format!("{}: {status}", self.what)),
            None => {
                let changed = self.last_status.as_deref() != Some(status);
                let due = self
                    .last_line
                    .is_none_or(|printed| elapsed.saturating_sub(printed) >= REPEAT);
                if changed || due {
                    eprintln!("status {status} after {}", seconds(elapsed));
                    self.last_line = Some(elapsed);
                }
            }
        }
        self.last_status = Some(status.to_string());
    }

    /// Reports a poll that failed in a way that may pass; the wait goes on.
    pub(crate) fn error(&mut self, elapsed: Duration, error: &dyn std::fmt::Display) {
        let line = format!(
            "poll failed after {} (the wait goes on): {error}",
            seconds(elapsed)
        );
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// Reports a progress event with `status` reading the status out of what a poll saw.
    pub(crate) fn progress<S, E: std::fmt::Display>(
        &mut self,
        progress: Progress<'_, S, E>,
        status: impl Fn(&S) -> String,
    ) {
        match progress.observed {
            Observed::Status(Check::Pending(s) | Check::Reached(s) | Check::Failed(s)) => {
                self.status(progress.elapsed, &status(s))
            }
            Observed::Error(error) => self.error(progress.elapsed, error),
        }
    }

    /// Ends the display: the spinner is cleared and one closing line is written.
    pub(crate) fn finish(self, line: &str) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        eprintln!("{line}");
    }
}

/// A wait's end: `Ok` when the hoped-for status was reached, else the failure it amounts to
/// (exit 6 for a failed status, 5 for the deadline). The closing line goes to stderr.
pub(crate) fn judge<S, E: std::fmt::Display>(
    watch: Watch,
    outcome: Outcome<S, E>,
    status: impl Fn(&S) -> String,
    timeout: Duration,
) -> Result<(), Failure> {
    let what = watch.what.clone();
    let elapsed = seconds(outcome.elapsed());
    match outcome {
        Outcome::Reached { status: s, .. } => {
            watch.finish(&format!("{what}: {} after {elapsed}", status(&s)));
            Ok(())
        }
        Outcome::Failed { status: s, .. } => {
            watch.finish(&format!("{what}: {} after {elapsed}", status(&s)));
            Err(Failure::WaitFailed(format!(
                "{what} ended {} after {elapsed}",
                status(&s)
            )))
        }
        Outcome::DeadlinePassed {
            last_status,
            last_error,
            ..
        } => {
            let seen = last_status
                .as_ref()
                .map_or_else(|| "no status seen".to_string(), &status);
            let mut message = format!(
                "--timeout {} passed while waiting for {what} (last status: {seen})",
                humantime::format_duration(timeout)
            );
            if let Some(error) = last_error {
                message.push_str(&format!("; the last poll failed: {error}"));
            }
            watch.finish(&format!("{what}: {seen} at the deadline, after {elapsed}"));
            Err(Failure::DeadlinePassed(message))
        }
        _ => {
            watch.finish(&format!("{what}: the wait ended after {elapsed}"));
            Err(Failure::Transport(format!(
                "the wait for {what} ended in a way this program does not know"
            )))
        }
    }
}

/// A client crate's wait error, as the CLI reports it.
pub(crate) trait WaitFailure: std::fmt::Display + Sized {
    /// The failure (and so the exit status) the error amounts to.
    async fn into_failure(self) -> Failure;
}

/// The end of a `--wait` after a request: `answer` on stdout in every case, and the exit status
/// the outcome (or the error that stopped the wait) calls for.
pub(crate) async fn finish<S, E: WaitFailure>(
    watch: Watch,
    answer: Value,
    outcome: Result<Outcome<S, E>, E>,
    status: impl Fn(&S) -> String,
    timeout: Duration,
) -> Result<Value, Failure> {
    match settle(watch, outcome, status, timeout).await {
        None => Ok(answer),
        Some(failure) => Err(Failure::after(answer, failure)),
    }
}

/// The failure a wait ended in, if any (see [`judge`]; an error that stopped the wait is
/// reported as [`WaitFailure::into_failure`] says).
pub(crate) async fn settle<S, E: WaitFailure>(
    watch: Watch,
    outcome: Result<Outcome<S, E>, E>,
    status: impl Fn(&S) -> String,
    timeout: Duration,
) -> Option<Failure> {
    match outcome {
        Ok(outcome) => judge(watch, outcome, status, timeout).err(),
        Err(error) => {
            watch.finish(&format!("the wait stopped: {error}"));
            Some(error.into_failure().await)
        }
    }
}

/// The failure a generated client's error amounts to (as for the request itself: refused,
/// exit 1; unreachable, exit 4).
pub(crate) async fn client_failure<E: serde::Serialize + std::fmt::Debug>(
    error: ClientError<E>,
) -> Failure {
    match crate::answer::<(), E>(Err(error)).await {
        Err(failure) => failure,
        Ok(_) => Failure::Transport("an error was expected".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_time_is_written_in_whole_seconds() {
        assert_eq!(seconds(Duration::from_millis(4_900)), "4s");
        assert_eq!(seconds(Duration::from_secs(65)), "1m 5s");
        assert_eq!(seconds(Duration::ZERO), "0s");
    }

    #[test]
    fn a_poll_interval_replaces_the_default_backoff() {
        let args = WaitArgs {
            wait: true,
            timeout: Duration::from_secs(90),
            poll_interval: Some(Duration::from_secs(2)),
        };
        let settings = args.settings();
        assert_eq!(settings.timeout, Duration::from_secs(90));
        assert_eq!(settings.backoff.step(0), Duration::from_secs(2));
        assert_eq!(settings.backoff.step(9), Duration::from_secs(2));
        let default = WaitArgs {
            poll_interval: None,
            ..args
        };
        assert_eq!(default.settings().backoff, WaitSettings::default().backoff);
    }
}
