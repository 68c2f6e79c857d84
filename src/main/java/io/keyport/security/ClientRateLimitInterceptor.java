package io.keyport.security;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import io.keyport.web.ApiInterceptor;

import io.keyport.support.TokenBucket;
import io.keyport.web.ProblemResponses;

/**
 * Limits API requests per client, so one misbehaving platform cannot use up the KMS quota
 * the others share: over the limit, 429 with {@code Retry-After}.
 */
@Component
@Order(1)
class ClientRateLimitInterceptor implements ApiInterceptor {

	private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();

	private final SecurityProperties properties;

	ClientRateLimitInterceptor(SecurityProperties properties) {
		this.properties = properties;
	}

	@Override
	public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
			throws IOException {
		if (this.properties.requestsPerSecond() <= 0) {
			return true;
		}
		Caller caller;
		try {
			caller = Caller.current();
		}
		catch (IllegalStateException ex) {
			return true; // unauthenticated requests never get this far on /api
		}
		TokenBucket bucket = this.buckets.computeIfAbsent(caller.clientId(),
				id -> new TokenBucket(this.properties.requestsPerSecond(), this.properties.burst()));
		if (bucket.reserve(0) >= 0) {
			return true;
		}
		long retryAfter = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(bucket.nanosUntilAvailable()) + 1);
		response.setHeader("Retry-After", String.valueOf(retryAfter));
		request.setAttribute(Caller.REQUEST_ATTRIBUTE, caller);
		ProblemResponses.write(request, response, HttpStatus.TOO_MANY_REQUESTS, "too-many-requests",
				"Client " + caller.clientId() + " exceeded " + this.properties.requestsPerSecond()
						+ " requests per second. Retry after the number of seconds in Retry-After.");
		return false;
	}

}
