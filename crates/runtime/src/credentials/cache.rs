//! Temporary credentials kept between requests and fetched again before they expire, by one
//! caller at a time.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::RequestSigner;

use super::Clock;

/// After a failed refresh while the cached credentials are still valid, the next attempt waits
/// this long (the Alibaba library waits at least 10 s before trying again after a failure), so
/// that a metadata server in trouble is not asked on every request.
pub(crate) const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(10);

/// What one fetch from a metadata service gives.
pub(crate) struct Fetched {
    pub signer: RequestSigner,
    pub expires: SystemTime,
    pub project_id: Option<String>,
}

/// A way to fetch temporary credentials (one vendor's metadata service).
pub(crate) trait Fetch: Send + Sync + fmt::Debug {
    /// Fetches fresh credentials, or says why not (never with a secret in the message).
    fn fetch(&self) -> Pin<Box<dyn Future<Output = Result<Fetched, String>> + Send + '_>>;
}

#[derive(Default)]
struct State {
    cached: Option<Fetched>,
    /// When the cached credentials are to be fetched again.
    refresh_at: Option<SystemTime>,
    /// Why the last fetch failed, if it did.
    last_error: Option<String>,
    /// Fetches finished so far, so that a caller that waited for another's fetch uses its
    /// outcome instead of fetching again.
    fetches: u64,
}

/// Credentials from `fetcher`, cached until `margin` before they expire.
pub(crate) struct Refreshing<F> {
    pub fetcher: F,
    margin: Duration,
    clock: Clock,
    state: Mutex<State>,
    /// Held by the one caller that fetches.
    fetching: tokio::sync::Mutex<()>,
}

impl<F: fmt::Debug> fmt::Debug for Refreshing<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("Refreshing")
            .field("fetcher", &self.fetcher)
            .field("margin", &self.margin)
            .field("signer", &state.cached.as_ref().map(|c| &c.signer))
            .field("expires", &state.cached.as_ref().map(|c| c.expires))
            .field("refresh_at", &state.refresh_at)
            .field("last_error", &state.last_error)
            .finish()
    }
}

impl<F: Fetch> Refreshing<F> {
    pub fn new(fetcher: F, margin: Duration, clock: Clock) -> Refreshing<F> {
        Refreshing {
            fetcher,
            margin,
            clock,
            state: Mutex::new(State::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The project id the last fetch gave, if any.
    pub fn project_id(&self) -> Option<String> {
        self.state()
            .cached
            .as_ref()
            .and_then(|c| c.project_id.clone())
    }

    /// The cached signer while it is fresh; otherwise one caller fetches while the others wait,
    /// then use what it got.
    pub async fn signer(&self) -> Result<RequestSigner, String> {
        let seen = {
            let state = self.state();
            if let Some(signer) = fresh(&state, (self.clock)()) {
                return Ok(signer);
            }
            state.fetches
        };
        let _fetching = self.fetching.lock().await;
        {
            let state = self.state();
            if state.fetches != seen {
                // Another caller fetched while this one waited: use its outcome.
                let now = (self.clock)();
                if let Some(signer) = fresh(&state, now) {
                    return Ok(signer);
                }
                if let Some(signer) = still_valid(&state, now) {
                    return Ok(signer);
                }
                if let Some(error) = &state.last_error {
                    return Err(error.clone());
                }
            }
        }
        let outcome = self.fetcher.fetch().await;
        let now = (self.clock)();
        let mut state = self.state();
        state.fetches += 1;
        let outcome = outcome.and_then(|fetched| {
            if fetched.expires > now {
                Ok(fetched)
            } else {
                Err(format!(
                    "it gave credentials that expired at {}",
                    humantime::format_rfc3339_seconds(fetched.expires)
                ))
            }
        });
        match outcome {
            Ok(fetched) => {
                let signer = fetched.signer.clone();
                // Credentials that are already within the margin are used, and asked for again
                // after a pause rather than on every request.
                let refresh_at = fetched
                    .expires
                    .checked_sub(self.margin)
                    .filter(|at| *at > now)
                    .unwrap_or_else(|| (now + RETRY_AFTER_FAILURE).min(fetched.expires));
                state.refresh_at = Some(refresh_at);
                state.cached = Some(fetched);
                state.last_error = None;
                Ok(signer)
            }
            Err(why) => {
                state.last_error = Some(why.clone());
                match state.cached.as_ref() {
                    Some(cached) if now < cached.expires => {
                        let signer = cached.signer.clone();
                        state.refresh_at = Some((now + RETRY_AFTER_FAILURE).min(cached.expires));
                        Ok(signer)
                    }
                    _ => Err(why),
                }
            }
        }
    }
}

/// The cached signer, if it is not due for a refresh at `now`.
fn fresh(state: &State, now: SystemTime) -> Option<RequestSigner> {
    match (&state.cached, state.refresh_at) {
        (Some(cached), Some(at)) if now < at => Some(cached.signer.clone()),
        _ => None,
    }
}

/// The cached signer after a failed refresh, if its credentials have not expired yet.
fn still_valid(state: &State, now: SystemTime) -> Option<RequestSigner> {
    match &state.cached {
        Some(cached) if state.last_error.is_some() && now < cached.expires => {
            Some(cached.signer.clone())
        }
        _ => None,
    }
}
