//! Shared measuring helpers.

use std::future::Future;

use anyhow::Result;

/// Peak resident set size of this process, in bytes.
pub(crate) fn peak_rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

pub(crate) fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The median of a set of figures (the mean of the two middle ones for an even count).
///
/// Comparisons take the median of alternating rounds rather than each side's best, so noise
/// on a small machine cannot flatter either side.
pub(crate) fn median(mut figures: Vec<f64>) -> f64 {
    if figures.is_empty() {
        return f64::NAN;
    }
    figures.sort_by(f64::total_cmp);
    let mid = figures.len() / 2;
    if figures.len() % 2 == 1 {
        figures[mid]
    } else {
        (figures[mid - 1] + figures[mid]) / 2.0
    }
}

/// The median of the rounds' own ratios `a[i] / b[i]`: a slow drift of the machine (another
/// guest on the host, a frequency change) moves both sides of a round alike and cancels out,
/// which the ratio of the two sides' separate medians does not do.
pub(crate) fn median_ratio(a: &[f64], b: &[f64]) -> f64 {
    median(a.iter().zip(b).map(|(a, b)| a / b).collect())
}

/// `rounds` rounds of two sides, `a` first in even rounds and `b` first in odd ones, so
/// neither side always runs on the other's leftovers (caches, allocator state); each side's
/// results in round order. A side that is `None` is not run.
pub(crate) async fn alternate<T, A, AF, B, BF>(
    rounds: usize,
    mut a: Option<A>,
    mut b: Option<B>,
) -> Result<(Vec<T>, Vec<T>)>
where
    A: FnMut() -> AF,
    AF: Future<Output = Result<T>>,
    B: FnMut() -> BF,
    BF: Future<Output = Result<T>>,
{
    let (mut a_rounds, mut b_rounds) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        for a_turn in [round % 2 == 0, round % 2 == 1] {
            match (a_turn, a.as_mut(), b.as_mut()) {
                (true, Some(a), _) => a_rounds.push(a().await?),
                (false, _, Some(b)) => b_rounds.push(b().await?),
                _ => {}
            }
        }
    }
    Ok((a_rounds, b_rounds))
}

/// What the scheduler did for this process so far, summed over its threads (Linux `/proc`):
/// the thread hand-overs a request costs, which instruction counts do not show.
pub(crate) struct Sched {
    voluntary: u64,
    involuntary: u64,
    /// Time on a CPU, in nanoseconds (`schedstat`).
    cpu_ns: u64,
}

impl Sched {
    /// The counters now, or `None` where `/proc/self/task` cannot be read.
    pub(crate) fn sample() -> Option<Sched> {
        let mut sum = Sched {
            voluntary: 0,
            involuntary: 0,
            cpu_ns: 0,
        };
        for task in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
            let status = std::fs::read_to_string(task.path().join("status")).unwrap_or_default();
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(0)
            };
            sum.voluntary += field("voluntary_ctxt_switches:");
            sum.involuntary += field("nonvoluntary_ctxt_switches:");
            let schedstat =
                std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
            sum.cpu_ns += schedstat
                .split_whitespace()
                .next()
                .and_then(|ns| ns.parse::<u64>().ok())
                .unwrap_or(0);
        }
        Some(sum)
    }

    /// Per request since `before` (`count` requests), as the tail of a round's line; empty
    /// when there is no sample.
    pub(crate) fn since(before: Option<Sched>, count: usize) -> String {
        let (Some(before), Some(after)) = (before, Sched::sample()) else {
            return String::new();
        };
        let per = |a: u64, b: u64| a.saturating_sub(b) as f64 / count.max(1) as f64;
        format!(
            "; per request: {:.2} voluntary and {:.2} involuntary context switches, {:.1} µs CPU",
            per(after.voluntary, before.voluntary),
            per(after.involuntary, before.involuntary),
            per(after.cpu_ns, before.cpu_ns) / 1000.0,
        )
    }
}
