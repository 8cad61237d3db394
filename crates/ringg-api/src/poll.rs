//! The polling schedule of the wait helpers ([`Calls::wait_for_terminal_with`](crate::calls::Calls::wait_for_terminal_with),
//! [`Campaigns::wait_for_upload`](crate::campaigns::Campaigns::wait_for_upload)): a deadline
//! and a growing interval, for any settings a caller passes (a timeout too long to add to the
//! clock means no deadline; an infinite multiplier jumps to the longest interval).

use std::time::Duration;

use tokio::time::Instant;

/// When polling started, how long it may go on and how long to wait between polls.
#[derive(Debug)]
pub(crate) struct Schedule {
    deadline: Option<Instant>,
    interval: Duration,
    max_interval: Duration,
    multiplier: f64,
}

impl Schedule {
    /// A schedule starting now.
    pub(crate) fn new(
        initial: Duration,
        max_interval: Duration,
        multiplier: f64,
        timeout: Duration,
    ) -> Self {
        Self {
            deadline: Instant::now().checked_add(timeout),
            interval: initial,
            max_interval,
            multiplier,
        }
    }

    /// True once the timeout has passed.
    pub(crate) fn is_over(&self) -> bool {
        self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Waits until the next poll (never past the deadline), and lengthens the interval.
    pub(crate) async fn wait(&mut self) {
        let mut pause = self.interval;
        if let Some(d) = self.deadline {
            pause = pause.min(d.saturating_duration_since(Instant::now()));
        }
        tokio::time::sleep(pause).await;
        self.interval = next_interval(self.interval, self.multiplier, self.max_interval);
    }
}

/// `interval` times `multiplier` (at least 1; an infinite one gives `max`), at most `max`.
fn next_interval(interval: Duration, multiplier: f64, max: Duration) -> Duration {
    Duration::try_from_secs_f64(interval.as_secs_f64() * multiplier.max(1.0))
        .unwrap_or(max)
        .min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_settings_give_a_schedule() {
        let max = Duration::from_secs(5);
        let one = Duration::from_secs(1);
        assert_eq!(next_interval(one, 2.0, max), Duration::from_secs(2));
        assert_eq!(next_interval(one, f64::INFINITY, max), max);
        assert_eq!(next_interval(one, f64::NAN, max), one);
        assert_eq!(next_interval(one, -3.0, max), one);
        assert_eq!(next_interval(Duration::MAX, 2.0, max), max);
    }

    #[tokio::test(start_paused = true)]
    async fn a_timeout_too_long_for_the_clock_never_ends() {
        let endless = Schedule::new(Duration::ZERO, Duration::ZERO, 1.0, Duration::MAX);
        assert!(!endless.is_over());
        let mut short = Schedule::new(
            Duration::from_secs(10),
            Duration::from_secs(10),
            1.0,
            Duration::from_secs(1),
        );
        assert!(!short.is_over());
        short.wait().await;
        assert!(short.is_over(), "the wait ends at the deadline");
    }
}
