package io.keyport.importjob;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Which refresh policy new jobs get when the request names none, and how on-demand
 * refreshes and refresh priorities behave.
 *
 * @param defaultPolicy the policy of jobs whose request and tenant name none
 * @param tenants a default per tenant, overriding {@code defaultPolicy} (a tenant name
 * with dots goes in brackets: {@code tenants[team.a]=ON_DEMAND})
 * @param onDemandWait how long a client's request that needs new parameters for an
 * ON_DEMAND job waits for the target's quota (and for a download another request has
 * started) before it is answered 429 {@code kms-quota-exceeded} or 409 {@code job-busy}
 * with {@code Retry-After}
 * @param recentActivity client activity (a read of the job or its wrapping key, an
 * upload) this recent puts an EAGER job ahead of idle ones when the budget is short
 */
@Validated
@ConfigurationProperties("keyport.refresh-policy")
public record RefreshPolicyProperties(@DefaultValue("EAGER") @NotNull RefreshPolicy defaultPolicy,
		Map<String, RefreshPolicy> tenants, @DefaultValue("10s") @NotNull Duration onDemandWait,
		@DefaultValue("24h") @NotNull Duration recentActivity) {

	public RefreshPolicyProperties {
		tenants = tenants != null ? Map.copyOf(tenants) : Map.of();
		if (onDemandWait != null && (onDemandWait.isNegative() || onDemandWait.compareTo(Duration.ofMinutes(1)) > 0)) {
			throw new IllegalArgumentException("keyport.refresh-policy.on-demand-wait must be between 0 and 1m (a "
					+ "request holds its thread while it waits); got " + onDemandWait);
		}
		if (recentActivity != null && !recentActivity.isPositive()) {
			throw new IllegalArgumentException(
					"keyport.refresh-policy.recent-activity must be positive; got " + recentActivity);
		}
	}

	/** The policy of a new job of the tenant whose request names none. */
	RefreshPolicy defaultFor(String tenant) {
		return this.tenants.getOrDefault(tenant, this.defaultPolicy);
	}

}
