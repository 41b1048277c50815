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
//! Adaptive: a 429 means the server counts more strictly than configured.
//! The budget is then lowered to nine tenths of the sends in the window at
//! that moment (at least 1), so a stricter server sees a handful of 429s over
//! a long job, not one per request. It is raised again by a tenth of the
//! configured budget after ten full windows with no 429 (50 minutes with
//! Halo's 5), up to the configuration: a server that is stricter for good
//! then sees one 429 every ten windows at most. Both are `tracing` events
//! (INFO) with the numbers.

use crate::config::RateLimit;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Windows with no 429 before the budget is raised again.
const CALM_WINDOWS: u32 = 10;

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
                (freeing + self.configured.per).saturating_duration_since(now).max(Duration::from_millis(1))
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

    /// Halo answered 429: lower the budget to what the server let through.
    pub(crate) fn throttled(&self) {
        let mut s = self.lock();
        let now = Instant::now();
        self.expire(&mut s, now);
        let in_window = s.sent.len() as u32;
        let lowered = (in_window.min(s.budget) * 9 / 10).max(1);
        s.calm_since = now;
        if lowered < s.budget {
            tracing::info!(
                target: "halo",
                sent_in_window = in_window,
                window_s = self.configured.per.as_secs_f64(),
                budget_before = s.budget,
                budget = lowered,
                "Halo answered 429 with {in_window} requests in the last {:?}: lowering the client's budget to {lowered}",
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
        if s.budget < full && now.duration_since(s.calm_since) >= self.configured.per * CALM_WINDOWS {
            let raised = (s.budget + (full / 10).max(1)).min(full);
            tracing::info!(target: "halo", budget_before = s.budget, budget = raised, "no 429 for a whole window: raising the client's budget to {raised}");
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
    fn a_429_lowers_the_budget_to_nine_tenths_of_the_window_and_never_below_one() {
        let w = RollingWindow::new(limit(300, 300_000));
        {
            let mut s = w.lock();
            let now = Instant::now();
            s.sent.extend((0..40).map(|i| (i, now)));
        }
        w.throttled();
        assert_eq!(w.budget(), 36);
        w.lock().sent.clear();
        w.throttled();
        assert_eq!(w.budget(), 1);
    }

    #[test]
    fn ten_calm_windows_raise_the_budget_by_a_tenth_of_the_configuration() {
        let w = RollingWindow::new(limit(100, 10));
        w.lock().budget = 20;
        w.lock().calm_since = Instant::now() - Duration::from_millis(20);
        let mut s = w.lock();
        w.recover(&mut s, Instant::now());
        assert_eq!(s.budget, 20, "two windows are not ten");
        drop(s);
        w.lock().calm_since = Instant::now() - Duration::from_millis(100);
        let mut s = w.lock();
        w.recover(&mut s, Instant::now());
        assert_eq!(s.budget, 30);
    }
}
