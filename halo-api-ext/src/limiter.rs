//! The client-side rate limit: a rolling window, as hosted Halo counts.
//!
//! Never more than `requests` sends in any window of `per`, and no waiting
//! at all while under it: a job of 30 requests under 40 per 8 s goes out at
//! once. Once the window is full, the next send waits until the oldest send
//! in it is `per` old. It keeps a log of the sends in the window, at most
//! `requests` entries (290 by default: a few kilobytes), in one place shared
//! by every clone of a client.
//!
//! A send takes its place in the log when it goes out and is dated again
//! when its answer arrives: the server counted it somewhere in between, so
//! dating it by the answer means a slot is never reused before the server's
//! window has let go of it, whatever the latency (otherwise requests that
//! leave together at the edge of a window meet a 429).
//!
//! No single send waits here longer than one window (`per`): the send that
//! frees a slot went out at most one window ago. A wait longer than
//! [`WARN_WAIT`] is a WARN event (target `halo`) saying how long and why,
//! which the CLI prints on stderr.
//!
//! Adaptive, gently: a 429 means the tenant's budget is spent, by this
//! client or by another integration sharing the instance (Halo counts per
//! instance, as far as anyone knows). The 429 itself is waited out by the
//! retry policy (its Retry-After, or a short backoff). Here, each 429 lowers
//! the budget by a twentieth of the configured one, never below half of it
//! ([`FLOOR_DIVISOR`]): a server stricter than configured converges in a few
//! 429s, and a 429 on the very first request costs its Retry-After, never a
//! window. Each calm fifth of a window (a minute with Halo's 5) with no 429
//! raises it by a twentieth again, up to the configuration: back to full
//! within ten fifths of a window (ten minutes with Halo's). Both are
//! `tracing` events (INFO) with the numbers.

use crate::config::RateLimit;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A 429 lowers the budget by `configured / STEP_DIVISOR`, and a calm
/// fifth of a window raises it by as much.
const STEP_DIVISOR: u32 = 20;
/// The budget never goes below `configured / FLOOR_DIVISOR` (at least 1).
pub(crate) const FLOOR_DIVISOR: u32 = 2;
/// Fifths of a window: the calm time before each raise is `per / CALM_PARTS`.
const CALM_PARTS: u32 = 5;
/// A wait in the limiter longer than this is a WARN event.
pub(crate) const WARN_WAIT: Duration = Duration::from_secs(5);

pub(crate) struct RollingWindow {
    configured: RateLimit,
    state: Mutex<State>,
}

struct State {
    /// (slot, when) of the sends in the current window: when it went out,
    /// then when its answer came.
    sent: VecDeque<(u64, Instant)>,
    next_slot: u64,
    /// What the window allows now (<= configured.requests).
    budget: u32,
    /// Since when no 429 was seen (for raising the budget again).
    calm_since: Instant,
}

impl std::fmt::Debug for RollingWindow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RollingWindow")
            .field("configured", &self.configured)
            .field("budget", &self.budget())
            .finish_non_exhaustive()
    }
}

