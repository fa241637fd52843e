//! The built-in Prometheus sink, on the official `prometheus-client` crate.

use std::sync::LazyLock;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::details::{GiveUpDetails, RetryDetails, SuccessDetails};
use super::guard::HookGuard;
use super::hook::RetryHook;
use super::{CounterSpec, GAVE_UP, RETRIES, SUCCEEDED};

/// The labels of `stamina_retries_total`, as in Python stamina.
///
/// ```
/// use stamina::instrumentation::{RetryLabels, get_prometheus_counter};
///
/// let labels = RetryLabels {
///     callable: "my_app::fetch_repo".to_owned(),
///     retry_num: "1".to_owned(),
///     error_type: "my_app::ApiError".to_owned(),
/// };
/// assert_eq!(get_prometheus_counter().get_or_create(&labels).get(), 0); // nothing retried yet
/// ```
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RetryLabels {
    /// The retried callable's name.
    pub callable: String,
    /// The number of the attempt that failed, as a string (`"1"`, `"2"`, ...).
    pub retry_num: String,
    /// The error's type name.
    pub error_type: String,
}

/// The labels of `stamina_gave_up_total`.
///
/// ```
/// use stamina::instrumentation::{GaveUpLabels, get_prometheus_gave_up_counter};
///
/// let labels = GaveUpLabels {
///     callable: "my_app::fetch_repo".to_owned(),
///     reason: "timeout".to_owned(),
///     error_type: "my_app::ApiError".to_owned(),
/// };
/// assert_eq!(get_prometheus_gave_up_counter().get_or_create(&labels).get(), 0);
/// ```
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct GaveUpLabels {
    /// The retried callable's name.
    pub callable: String,
    /// The [`GiveUpReason`](super::GiveUpReason::as_str): `attempts_exhausted`,
    /// `timeout`, `not_retryable`, `budget_exhausted`,
    /// `request_not_cloneable` or `stream_committed`.
    pub reason: String,
    /// The error's type name.
    pub error_type: String,
}

/// The labels of `stamina_budget_refusals_total` and `stamina_budget_level`.
///
/// ```
/// use std::time::Duration;
///
/// use prometheus_client::registry::Registry;
/// use stamina::RetryingCaller;
/// use stamina::budget::{QuotaParams, RetryBudget};
/// use stamina::instrumentation::{BudgetLabels, register_prometheus_metrics};
///
/// static PAYMENTS: RetryBudget = RetryBudget::token_quota(QuotaParams::AWS_STANDARD).named("payments");
/// let mut registry = Registry::default();
/// register_prometheus_metrics(&mut registry);
/// let caller = RetryingCaller::new().attempts(2).wait_max(Duration::ZERO).budget(&PAYMENTS);
/// let _ = caller.call(|_: &()| true, || Err::<(), _>(()));
///
/// let labels = BudgetLabels { budget: PAYMENTS.name().to_owned() };
/// let mut text = String::new();
/// prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
/// let refusals = format!("stamina_budget_refusals_total{{budget=\"{}\"}} 0", labels.budget);
/// assert!(text.lines().any(|line| line == refusals), "{text}");
/// ```
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct BudgetLabels {
    /// The budget's [name](crate::budget::RetryBudget::named).
    pub budget: String,
}

/// The labels of `stamina_succeeded_after_retries_total`.
///
/// ```
/// use stamina::instrumentation::{SucceededLabels, get_prometheus_succeeded_counter};
///
/// let labels = SucceededLabels { callable: "my_app::fetch_repo".to_owned() };
/// assert_eq!(get_prometheus_succeeded_counter().get_or_create(&labels).get(), 0);
/// ```
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct SucceededLabels {
    /// The retried callable's name.
    pub callable: String,
}

/// The process-wide counter families. Like Python stamina's module-global
/// counter they exist once per process, whichever hooks are installed.
struct Families {
    retries: Family<RetryLabels, Counter>,
    gave_up: Family<GaveUpLabels, Counter>,
    succeeded: Family<SucceededLabels, Counter>,
}

static FAMILIES: LazyLock<Families> = LazyLock::new(|| Families {
    retries: Family::default(),
    gave_up: Family::default(),
    succeeded: Family::default(),
});

/// The counter `stamina_retries_total{callable, retry_num, error_type}` that
/// the [`PrometheusHook`] increments once per scheduled retry.
///
/// The family is shared: the value returned here sees every increment. Register
/// it (and the lifecycle counters) into your registry with
/// [`register_prometheus_metrics`].
///
/// ```
/// use std::time::Duration;
///
/// use stamina::RetryingCaller;
/// use stamina::instrumentation::{PrometheusHook, RetryLabels, get_prometheus_counter, set_on_retry_hooks};
///
/// set_on_retry_hooks((PrometheusHook::new(),));
/// let caller = RetryingCaller::new().attempts(3).wait_max(Duration::ZERO).name("fetch_repo");
/// let _ = caller.call(|_: &std::fmt::Error| true, || Err::<(), _>(std::fmt::Error));
///
/// let second = RetryLabels {
///     callable: "fetch_repo".to_owned(),
///     retry_num: "2".to_owned(),
///     error_type: "core::fmt::Error".to_owned(),
/// };
/// assert_eq!(get_prometheus_counter().get_or_create(&second).get(), 1);
/// # set_on_retry_hooks(None);
/// ```
pub fn get_prometheus_counter() -> Family<RetryLabels, Counter> {
    FAMILIES.retries.clone()
}

