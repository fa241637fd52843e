//! The builder methods shared by every type that carries a
//! [`RetryPolicy`](crate::RetryPolicy) and a name.

/// Generates `attempts`, `timeout` and the `wait_*` builder methods, delegating
/// to the type's `policy` field, so that the callers and `retry_context` take
/// the parameters under the same names as the macros; and `name`, over its
/// `name: CallableName` field.
macro_rules! policy_setters {
    () => {
        /// Sets the total number of attempts, including the first; `None` for no
        /// limit. See [`RetryPolicy::attempts`](crate::RetryPolicy::attempts).
        ///
        /// # Panics
        ///
        /// On `Some(0)`.
        ///
        /// ```
        /// // The same builder methods on every caller and on `retry_context`.
        /// let once = stamina::RetryingCaller::new().attempts(1); // no retries
        /// assert_eq!(once.get_policy().get_attempts(), Some(1));
        /// ```
        #[must_use]
        #[track_caller]
        pub fn attempts(mut self, attempts: impl Into<Option<u32>>) -> Self {
            self.policy = self.policy.attempts(attempts);
            self
        }

        /// Sets the total time budget; `None` for no limit. See
        /// [`RetryPolicy::timeout`](crate::RetryPolicy::timeout).
        ///
        /// # Panics
        ///
        /// On `Some(Duration::ZERO)`.
        ///
        /// ```
        /// let caller = stamina::RetryingCaller::new().timeout(std::time::Duration::from_secs(5));
        /// assert_eq!(caller.get_policy().get_timeout(), Some(std::time::Duration::from_secs(5)));
        /// ```
        #[must_use]
        #[track_caller]
        pub fn timeout(mut self, timeout: impl Into<Option<core::time::Duration>>) -> Self {
            self.policy = self.policy.timeout(timeout);
            self
        }

        /// Sets the backoff after the first failure, before jitter. The default
        /// jitter (up to 1 s) swamps a small value: set
        /// [`wait_jitter`](Self::wait_jitter) with it, to 10 ms or zero. See
        /// [`RetryPolicy::wait_initial`](crate::RetryPolicy::wait_initial).
        ///
        /// ```
        /// use std::time::Duration;
        ///
        /// let caller = stamina::RetryingCaller::new()
        ///     .wait_initial(Duration::from_millis(50))
        ///     .wait_jitter(Duration::from_millis(10));
        /// assert_eq!(caller.get_policy().get_wait_initial(), Duration::from_millis(50));
        /// ```
        #[must_use]
        pub fn wait_initial(mut self, wait_initial: core::time::Duration) -> Self {
            self.policy = self.policy.wait_initial(wait_initial);
            self
        }

        /// Sets the cap on computed backoffs; zero retries without waiting. See
        /// [`RetryPolicy::wait_max`](crate::RetryPolicy::wait_max).
        ///
        /// ```
        /// let caller = stamina::RetryingCaller::new().wait_max(std::time::Duration::ZERO);
        /// assert_eq!(caller.get_policy().get_wait_max(), std::time::Duration::ZERO);
        /// ```
        #[must_use]
        pub fn wait_max(mut self, wait_max: core::time::Duration) -> Self {
            self.policy = self.policy.wait_max(wait_max);
            self
        }

        /// Sets the maximum jitter added to each backoff; zero switches it off.
        /// See [`RetryPolicy::wait_jitter`](crate::RetryPolicy::wait_jitter).
        ///
        /// ```
        /// let caller = stamina::RetryingCaller::new().wait_jitter(std::time::Duration::ZERO);
        /// assert_eq!(caller.get_policy().get_wait_jitter(), std::time::Duration::ZERO);
        /// ```
        #[must_use]
        pub fn wait_jitter(mut self, wait_jitter: core::time::Duration) -> Self {
            self.policy = self.policy.wait_jitter(wait_jitter);
            self
        }

        /// Sets the growth factor of the backoff. See
        /// [`RetryPolicy::wait_exp_base`](crate::RetryPolicy::wait_exp_base).
        ///
        /// # Panics
        ///
        /// When `base` is not a finite number greater than zero.
        ///
        /// ```
        /// let caller = stamina::RetryingCaller::new().wait_exp_base(3.0);
        /// assert_eq!(caller.get_policy().get_wait_exp_base(), 3.0);
        /// ```
        #[must_use]
        #[track_caller]
        pub fn wait_exp_base(mut self, base: f64) -> Self {
            self.policy = self.policy.wait_exp_base(base);
            self
        }

        /// Sets the name hooks, logs and metrics see for these loops instead of
        /// `<context block>` (Python's name for them), so that two different
        /// loops are two series and two log names.
        ///
        /// ```
        /// let caller = stamina::RetryingCaller::new().name("fetch_readme");
        /// assert_eq!(caller.get_name(), "fetch_readme");
        /// ```
        #[must_use]
        pub fn name(mut self, name: &'static str) -> Self {
            self.name = crate::instrumentation::CallableName::new(name);
            self
        }

        /// The name hooks see: `<context block>` unless set with
        /// [`name`](Self::name).
        ///
        /// ```
        /// assert_eq!(stamina::RetryingCaller::new().get_name(), "<context block>");
        /// ```
        pub fn get_name(&self) -> &'static str {
            self.name.path()
        }

        /// Shares the retry budget `budget` with every loop that names it. See
        /// [`RetryPolicy::budget`](crate::RetryPolicy::budget).
        ///
        /// ```
        /// use stamina::budget::RetryBudget;
        ///
        /// static GITHUB: RetryBudget = RetryBudget::aws_standard().named("github");
        /// let caller = stamina::RetryingCaller::new().budget(&GITHUB);
        /// assert!(caller.get_policy().get_budget().is_some());
        /// ```
        #[must_use]
        pub fn budget(mut self, budget: &'static crate::budget::RetryBudget) -> Self {
            self.policy = self.policy.budget(budget);
            self
        }

        /// Replaces all parameters with `policy`'s: one policy, shared by several
        /// callers.
        ///
        /// ```
        /// use std::time::Duration;
        /// use stamina::{RetryPolicy, RetryingCaller};
        ///
        /// const FAST: RetryPolicy = RetryPolicy::new().wait_initial(Duration::from_millis(10));
        /// let caller = RetryingCaller::new().policy(FAST);
        /// assert_eq!(caller.get_policy(), &FAST);
        /// ```
        #[must_use]
        pub fn policy(mut self, policy: crate::RetryPolicy) -> Self {
            self.policy = policy;
            self
        }

        /// The parameters in force.
        ///
        /// ```
        /// let caller = stamina::RetryingCaller::new().attempts(3);
        /// assert_eq!(caller.get_policy().get_attempts(), Some(3));
        /// ```
        pub fn get_policy(&self) -> &crate::RetryPolicy {
            &self.policy
        }
    };
}

pub(crate) use policy_setters;
