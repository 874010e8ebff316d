//! Exponential backoff with jitter, shared by the retry layer and the snapshot waiters.

use std::time::Duration;

/// Delays that grow by `multiplier` from `initial` up to `max`, each drawn at random from the
/// upper half of its step ("equal jitter"): clients that failed together spread out, and a delay
/// is never less than half its step, so a waiter never polls in a burst.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The step of the first delay.
    pub initial: Duration,
    /// The largest step.
    pub max: Duration,
    /// How much each step grows over the previous one (at least 1).
    pub multiplier: f64,
}

impl Backoff {
    /// A backoff from `initial` doubling up to `max`.
    pub const fn new(initial: Duration, max: Duration) -> Backoff {
        Backoff {
            initial,
            max,
            multiplier: 2.0,
        }
    }

    /// The same backoff growing by `multiplier` per step (values below 1 count as 1).
    pub fn with_multiplier(mut self, multiplier: f64) -> Backoff {
        self.multiplier = multiplier;
        self
    }

    /// The step before jitter for delay number `attempt` (0 for the first).
    pub fn step(&self, attempt: u32) -> Duration {
        let multiplier = if self.multiplier.is_finite() {
            self.multiplier.max(1.0)
        } else {
            1.0
        };
        let grown = self.initial.as_secs_f64() * multiplier.powi(attempt.min(1_000) as i32);
        let capped = grown.min(self.max.as_secs_f64()).max(0.0);
        // `capped` is finite and at most `max`, so the conversion cannot fail.
        Duration::try_from_secs_f64(capped).unwrap_or(self.max)
    }

    /// Delay number `attempt`, with `random` in `[0, 1)` choosing where in the upper half of the
    /// step it falls (pure, for tests).
    pub fn delay_with(&self, attempt: u32, random: f64) -> Duration {
        let step = self.step(attempt);
        let random = if (0.0..1.0).contains(&random) {
            random
        } else {
            0.0
        };
        step / 2 + step.mul_f64(random / 2.0)
    }

    /// Delay number `attempt`, jittered with the thread's random source.
    pub fn delay(&self, attempt: u32) -> Duration {
        self.delay_with(attempt, fastrand::f64())
    }

    /// The most delays of this backoff that fit in `budget`, assuming each takes its full step
    /// (for reporting how often a waiter polls at most).
    pub fn max_delays_within(&self, budget: Duration) -> u32 {
        let mut spent = Duration::ZERO;
        let mut count = 0;
        while count < 100_000 {
            let next = self.step(count).max(Duration::from_millis(1)) / 2;
            if spent + next > budget {
                break;
            }
            spent += next;
            count += 1;
        }
        count
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_double_up_to_the_cap() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        let steps: Vec<u128> = (0..6).map(|n| backoff.step(n).as_millis()).collect();
        assert_eq!(steps, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff.step(u32::MAX), Duration::from_secs(1));
    }

    #[test]
    fn a_delay_falls_in_the_upper_half_of_its_step() {
        let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(backoff.delay_with(1, 0.0), Duration::from_millis(100));
        assert_eq!(backoff.delay_with(1, 0.5), Duration::from_millis(150));
        assert!(backoff.delay_with(1, 0.999_999) < Duration::from_millis(200));
        // Out-of-range randomness is clamped rather than producing a longer delay.
        assert_eq!(backoff.delay_with(1, 7.0), Duration::from_millis(100));
        for attempt in 0..10 {
            let delay = backoff.delay(attempt);
            let step = backoff.step(attempt);
            assert!(delay >= step / 2 && delay <= step, "{delay:?} for {step:?}");
        }
    }

    #[test]
    fn odd_multipliers_do_not_shrink_or_overflow() {
        let flat =
            Backoff::new(Duration::from_secs(2), Duration::from_secs(60)).with_multiplier(0.1);
        assert_eq!(flat.step(5), Duration::from_secs(2));
        let nan = flat.with_multiplier(f64::NAN);
        assert_eq!(nan.step(5), Duration::from_secs(2));
        let huge =
            Backoff::new(Duration::from_secs(1), Duration::from_secs(30)).with_multiplier(1e300);
        assert_eq!(huge.step(900), Duration::from_secs(30));
    }
}