/// The counter `stamina_gave_up_total{callable, reason, error_type}`, which
/// the [`PrometheusHook`] increments once per loop that gives up.
///
/// ```
/// use stamina::RetryingCaller;
/// use stamina::instrumentation::{GaveUpLabels, PrometheusHook, get_prometheus_gave_up_counter, set_on_retry_hooks};
///
/// set_on_retry_hooks((PrometheusHook::new(),));
/// let _ = RetryingCaller::new().name("fetch_repo").call(|_: &std::fmt::Error| false, || Err::<(), _>(std::fmt::Error));
///
/// let labels = GaveUpLabels {
///     callable: "fetch_repo".to_owned(),
///     reason: "not_retryable".to_owned(),
///     error_type: "core::fmt::Error".to_owned(),
/// };
/// assert_eq!(get_prometheus_gave_up_counter().get_or_create(&labels).get(), 1);
/// # set_on_retry_hooks(None);
/// ```
pub fn get_prometheus_gave_up_counter() -> Family<GaveUpLabels, Counter> {
    FAMILIES.gave_up.clone()
}

/// The counter `stamina_succeeded_after_retries_total{callable}`, which the
/// [`PrometheusHook`] increments once per loop that succeeds after retrying.
///
/// ```
/// use std::time::Duration;
///
/// use stamina::RetryingCaller;
/// use stamina::instrumentation::{
///     PrometheusHook, SucceededLabels, get_prometheus_succeeded_counter, set_on_retry_hooks,
/// };
///
/// set_on_retry_hooks((PrometheusHook::new(),));
/// let caller = RetryingCaller::new().wait_max(Duration::ZERO).name("fetch_repo");
/// let mut calls = 0;
/// let _ = caller.call(|_: &std::fmt::Error| true, || {
///     calls += 1;
///     if calls < 2 { Err(std::fmt::Error) } else { Ok(()) }
/// });
///
/// let labels = SucceededLabels { callable: "fetch_repo".to_owned() };
/// assert_eq!(get_prometheus_succeeded_counter().get_or_create(&labels).get(), 1);
/// # set_on_retry_hooks(None);
/// ```
pub fn get_prometheus_succeeded_counter() -> Family<SucceededLabels, Counter> {
    FAMILIES.succeeded.clone()
}

/// Registers stamina's counters into `registry`: `stamina_retries` (samples
/// `stamina_retries_total`), `stamina_gave_up` and
/// `stamina_succeeded_after_retries`, and for the [retry budgets](crate::budget)
/// loops have used, `stamina_budget_refusals{budget}` and the gauge
/// `stamina_budget_level{budget}`. Each is described (`# HELP`, `# TYPE`)
/// from the start, and has samples once it has counted something.
///
/// Idempotent: registering into a registry that already has stamina's
/// counters changes nothing (a `prometheus-client` registry would otherwise
/// expose every family twice). `prometheus-client` offers no lookup, so this
/// renders the registry once to see what it holds: call it at start-up, not
/// per request.
///
/// ```
/// use std::time::Duration;
///
/// use prometheus_client::registry::Registry;
/// use stamina::RetryingCaller;
/// use stamina::instrumentation::{PrometheusHook, register_prometheus_metrics, set_on_retry_hooks};
///
/// let mut registry = Registry::default();
/// register_prometheus_metrics(&mut registry);
/// register_prometheus_metrics(&mut registry); // changes nothing
///
/// set_on_retry_hooks((PrometheusHook::new(),));
/// let caller = RetryingCaller::new().attempts(2).wait_max(Duration::ZERO).name("fetch_repo");
/// let _ = caller.call(|_: &&str| true, || Err::<(), _>("busy"));
///
/// let mut text = String::new();
/// prometheus_client::encoding::text::encode(&mut text, &registry).unwrap();
/// assert_eq!(text, r#"# HELP stamina_retries Total number of retries.
/// ## TYPE stamina_retries counter
/// stamina_retries_total{callable="fetch_repo",retry_num="1",error_type="&str"} 1
/// ## HELP stamina_gave_up Total number of retry loops that gave up and returned an error.
/// ## TYPE stamina_gave_up counter
/// stamina_gave_up_total{callable="fetch_repo",reason="attempts_exhausted",error_type="&str"} 1
/// ## HELP stamina_succeeded_after_retries Total number of retry loops that succeeded after at least one retry.
/// ## TYPE stamina_succeeded_after_retries counter
/// ## HELP stamina_budget_refusals Total number of retries a retry budget refused.
/// ## TYPE stamina_budget_refusals counter
/// ## HELP stamina_budget_level What a retry budget has left: retries for a ratio budget, tokens for a token quota.
/// ## TYPE stamina_budget_level gauge
/// ## EOF
/// "#);
/// # set_on_retry_hooks(None);
/// ```
pub fn register_prometheus_metrics(registry: &mut Registry) {
    if holds_stamina_counters(registry) {
        return;
    }
    registry.register_collector(Box::new(StaminaCounters));
}