impl RollingWindow {
    pub(crate) fn new(configured: RateLimit) -> Self {
        let state = State {
            sent: VecDeque::with_capacity(configured.requests.min(4096) as usize),
            next_slot: 0,
            budget: configured.requests.max(1),
            calm_since: Instant::now(),
        };
        Self { configured, state: Mutex::new(state) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding it cannot leave the log inconsistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The budget in force now.
    pub(crate) fn budget(&self) -> u32 {
        self.lock().budget
    }

    /// Waits until a send fits in the window, then records it: the slot to
    /// pass to [`Self::answered`].
    pub(crate) async fn acquire(&self) -> u64 {
        let started = Instant::now();
        let mut warned = false;
        loop {
            let wait = {
                let mut s = self.lock();
                let now = Instant::now();
                self.expire(&mut s, now);
                self.recover(&mut s, now);
                if s.sent.len() < s.budget as usize {
                    let slot = s.next_slot;
                    s.next_slot += 1;
                    s.sent.push_back((slot, now));
                    return slot;
                }
                // The sends are kept in order of their dates: the one whose
                // expiry makes room for one more.
                let (_, freeing) = s.sent[s.sent.len() - s.budget as usize];
                let wait = (freeing + self.configured.per).saturating_duration_since(now).max(Duration::from_millis(1));
                if !warned && now.duration_since(started) + wait > WARN_WAIT {
                    warned = true;
                    tracing::warn!(
                        target: "halo",
                        wait_s = wait.as_secs_f64(),
                        sent_in_window = s.sent.len(),
                        budget = s.budget,
                        "waiting {:.0} s for the client-side rate limit: {} requests in the last {:?}, budget {} \
                         (HALO_RATE_LIMIT / HaloConfig::rate_limit)",
                        wait.as_secs_f64(),
                        s.sent.len(),
                        self.configured.per,
                        s.budget,
                    );
                }
                wait
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// The answer to the send in `slot` arrived: date it now.
    pub(crate) fn answered(&self, slot: u64) {
        let mut s = self.lock();
        if let Some(at) = s.sent.iter().position(|(id, _)| *id == slot) {
            s.sent.remove(at);
            s.sent.push_back((slot, Instant::now()));
        }
    }

    /// The lowest budget a 429 can bring: half the configured one.
    fn floor(&self) -> u32 {
        (self.configured.requests / FLOOR_DIVISOR).max(1)
    }

    fn step(&self) -> u32 {
        (self.configured.requests / STEP_DIVISOR).max(1)
    }

    /// Halo answered 429: lower the budget by a step, not below the floor.
    pub(crate) fn throttled(&self) {
        let mut s = self.lock();
        let now = Instant::now();
        self.expire(&mut s, now);
        let lowered = s.budget.saturating_sub(self.step()).max(self.floor());
        s.calm_since = now;
        if lowered < s.budget {
            tracing::info!(
                target: "halo",
                sent_in_window = s.sent.len(),
                budget_before = s.budget,
                budget = lowered,
                "Halo answered 429 with {} requests in the last {:?}: lowering the client's budget to {lowered}",
                s.sent.len(),
                self.configured.per,
            );
            s.budget = lowered;
        }
    }

    fn expire(&self, s: &mut State, now: Instant) {
        if let Some(cutoff) = now.checked_sub(self.configured.per) {
            while s.sent.front().is_some_and(|(_, t)| *t <= cutoff) {
                s.sent.pop_front();
            }
        }
    }

    fn recover(&self, s: &mut State, now: Instant) {
        let full = self.configured.requests.max(1);
        if s.budget < full && now.duration_since(s.calm_since) >= self.configured.per / CALM_PARTS {
            let raised = (s.budget + self.step()).min(full);
            tracing::info!(target: "halo", budget_before = s.budget, budget = raised, "no 429 for a fifth of a window: raising the client's budget to {raised}");
            s.budget = raised;
            s.calm_since = now;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(requests: u32, ms: u64) -> RateLimit {
        RateLimit { requests, per: Duration::from_millis(ms) }
    }

    #[tokio::test]
    async fn under_the_budget_nothing_waits_then_the_window_decides() {
        let w = RollingWindow::new(limit(4, 400));
        let start = Instant::now();
        for _ in 0..4 {
            let slot = w.acquire().await;
            w.answered(slot);
        }
        assert!(start.elapsed() < Duration::from_millis(100), "four sends in a budget of four: no wait");
        let slot = w.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(400), "the fifth waits for the first to leave the window");
        assert_eq!(w.lock().sent.back().map(|(id, _)| *id), Some(slot));
        assert!(w.lock().sent.len() <= 4, "the log never holds more than the budget");
    }

    #[test]
    fn a_429_lowers_the_budget_by_a_step_and_never_below_half() {
        let w = RollingWindow::new(limit(300, 300_000));
        w.throttled();
        assert_eq!(w.budget(), 285, "a 429 on the first request: one step, not a window");
        for _ in 0..100 {
            w.throttled();
        }
        assert_eq!(w.budget(), 150, "the floor: half the configured budget");
        let one = RollingWindow::new(limit(1, 1000));
        one.throttled();
        assert_eq!(one.budget(), 1, "never below one");
    }

    #[test]
    fn a_calm_fifth_of_a_window_raises_the_budget_by_a_step() {
        let w = RollingWindow::new(limit(100, 1000));
        w.lock().budget = 50;
        w.lock().calm_since = Instant::now() - Duration::from_millis(100);
        let mut s = w.lock();
        w.recover(&mut s, Instant::now());
        assert_eq!(s.budget, 50, "a tenth of a window is not a fifth");
        drop(s);
        w.lock().calm_since = Instant::now() - Duration::from_millis(200);
        let mut s = w.lock();
        w.recover(&mut s, Instant::now());
        assert_eq!(s.budget, 55);
    }

    #[tokio::test]
    async fn no_send_waits_longer_than_one_window_even_after_429s() {
        let w = RollingWindow::new(limit(4, 300));
        let start = Instant::now();
        for _ in 0..4 {
            let slot = w.acquire().await;
            w.answered(slot);
        }
        for _ in 0..10 {
            w.throttled();
        }
        assert_eq!(w.budget(), 2);
        let before = Instant::now();
        w.acquire().await;
        // One window (300 ms), plus room for a loaded machine's scheduling.
        assert!(before.elapsed() <= Duration::from_millis(300 + 500), "at most one window: {:?}", before.elapsed());
        assert!(start.elapsed() >= Duration::from_millis(300), "the window still decides");
    }
}
