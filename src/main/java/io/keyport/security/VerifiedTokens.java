package io.keyport.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * A {@link JwtDecoder} that remembers the tokens it verified: a platform sends the same
 * bearer token with every request for minutes, and verifying it each time (parse, RSA
 * signature, claims) was about 8 % of Keyport's CPU per request in the profile of issue
 * 14. A token is accepted again without verification for at most {@code ttl} and never
 * after its own {@code exp}; what failed is never remembered. Entries are keyed by the
 * token's SHA-256, so the map holds no bearer token. The trade-off: a signing key removed
 * from the issuer's key set is noticed up to {@code ttl} later for tokens already seen.
 */
final class VerifiedTokens implements JwtDecoder {

	private record Verified(Jwt jwt, Instant until) {
	}

	private final JwtDecoder delegate;

	private final Clock clock;

	private final Duration ttl;

	private final int maxSize;

	private final Map<String, Verified> verified = new ConcurrentHashMap<>();

	VerifiedTokens(JwtDecoder delegate, Clock clock, Duration ttl, int maxSize) {
		this.delegate = delegate;
		this.clock = clock;
		this.ttl = ttl;
		this.maxSize = maxSize;
	}

	@Override
	public Jwt decode(String token) throws JwtException {
		String key = digest(token);
		Instant now = this.clock.instant();
		Verified seen = this.verified.get(key);
		if (seen != null) {
			if (now.isBefore(seen.until())) {
				return seen.jwt();
			}
			this.verified.remove(key, seen);
		}
		Jwt jwt = this.delegate.decode(token);
		Instant until = now.plus(this.ttl);
		if (jwt.getExpiresAt() != null && jwt.getExpiresAt().isBefore(until)) {
			until = jwt.getExpiresAt();
		}
		if (now.isBefore(until)) {
			if (this.verified.size() >= this.maxSize) {
				evict(now);
			}
			this.verified.put(key, new Verified(jwt, until));
		}
		return jwt;
	}

	/** Drops what lapsed; if that is not enough, everything (verified again on use). */
	private void evict(Instant now) {
		this.verified.values().removeIf(entry -> !now.isBefore(entry.until()));
		if (this.verified.size() >= this.maxSize) {
			this.verified.clear();
		}
	}

	int size() {
		return this.verified.size();
	}

	private static String digest(String token) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