/// The process-wide families and the budgets' figures, as one collector: it describes every
/// family on each scrape, also before its first sample (as Python's
/// `prometheus_client` does), which is what lets
/// [`register_prometheus_metrics`] see that a registry has them.
#[derive(Debug)]
struct StaminaCounters;

impl Collector for StaminaCounters {
    fn encode(&self, mut encoder: DescriptorEncoder<'_>) -> Result<(), core::fmt::Error> {
        let families: [(CounterSpec, &dyn EncodeMetric); 3] =
            [(RETRIES, &FAMILIES.retries), (GAVE_UP, &FAMILIES.gave_up), (SUCCEEDED, &FAMILIES.succeeded)];
        for (spec, family) in families {
            family.encode(encoder.encode_descriptor(
                spec.family,
                spec.help,
                None,
                family.metric_type(),
            )?)?;
        }
        // The budgets loops have used, read now: a gauge is what it is at the
        // scrape.
        let budgets = crate::budget::listed();
        let refusals: Family<BudgetLabels, Counter> = Family::default();
        let levels: Family<BudgetLabels, Gauge> = Family::default();
        for budget in &budgets {
            let labels = BudgetLabels { budget: budget.name().to_owned() };
            refusals.get_or_create(&labels).inc_by(budget.refusals());
            levels.get_or_create(&labels).set(i64::try_from(budget.level()).unwrap_or(i64::MAX));
        }
        refusals.encode(encoder.encode_descriptor(
            "stamina_budget_refusals",
            "Total number of retries a retry budget refused.",
            None,
            refusals.metric_type(),
        )?)?;
        levels.encode(encoder.encode_descriptor(
            "stamina_budget_level",
            "What a retry budget has left: retries for a ratio budget, tokens for a token quota.",
            None,
            levels.metric_type(),
        )?)?;
        Ok(())
    }
}

/// Whether `registry` has stamina's counters already: [`StaminaCounters`]
/// describes them on every scrape.
fn holds_stamina_counters(registry: &Registry) -> bool {
    let mut exposition = String::new();
    // Writing into a `String` cannot fail; an encoding error means no answer,
    // and registering then is the safer guess.
    if prometheus_client::encoding::text::encode(&mut exposition, registry).is_err() {
        return false;
    }
    exposition.lines().any(|line| {
        line.strip_prefix("# TYPE ").and_then(|rest| rest.strip_suffix(" counter")).is_some_and(|name| {
            name == RETRIES.family
                || name.strip_suffix(RETRIES.family).is_some_and(|prefix| prefix.ends_with('_'))
        })
    })
}

/// Counts retries and outcomes in the process-wide Prometheus counters
/// (see [`get_prometheus_counter`] and [`register_prometheus_metrics`]), with
/// the labels [`RetryLabels`], [`GaveUpLabels`] and [`SucceededLabels`]. A
/// default hook with the `prometheus` feature. What a scrape shows:
/// [`register_prometheus_metrics`], and the page
/// [what the sinks print](https://docs.rs/stamina/latest/stamina/docs/sink_output/index.html).
///
/// ```
/// use stamina::instrumentation::{PrometheusHook, set_on_retry_hooks};
///
/// set_on_retry_hooks((PrometheusHook::new(),));
/// # set_on_retry_hooks(None);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct PrometheusHook;

impl PrometheusHook {
    /// The Prometheus sink, on the process-wide counters.
    ///
    /// ```
    /// let hook = stamina::instrumentation::PrometheusHook::new();
    /// stamina::instrumentation::set_on_retry_hooks((hook,));
    /// # stamina::instrumentation::set_on_retry_hooks(None);
    /// ```
    pub fn new() -> Self {
        LazyLock::force(&FAMILIES);
        Self
    }
}

impl RetryHook for PrometheusHook {
    fn on_retry(&self, details: &RetryDetails<'_>) -> HookGuard {
        FAMILIES
            .retries
            .get_or_create(&RetryLabels {
                callable: details.name.to_owned(),
                retry_num: details.retry_num.to_string(),
                error_type: details.error_type.to_owned(),
            })
            .inc();
        HookGuard::none()
    }

    fn on_success(&self, details: &SuccessDetails<'_>) {
        FAMILIES.succeeded.get_or_create(&SucceededLabels { callable: details.name.to_owned() }).inc();
    }

    fn on_give_up(&self, details: &GiveUpDetails<'_>) {
        FAMILIES
            .gave_up
            .get_or_create(&GaveUpLabels {
                callable: details.name.to_owned(),
                reason: details.reason.as_str().to_owned(),
                error_type: details.error_type.to_owned(),
            })
            .inc();
    }
}
